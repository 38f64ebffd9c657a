import Foundation
import Topics

/// Contract errors → FIAS answer status (AS) and a clear text (CT, ≤ 40 characters) a front-desk
/// user can act on. `BY` busy, `RY` retry later, `UR` unprocessable, `DN` denied. `RY` only where
/// nothing ran (or running again is harmless): an outcome that is unknown is `UR` saying so.
enum FIASAnswerText {
    static func outcome(for error: any Error, record: FIASRecord) -> FIASKeyDesk.Outcome {
        guard let error = error as? GatehouseError else {
            return .failure("RY", "Lock system error, retry")
        }
        let encoder = record["KC"] ?? "?"
        let room = record["RN"] ?? "?"
        switch error.code {
        case .busy: return .failure("BY", "Encoder \(encoder) busy, try again")
        case .timeout where record.type == "KZ":
            // Reading a card changes nothing: asking again is safe.
            return .failure("RY", "No answer for encoder \(encoder), retry")
        case .timeout:
            // The request went out and may have run (the lock server may cut the card after we
            // gave up): "retry" would let the clerk cut a second valid card. Never RY here.
            return .failure("UR", record.type == "KD" ? "Outcome unknown: check room \(room)" : "Outcome unknown: read the card")
        case .noHandler: return .failure("RY", "No answer for encoder \(encoder), retry")
        case .upstreamUnavailable, .expired, .internal: return .failure("RY", "Lock system unavailable, retry")
        case .cardAbsent: return .failure("UR", "Card not on encoder \(encoder)")
        case .roomNotFound: return .failure("UR", "Room \(room) unknown")
        case .lockOffline: return .failure("UR", "Lock \(room) offline")
        case .unsupported: return .failure("UR", "Not supported for room \(room)")
        case .invalidRequest: return .failure("UR", "Bad request: \(error.message)")
        case .unauthorized: return .failure("DN", "Lock system refused access")
        case .retainedCommand: return .failure("UR", "Request refused")
        }
    }
}
