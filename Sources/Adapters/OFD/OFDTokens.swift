import Foundation
import Synchronization
import Topics

/// The AuthToken, cached until shortly before `ExpirationDateUtc`. Concurrent callers that find no
/// valid token share one CreateAuthToken call (single flight).
final class OFDTokens: Sendable {
    struct Token: Sendable {
        var value: String
        var expires: Date
    }

    private enum Slot {
        case empty
        case valid(Token)
        case renewing(Task<Token, any Error>)
    }

    private let slot = Mutex(Slot.empty)
    private let renewAhead: TimeInterval
    private let create: @Sendable () async throws -> Token

    init(renewAhead: Duration, create: @escaping @Sendable () async throws -> Token) {
        self.renewAhead = renewAhead.timeInterval
        self.create = create
    }

    /// A token valid for at least `renewAhead`, renewing when needed. `rejected`: the token the
    /// operator just refused (401), which must not be handed out again.
    func current(rejected: String? = nil) async throws -> String {
        let task: Task<Token, any Error> = slot.withLock { slot in
            switch slot {
            case .valid(let token) where token.value != rejected && token.expires.timeIntervalSinceNow > renewAhead:
                return Task { token }
            case .renewing(let running):
                return running
            default:
                let running = Task { try await self.create() }
                slot = .renewing(running)
                return running
            }
        }
        do {
            let token = try await task.value
            // Only the renewal itself may fill the slot: a caller that took the old token from the
            // fast path must not put it back over a renewal that is running now.
            slot.withLock { slot in
                if case .renewing(let running) = slot, running == task { slot = .valid(token) }
            }
            return token.value
        } catch {
            slot.withLock { slot in
                if case .renewing(let running) = slot, running == task { slot = .empty }
            }
            throw error
        }
    }
}
