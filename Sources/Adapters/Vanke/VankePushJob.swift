import Foundation
import Topics

/// One push waiting in the outbox: what the field device reported, in vendor form, so a restart
/// sends exactly what was received. Token and `time` are made fresh for every attempt.
struct VankePushJob: Sendable, Equatable {
    enum Kind: String, Sendable {
        case recognition, crossing, abnormal

        var endpoint: String {
            switch self {
            case .recognition: "receivePlateNumber"
            case .crossing: "receiveCrossGate"
            case .abnormal: "receiveAbnormal"
            }
        }
    }

    var kind: Kind
    var deviceNo: String?
    var uuid: String?
    var plate: String?
    var color: String?
    /// recognitionTime or crossTime, `yyyyMMdd HH:mm:ss`.
    var at: String?
    var image: String?
    var reliability: Int?
    var abnormalCode: String?
    var message: String?
}

/// The stored form is what `JSONEncoder` wrote for this type when it was Codable (the same keys,
/// nils left out), so entries stored by earlier versions still read. Written and read by hand:
/// every recognition costs one of each.
extension VankePushJob {
    var stored: Data {
        JSONValue.objectData([
            ("kind", .string(kind.rawValue)), ("deviceNo", deviceNo.map(JSONValue.string)),
            ("uuid", uuid.map(JSONValue.string)), ("plate", plate.map(JSONValue.string)),
            ("color", color.map(JSONValue.string)), ("at", at.map(JSONValue.string)),
            ("image", image.map(JSONValue.string)), ("reliability", reliability.map { .int(Int64($0)) }),
            ("abnormalCode", abnormalCode.map(JSONValue.string)), ("message", message.map(JSONValue.string)),
        ])
    }

    /// nil when the entry is not a push job (it is dead-lettered as unreadable).
    init?(stored data: Data) {
        guard let value = try? JSONValue.parse(data), let kind = value["kind"]?.stringValue.flatMap(Kind.init)
        else { return nil }
        self.init(
            kind: kind, deviceNo: value["deviceNo"]?.stringValue, uuid: value["uuid"]?.stringValue,
            plate: value["plate"]?.stringValue, color: value["color"]?.stringValue, at: value["at"]?.stringValue,
            image: value["image"]?.stringValue, reliability: value["reliability"]?.intValue.map { Int($0) },
            abnormalCode: value["abnormalCode"]?.stringValue, message: value["message"]?.stringValue)
    }
}

/// The outbox streams. Recognitions and crossings share one stream keyed by gate, so a gate's
/// pushes keep their order; failed records are filed per kind, which `queryUnPush*` page through.
enum VankeStreams {
    static let gate = "vanke.gate"
    static let abnormal = "vanke.abnormal"
    static let failedRecognitions = "vanke.unpushed.recognition"
    static let failedCrossings = "vanke.unpushed.crossing"

    /// Pushes the platform answered with a refusal (respCode 1): kept as a record, not offered by
    /// queryUnPush* (the platform has them and said no) and not sent again.
    static func refused(_ kind: VankePushJob.Kind) -> String { "vanke.refused.\(kind.rawValue)" }

    static func failed(_ kind: VankePushJob.Kind) -> String? {
        switch kind {
        case .recognition: failedRecognitions
        case .crossing: failedCrossings
        // Failed abnormal pushes stay in their stream's dead letters, re-sent once the platform answers.
        case .abnormal: nil
        }
    }
}
