import Bridge
import Foundation
import Topics

/// `gatehouse/locks/<room>/request/<op>` and the Home Assistant `…/set` command.
extension OZLocksAdapter {
    func serveLock(_ request: RequestContext, room: String) async throws -> JSONValue? {
        guard let series = settings.series(of: room) else {
            throw GatehouseError(.roomNotFound, "room \(room) is not configured for OZLocks")
        }
        let operation = request.operation
        // The vendor's comparison table: series H (offline) locks do everything through cards on an encoder.
        if series == .h && operation != "check-out" {
            throw GatehouseError.unsupported(
                operation: operation,
                reason: operation == "read-log"
                    ? "series H locks are read with a data card: use gatehouse/encoders/<encoder>/request/read-log"
                    : "room \(room) has a series H (offline) lock")
        }
        switch operation {
        case "open", "close": return try JSONValue(encoding: try await openOrClose(request, room: room, open: operation == "open"))
        case "read-state": return try JSONValue(encoding: try await readState(room: room, workstation: optionalWorkstation(request)))
        case "read-log": return try JSONValue(encoding: try await readLog(request, room: room))
        case "issue-code": return try JSONValue(encoding: try await issueCode(request, room: room))
        case "change-code": return try JSONValue(encoding: try await changeCode(request, room: room))
        case "check-out": return try JSONValue(encoding: try await checkOut(request, room: room, series: series))
        case "set": return try JSONValue(encoding: try await homeAssistantSet(request, room: room))
        default:
            throw GatehouseError.unsupported(operation: operation, reason: "not an OZLocks lock operation")
        }
    }

    private func optionalWorkstation(_ request: RequestContext) throws -> String {
        try request.decode(OptionalWorkstationRequest.self).workstation ?? settings.workstation
    }

    private func openOrClose(_ request: RequestContext, room: String, open: Bool) async throws -> RoomResult {
        let workstation = try optionalWorkstation(request)
        let answer = try await client.call(
            open ? .openLock : .closeLock, OZLocksWire.RoomAtWorkstation(Room: room, WorkstationID: workstation),
            as: OZLocksWire.RoomAnswer.self)
        refreshState(of: room)
        return RoomResult(room: answer.Room?.value ?? room)
    }

    /// `LOCK` → CloseLock, `UNLOCK`/`OPEN` → OpenLock; plain text or `{"state":…}`.
    private func homeAssistantSet(_ request: RequestContext, room: String) async throws -> RoomResult {
        struct StateCommand: Decodable { var state: String }
        let command = request.text.hasPrefix("{") ? try request.decode(StateCommand.self).state : request.text
        let operation: OZLocksOperation
        switch command.uppercased() {
        case "LOCK": operation = .closeLock
        case "UNLOCK", "OPEN": operation = .openLock
        default: throw GatehouseError.invalidRequest(field: "state", problem: "expected LOCK, UNLOCK or OPEN")
        }
        let answer = try await client.call(
            operation, OZLocksWire.RoomAtWorkstation(Room: room, WorkstationID: settings.workstation), as: OZLocksWire.RoomAnswer.self)
        // Home Assistant shows the new state from the lock's answer, not at the next poll.
        refreshState(of: room)
        return RoomResult(room: answer.Room?.value ?? room)
    }

    func readState(room: String, workstation: String) async throws -> LockState {
        let answer = try await client.call(
            .readState, OZLocksWire.RoomAtWorkstation(Room: room, WorkstationID: workstation),
            as: OZLocksWire.ReadStateAnswer.self)
        return LockState(
            room: room, series: OZLocksSettings.Series.wr.rawValue, online: true, opened: answer.Opened?.value,
            lowBattery: answer.LowCharge?.value, lastSeen: now())
    }

    func readLog(_ request: RequestContext, room: String) async throws -> LockLog {
        let fields = try request.decode(ReadLogRequest.self)
        return LockLog(
            room: room,
            records: try await readLogRecords(
                room: room, workstation: fields.workstation ?? settings.workstation, showUnauthorized: fields.showUnauthorized ?? true))
    }

    func readLogRecords(room: String, workstation: String, showUnauthorized: Bool) async throws -> [LockEvent] {
        let answer = try await client.call(
            .readLogLock,
            OZLocksWire.ReadLogLock(EncoderID: nil, WorkstationID: workstation, Room: room, ShowErrorEntrance: showUnauthorized),
            as: OZLocksWire.ReadLogLockAnswer.self)
        return (answer.Log ?? []).compactMap(event(from:))
    }

    private func issueCode(_ request: RequestContext, room: String) async throws -> IssueCodeResult {
        let fields = try request.decode(IssueCodeRequest.self)
        try LockCode.validate(fields.code)
        if fields.checkOut <= fields.checkIn {
            throw GatehouseError.invalidRequest(field: "checkOut", problem: "must be after checkIn")
        }
        let audit = AuditFields(
            operation: "issue-code", room: room, guestId: fields.guestId.map { String($0.value) }, encoder: nil,
            workstation: fields.workstation, issuer: fields.issuer)
        return try await audited(audit, request: request) {
            let answer = try await self.client.call(
                .issueLockCode,
                OZLocksWire.IssueLockCode(
                    Room: room, CheckIn: self.dates.format(fields.checkIn), CheckOut: self.dates.format(fields.checkOut),
                    GuestName: fields.guestName, GuestID: fields.guestId, NewIssue: LenientBool(fields.newIssue),
                    LockCode: fields.code, WorkstationID: fields.workstation, CardIssuer: fields.issuer),
                as: OZLocksWire.IssueLockCodeAnswer.self)
            return IssueCodeResult(
                room: answer.Room?.value ?? room, checkOut: answer.CheckOut.flatMap(self.rfc3339(vendor:)),
                guestId: answer.GuestID?.value ?? fields.guestId?.value)
        }
    }

    private func changeCode(_ request: RequestContext, room: String) async throws -> CheckOutResult {
        let fields = try request.decode(ChangeCodeRequest.self)
        try LockCode.validate(fields.code)
        let audit = AuditFields(
            operation: "change-code", room: room, guestId: String(fields.guestId.value), encoder: nil,
            workstation: fields.workstation, issuer: fields.issuer)
        return try await audited(audit, request: request) {
            let answer = try await self.client.call(
                .changeLockCode,
                OZLocksWire.ChangeLockCode(
                    Room: room, GuestID: fields.guestId, LockCode: fields.code, WorkstationID: fields.workstation,
                    CardIssuer: fields.issuer),
                as: OZLocksWire.ChangeLockCodeAnswer.self)
            return CheckOutResult(room: answer.Room.value, checkOut: answer.CheckOut.flatMap(self.rfc3339(vendor:)))
        }
    }

    private func checkOut(_ request: RequestContext, room: String, series: OZLocksSettings.Series) async throws -> CheckOutResult {
        let fields = try request.decode(CheckOutRequest.self)
        if series == .h && fields.encoder == nil {
            throw GatehouseError.invalidRequest(field: "encoder", problem: "required for series H (offline) locks")
        }
        let audit = AuditFields(
            operation: "check-out", room: room, guestId: nil, encoder: fields.encoder, workstation: fields.workstation,
            issuer: fields.issuer)
        let call = {
            let answer = try await self.client.call(
                .checkOut,
                OZLocksWire.CheckOut(Room: room, EncoderID: fields.encoder, WorkstationID: fields.workstation, CardIssuer: fields.issuer),
                as: OZLocksWire.CheckOutAnswer.self)
            return CheckOutResult(room: answer.Room.value, checkOut: answer.CheckOut.flatMap(self.rfc3339(vendor:)))
        }
        return try await audited(audit, request: request) {
            guard let encoder = fields.encoder else { return try await call() }
            return try await self.withEncoder(encoder, operation: "check-out", workstation: fields.workstation, call)
        }
    }
}
