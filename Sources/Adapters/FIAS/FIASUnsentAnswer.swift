import Bridge
import Foundation
import Logging
import Topics

/// A key record answered while the link to the PMS was gone: the PMS will never see the KA, yet a
/// card may have been cut. Written to the key audit and published as `unsent-answer` on the
/// encoder's event topic, where the front desk finds the card (the same place as a late answer).
struct FIASUnsentAnswer: Sendable {
    let context: BridgeContext
    let settings: FIASSettings
    let logger: Logger

    func report(_ record: FIASRecord, _ reply: FIASRecord, why: String) async {
        let operation = Self.operations[record.type] ?? record.type
        let status = reply["AS"] ?? "?"
        let result = status == "OK" ? "ok" : "AS\(status)"
        let cardUid = reply["$2"].flatMap { $0.isEmpty ? nil : $0 }
        let room = record["RN"] ?? reply["RN"]
        let encoder = record["KC"].map(settings.encoder(forKC:))
        let workstation = record["WS"].map(settings.workstation(forWS:))
        logger.warning(
            "FIAS: the \(reply.type) for \(record.type) (room \(room ?? "?"), \(result)\(cardUid.map { ", card \($0)" } ?? "")) \(why): the PMS never got it")
        do {
            try await context.store.keyAudit.record(
                KeyAuditEntry(
                    adapter: "fias", operation: "\(operation) (answer unsent)", room: room, guestId: record["G#"], encoder: encoder,
                    workstation: workstation, issuer: nil, cardUid: cardUid, result: result))
        } catch {
            logger.error("FIAS: cannot write the key audit for an unsent \(reply.type): \(error)")
        }
        guard let encoder, !encoder.isEmpty else { return }
        let event = EncoderLateAnswer(
            type: "unsent-answer", operation: operation, room: room, cardUid: cardUid, workstation: workstation, result: result,
            transaction: nil, at: Timestamp.rfc3339(Date(), in: context.timeZone))
        do {
            try context.publishEvent(context.topics.encoder(encoder).event, event)
        } catch {
            logger.error("FIAS: cannot publish the unsent \(reply.type) on encoder \(encoder): \(error)")
        }
    }

    static let operations = ["KR": "issue-card", "KM": "issue-card", "KD": "check-out", "KZ": "read-card"]
}
