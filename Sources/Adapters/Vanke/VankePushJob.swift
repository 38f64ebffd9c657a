import Foundation
import Topics

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

/// The stored form is this type's Codable form (nils left out), the same since the first release.
/// Foundation's coders cost nothing measurable here: the hand-written twin this replaced was within
/// the noise of the Vanke benchmark (docs/performance.md, 2026-12-02).
extension VankePushJob {
    var stored: Data { (try? JSONEncoder().encode(self)) ?? Data() }

    /// nil when the entry is not a push job (it is dead-lettered as unreadable).
    init?(stored data: Data) {
        guard let job = try? JSONDecoder().decode(Self.self, from: data) else { return nil }
        self = job
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
