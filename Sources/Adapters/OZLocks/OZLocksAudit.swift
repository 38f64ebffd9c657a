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
    /// Runs a key operation and writes its outcome to the key audit table.
    func audited<T: Sendable>(
        _ fields: AuditFields, _ work: () async throws -> T, cardUid: (T) -> String? = { _ in nil }
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
        return try result.get()
    }
}
