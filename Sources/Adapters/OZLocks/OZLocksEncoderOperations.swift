import Bridge
import Foundation
import Topics

/// `gatehouse/encoders/<encoder>/request/{issue-card,read-card,read-log}`.
extension OZLocksAdapter {
    func serveEncoder(_ request: RequestContext, encoder: String) async throws -> JSONValue? {
        switch request.operation {
        case "issue-card": return try JSONValue(encoding: try await issueCard(request, encoder: encoder))
        case "read-card": return try JSONValue(encoding: try await readCard(request, encoder: encoder))
        case "read-log": return try JSONValue(encoding: try await readDataCard(request, encoder: encoder))
        default:
            throw GatehouseError.unsupported(
                operation: request.operation, reason: "encoders serve issue-card, read-card and read-log")
        }
    }

    private func issueCard(_ request: RequestContext, encoder: String) async throws -> IssueCardResult {
        let fields = try request.decode(IssueCardRequest.self)
        guard settings.series(of: fields.room) != nil else {
            throw GatehouseError(.roomNotFound, "room \(fields.room) is not configured for OZLocks")
        }
        if fields.checkOut <= fields.checkIn {
            throw GatehouseError.invalidRequest(field: "checkOut", problem: "must be after checkIn")
        }
        let audit = AuditFields(
            operation: "issue-card", room: fields.room, guestId: fields.guestId.map { String($0.value) },
            encoder: encoder, workstation: fields.workstation, issuer: fields.issuer)
        return try await audited(audit, request: request) {
            try await self.withEncoder(encoder, operation: "issue-card", workstation: fields.workstation) {
                let answer = try await self.client.call(
                    .issueCard,
                    OZLocksWire.IssueCard(
                        Room: fields.room, CheckIn: self.dates.format(fields.checkIn),
                        CheckOut: self.dates.format(fields.checkOut), GuestName: fields.guestName,
                        GuestID: fields.guestId, NewIssue: LenientBool(fields.newIssue), EncoderID: encoder,
                        WorkstationID: fields.workstation, CardIssuer: fields.issuer),
                    as: OZLocksWire.IssueCardAnswer.self)
                return IssueCardResult(
                    room: answer.Room?.value ?? fields.room,
                    checkOut: answer.CheckOut.flatMap(self.rfc3339(vendor:)) ?? Timestamp.rfc3339(fields.checkOut, in: self.timeZone),
                    cardUid: answer.Number.value, guestId: answer.GuestID?.value ?? fields.guestId?.value,
                    encoder: encoder, workstation: fields.workstation)
            }
        } cardUid: { $0.cardUid }
    }

    private func readCard(_ request: RequestContext, encoder: String) async throws -> ReadCardResult {
        let fields = try request.decode(WorkstationRequest.self)
        return try await withEncoder(encoder, operation: "read-card", workstation: fields.workstation) {
            let answer = try await self.client.call(
                .readCard,
                OZLocksWire.ReadCard(EncoderID: encoder, WorkstationID: fields.workstation, CardIssuer: fields.issuer),
                as: OZLocksWire.ReadCardAnswer.self)
            return ReadCardResult(
                cardType: answer.CardType.value, cardTypeName: answer.CardTypeEx, room: answer.Room?.value,
                checkIn: answer.CheckIn.flatMap(self.rfc3339(vendor:)),
                checkOut: answer.CheckOut.flatMap(self.rfc3339(vendor:)), holderName: answer.HolderName,
                holderId: answer.HolderID?.value)
        }
    }

    /// Series H locks: the log comes from a data card lying on the encoder.
    private func readDataCard(_ request: RequestContext, encoder: String) async throws -> LockLog {
        let fields = try request.decode(ReadLogRequest.self)
        let workstation = fields.workstation ?? settings.workstation
        return try await withEncoder(encoder, operation: "read-log", workstation: workstation) {
            let answer = try await self.client.call(
                .readLogLock,
                OZLocksWire.ReadLogLock(
                    EncoderID: encoder, WorkstationID: workstation, Room: nil,
                    ShowErrorEntrance: fields.showUnauthorized ?? true),
                as: OZLocksWire.ReadLogLockAnswer.self)
            return LockLog(room: nil, records: (answer.Log ?? []).compactMap(self.event(from:)))
        }
    }

    /// Shows the encoder busy while `work` runs (the router already runs one request per encoder).
    func withEncoder<T: Sendable>(
        _ encoder: String, operation: String, workstation: String, _ work: () async throws -> T
    ) async throws -> T {
        await publishEncoder(encoder, EncoderState(state: "busy", operation: operation, workstation: workstation, since: now()))
        // The vendor's call does not return while the encoder prompts for a card (the IssueCard and
        // CheckOut descriptions): still running after `cardPrompt`, the encoder is shown waiting,
        // so a front desk screen can tell the clerk to put the card on it.
        let prompt = Task { [settings] in
            try await Task.sleep(for: settings.cardPrompt)
            await self.publishEncoder(
                encoder, EncoderState(state: "waiting-for-card", operation: operation, workstation: workstation, since: self.now()))
        }
        let result: Result<T, any Error>
        do { result = .success(try await work()) } catch { result = .failure(error) }
        prompt.cancel()
        _ = await prompt.result
        // Idle only when nobody else waits for this encoder (it would turn busy again at once).
        if (context?.router.queueDepth(Self.encoderKey(encoder)) ?? 0) <= 1 {
            await publishEncoder(encoder, EncoderState(state: "idle", operation: nil, workstation: nil, since: now()))
        }
        return try result.get()
    }
}
