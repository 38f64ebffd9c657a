import Foundation

/// One push waiting in the outbox: what the field device reported, in vendor form, so a restart
/// sends exactly what was received. Token and `time` are made fresh for every attempt.
struct VankePushJob: Codable, Sendable, Equatable {
    enum Kind: String, Codable, Sendable {
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

/// The outbox streams. Recognitions and crossings share one stream keyed by gate, so a gate's
/// pushes keep their order; failed records are filed per kind, which `queryUnPush*` page through.
enum VankeStreams {
    static let gate = "vanke.gate"
    static let abnormal = "vanke.abnormal"
    static let failedRecognitions = "vanke.unpushed.recognition"
    static let failedCrossings = "vanke.unpushed.crossing"

    static func failed(_ kind: VankePushJob.Kind) -> String? {
        switch kind {
        case .recognition: failedRecognitions
        case .crossing: failedCrossings
        // Failed abnormal pushes stay in their stream's dead letters, re-sent once the platform answers.
        case .abnormal: nil
        }
    }
}
