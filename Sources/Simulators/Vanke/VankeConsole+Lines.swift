import Foundation

extension VankeConsole {
    /// One line per push, e.g. `receivePlateNumber 粤B12345 gate CAM-01 → respCode 1 (车辆未缴费)`.
    public static func line(for event: VankeEvent) -> String {
        switch event {
        case .accepted(let push):
            let f = push.fields
            let what: String = switch push.endpoint {
            case "receivePlateNumber":
                "\(plate(f["plateNumber"])) gate \(f["deviceNo"] ?? "?") \(f["color"] ?? "?")"
                    + (f["reliability"].map { " \($0)%" } ?? "") + " at \(f["recognitionTime"] ?? "?")"
            case "receiveCrossGate":
                "\(plate(f["plateNumber"])) gate \(f["deviceNo"] ?? "?") crossed at \(f["crossTime"] ?? "?")"
            default:
                "\(f["abnormalCode"] ?? "?")" + (f["deviceNo"].map { " device \($0)" } ?? "") + ": \(f["msg"] ?? "")"
            }
            let answer = push.answeredRespDesc.map { "respCode \(push.answeredRespCode) (\($0))" }
                ?? "respCode \(push.answeredRespCode)"
            return "\(push.endpoint) \(what) → \(answer)"
        case .rejected(let refused):
            return "\(refused.endpoint) REJECTED → respCode 1 (\(refused.respDesc))"
        }
    }

    /// The supplier's answer to a call: status, content type and body.
    public static func line(for answer: VankeSupplierAnswer) -> String {
        "HTTP \(answer.status) \(answer.contentType ?? "(no content type)"): \(answer.text)"
    }

    private static func plate(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "(no plate)" }
        return text
    }
}
