import Foundation
import Logging
import Synchronization
import Topics

/// The AuthToken, cached until shortly before `ExpirationDateUtc`. Concurrent callers that find no
/// valid token share one CreateAuthToken call (single flight).
final class OFDTokens: Sendable {
    struct Token: Sendable {
        var value: String
        var expires: Date
    }

    private struct Cached {
        var token: Token
        /// From then on the next caller renews it.
        var renewAt: Date
    }

    private enum Slot {
        case empty
        case valid(Cached)
        case renewing(Task<Cached, any Error>)
    }

    private let slot = Mutex(Slot.empty)
    private let renewAhead: TimeInterval
    private let logger: Logger
    private let create: @Sendable () async throws -> Token

    init(renewAhead: Duration, logger: Logger, create: @escaping @Sendable () async throws -> Token) {
        self.renewAhead = renewAhead.timeInterval
        self.logger = logger
        self.create = create
    }

    /// A token not yet due for renewal, renewing when needed. `rejected`: the token the operator
    /// just refused, which must not be handed out again.
    func current(rejected: String? = nil) async throws -> String {
        let task: Task<Cached, any Error> = slot.withLock { slot in
            switch slot {
            case .valid(let cached) where cached.token.value != rejected && Date() < cached.renewAt:
                return Task { cached }
            case .renewing(let running):
                return running
            default:
                let running = Task { [self] in schedule(try await create(), issued: Date()) }
                slot = .renewing(running)
                return running
            }
        }
        do {
            let cached = try await task.value
            // Only the renewal itself may fill the slot: a caller that took the old token from the
            // fast path must not put it back over a renewal that is running now.
            slot.withLock { slot in
                if case .renewing(let running) = slot, running == task { slot = .valid(cached) }
            }
            return cached.token.value
        } catch {
            slot.withLock { slot in
                if case .renewing(let running) = slot, running == task { slot = .empty }
            }
            throw error
        }
    }

    /// When to renew a new token: `renewAhead` before it expires. A token that arrives with less
    /// life than that (the spec gives no lifetime, so no setting can be checked against it) would
    /// be renewed on every call, a CreateAuthToken per request: it is used for half its remaining
    /// life instead. One that looks expired already (the clocks disagree) is used until the
    /// operator refuses it, which renews it once.
    private func schedule(_ token: Token, issued now: Date) -> Cached {
        let remaining = token.expires.timeIntervalSince(now)
        if remaining > renewAhead { return Cached(token: token, renewAt: token.expires.addingTimeInterval(-renewAhead)) }
        let shown = Timestamp.rfc3339(token.expires, in: .gmt)
        if remaining > 0 {
            logger.warning(
                "OFD: the AuthToken expires \(shown), in \(Int(remaining)) s, sooner than renewAhead (\(Int(renewAhead)) s); it is used for half that time, then renewed")
            return Cached(token: token, renewAt: now.addingTimeInterval(remaining / 2))
        }
        logger.warning(
            "OFD: the AuthToken's ExpirationDateUtc \(shown) has passed by this machine's clock (is the clock right?); it is used until the operator refuses it")
        return Cached(token: token, renewAt: .distantFuture)
    }
}
