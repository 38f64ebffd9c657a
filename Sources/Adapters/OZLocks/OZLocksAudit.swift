import Bridge
import Foundation
import Topics

/// What the key audit records about an operation (never the lock code).
struct AuditFields: Sendable {
    var operation: String
    var room: String?
    var guestId: String?
    var encoder: String?
    var workstation: String?
    var issuer: String?
}

extension OZLocksAdapter {
    /// Runs a key operation and writes its outcome to the key audit table. When it ends after the
    /// router already answered `timeout` (in doubt), the outcome is also published on the
    /// encoder's `event` topic: the card the lock server cut late has a UID someone can find.
    func audited<T: Sendable>(
        _ fields: AuditFields, request: RequestContext? = nil, _ work: () async throws -> T,
        cardUid: (T) -> String? = { _ in nil }
    ) async throws -> T {
        let result: Result<T, any Error>
        do { result = .success(try await work()) } catch { result = .failure(error) }
        let outcome: String
        var uid: String?
        switch result {
        case .success(let value):
            outcome = "ok"
            uid = cardUid(value)
        case .failure(let error):
            outcome = (error as? GatehouseError)?.code.rawValue ?? ErrorCode.internal.rawValue
        }
        if let store = context?.store {
            do {
                try await store.keyAudit.record(
                    KeyAuditEntry(
                        adapter: name, operation: fields.operation, room: fields.room, guestId: fields.guestId,
                        encoder: fields.encoder, workstation: fields.workstation, issuer: fields.issuer, cardUid: uid,
                        result: outcome))
            } catch {
                logger.error("cannot write the key audit for \(fields.operation) room \(fields.room ?? "?"): \(error)")
            }
        }
        if let request, request.isAnsweredWithoutOutcome { await publishLate(fields, request: request, result: outcome, cardUid: uid) }
        return try result.get()
    }

    private func publishLate(_ fields: AuditFields, request: RequestContext, result: String, cardUid: String?) async {
        logger.warning(
            "\(fields.operation) for room \(fields.room ?? "?") ended after its requester was answered timeout: \(result)\(cardUid.map { ", card \($0)" } ?? "")")
        guard let context, let encoder = fields.encoder else { return }
        let event = EncoderLateAnswer(
            operation: fields.operation, room: fields.room, cardUid: cardUid, workstation: fields.workstation, result: result,
            transaction: request.transaction, at: Timestamp.rfc3339(Date(), in: context.timeZone))
        do {
            try context.publishEvent(context.topics.encoder(encoder).event, event)
        } catch {
            logger.error("cannot publish the late answer of \(fields.operation) on encoder \(encoder): \(error)")
        }
    }
}
