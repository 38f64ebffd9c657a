import Foundation
import Logging
import Metrics
import Synchronization
import Topics

/// Requests with a transaction run at most once: the journal claims the transaction, and a
/// repeat is answered from it (docs/topics.md, "Idempotency").
extension RequestRouter {
    func runOnce(_ request: Admitted, _ route: RequestRoute, transaction: String) async -> Data {
        let key = request.request.topic + "\u{0}" + transaction
        let (task, isNew): (Task<Data, Never>, Bool) = inFlight.withLock { running in
            if let existing = running[key] { return (existing, false) }
            let task = Task { await self.runJournalled(request, route, transaction: transaction) }
            running[key] = task
            return (task, true)
        }
        if !isNew { abandon(request) }
        let response = await task.value
        if isNew { _ = inFlight.withLock { $0.removeValue(forKey: key) } }
        return response
    }

    func runJournalled(_ admitted: Admitted, _ route: RequestRoute, transaction: String) async -> Data {
        guard let journal else { return await execute(admitted, route).encoded() }
        let request = admitted.request
        do {
            let claim: JournalClaim
            do {
                claim = try await journal.claim(topic: request.topic, transaction: transaction)
            } catch {
                abandon(admitted)
                throw error
            }
            switch claim {
            case .completed(let stored):
                abandon(admitted)
                logger.info("repeated transaction answered from the journal", metadata: ["topic": "\(request.topic)"])
                return stored
            case .inProgress:
                abandon(admitted)
                return try await awaitOtherInstance(request, journal, transaction: transaction)
            case .claimed:
                break
            }
            let envelope = await execute(admitted, route)
            if let error = envelope.error { note(error, message: request.message, operation: request.operation, started: nil) }
            if Self.isRefusal(envelope) {
                // Nothing ran (queue full, expired while waiting): free the transaction for a retry.
                try await journal.release(topic: request.topic, transaction: transaction)
                return envelope.encoded()
            }
            return try await journal.recordOrExisting(
                topic: request.topic, transaction: transaction, response: envelope.encoded())
        } catch {
            logger.error("request journal failed: \(error)", metadata: ["topic": "\(request.topic)"])
            let failure = GatehouseError(.internal, "the request journal is unavailable")
            return ResponseEnvelope.failure(failure, transaction: transaction).encoded()
        }
    }

    /// Another process claimed the transaction (shared subscription or a crash): wait for its answer.
    func awaitOtherInstance(_ request: RequestContext, _ journal: RequestJournal, transaction: String)
        async throws -> Data
    {
        let giveUp = ContinuousClock.now + policy.handlerTimeout
        while ContinuousClock.now < giveUp {
            if let stored = try await journal.response(topic: request.topic, transaction: transaction) { return stored }
            try await Task.sleep(for: .milliseconds(100))
        }
        let failure = GatehouseError(.timeout, "the same transaction is still running elsewhere", inDoubt: true)
        return ResponseEnvelope.failure(failure, transaction: transaction).encoded()
    }

    /// Waits for the request's turn, runs and times the handler; every outcome becomes an envelope.
}
