import Foundation
import Topics

/// Turns one vendor call into a contract request (topic + payload) and the contract's answer back
/// into the vendor's JSON. Times cross as `ДД.ММ.ГГГГ ЧЧ:ММ` ↔ RFC 3339 in the site's zone.
struct FacadeTranslation: Sendable {
    let topics: TopicTree
    let dates: OZLocksDate
    let timeZone: TimeZone

    struct Call: Sendable {
        var topic: String
        var payload: [String: JSONValue]
        /// Builds the vendor answer from the contract's `data`.
        var answer: @Sendable (JSONValue?) -> [String: JSONValue]
    }

    func translate(_ operation: OZLocksOperation, _ body: Data) throws(FacadeError) -> Call {
        let decoder = JSONDecoder()
        do {
            switch operation {
            case .issueCard: return try issueCard(body, decoder)
            case .checkOut: return try checkOut(body, decoder)
            case .readCard: return try readCard(body, decoder)
            case .readLogLock: return try readLog(body, decoder)
            case .issueLockCode: return try issueCode(body, decoder)
            case .changeLockCode: return try changeCode(body, decoder)
            case .readState: return try readState(body, decoder)
            case .openLock, .closeLock: return try openOrClose(body, decoder, operation)
            }
        } catch let error as FacadeError {
            throw error
        } catch {
            throw FacadeError.decoding(error)
        }
    }

    private func issueCard(_ body: Data, _ decoder: JSONDecoder) throws -> Call {
        let r = try decoder.decode(OZLocksWire.IssueCard.self, from: body)
        let request = IssueCardRequest(
            room: r.Room, checkIn: try time("CheckIn", r.CheckIn), checkOut: try time("CheckOut", r.CheckOut),
            guestName: r.GuestName, guestId: r.GuestID?.value, newIssue: r.NewIssue.value, workstation: r.WorkstationID,
            issuer: r.CardIssuer)
        return try call(topics.encoder(r.EncoderID).request("issue-card"), request) { data in
            let result = Self.result(IssueCardResult.self, data)
            return [
                "Room": .string(result?.room ?? r.Room), "CheckOut": vendorTime(result?.checkOut),
                "Number": result.map { .string($0.cardUid) } ?? .null, "GuestID": result?.guestId.map { .int(Int64($0)) } ?? .null,
                "EncoderID": .string(r.EncoderID), "WorkstationID": .string(r.WorkstationID),
            ]
        }
    }

    private func checkOut(_ body: Data, _ decoder: JSONDecoder) throws -> Call {
        let r = try decoder.decode(OZLocksWire.CheckOut.self, from: body)
        let request = CheckOutRequest(encoder: r.EncoderID, workstation: r.WorkstationID, issuer: r.CardIssuer)
        return try call(topics.lock(r.Room).request("check-out"), request) { data in
            let result = Self.result(CheckOutResult.self, data)
            var answer: [String: JSONValue] = [
                "Room": .string(result?.room ?? r.Room), "CheckOut": vendorTime(result?.checkOut),
                "WorkstationID": .string(r.WorkstationID),
            ]
            answer["EncoderID"] = r.EncoderID.map(JSONValue.string)
            return answer
        }
    }

    private func readCard(_ body: Data, _ decoder: JSONDecoder) throws -> Call {
        let r = try decoder.decode(OZLocksWire.ReadCard.self, from: body)
        return try call(topics.encoder(r.EncoderID).request("read-card"), WorkstationRequest(workstation: r.WorkstationID)) { data in
            let card = Self.result(ReadCardResult.self, data)
            return [
                "CardType": .int(Int64(card?.cardType ?? 0)), "CardTypeEx": Self.text(card?.cardTypeName),
                "Room": Self.text(card?.room), "CheckIn": vendorTime(card?.checkIn),
                "CheckOut": vendorTime(card?.checkOut), "HolderName": Self.text(card?.holderName),
                "HolderID": Self.text(card?.holderId), "EncoderID": .string(r.EncoderID),
                "WorkstationID": .string(r.WorkstationID),
            ]
        }
    }

    private func readLog(_ body: Data, _ decoder: JSONDecoder) throws -> Call {
        let r = try decoder.decode(OZLocksWire.ReadLogLock.self, from: body)
        let request = ReadLogRequest(showUnauthorized: r.ShowErrorEntrance, workstation: r.WorkstationID)
        let topic: String
        if let encoder = r.EncoderID {
            topic = topics.encoder(encoder).request("read-log")
        } else if let room = r.Room {
            topic = topics.lock(room).request("read-log")
        } else {
            throw FacadeError.field("Room", "missing (or EncoderID for offline locks)")
        }
        return try call(topic, request) { data in
            var answer: [String: JSONValue] = [
                "WorkstationID": .string(r.WorkstationID),
                "Log": .array((Self.result(LockLog.self, data)?.records ?? []).map(vendorLogRecord)),
            ]
            answer["EncoderID"] = r.EncoderID.map(JSONValue.string)
            return answer
        }
    }

    private func issueCode(_ body: Data, _ decoder: JSONDecoder) throws -> Call {
        let r = try decoder.decode(OZLocksWire.IssueLockCode.self, from: body)
        let request = IssueCodeRequest(
            checkIn: try time("CheckIn", r.CheckIn), checkOut: try time("CheckOut", r.CheckOut), guestName: r.GuestName,
            guestId: r.GuestID?.value, newIssue: r.NewIssue.value, code: r.LockCode, workstation: r.WorkstationID,
            issuer: r.CardIssuer)
        return try call(topics.lock(r.Room).request("issue-code"), request) { data in
            let result = Self.result(IssueCodeResult.self, data)
            return [
                "Room": .string(result?.room ?? r.Room), "CheckOut": vendorTime(result?.checkOut),
                "GuestID": result?.guestId.map { .int(Int64($0)) } ?? .null, "WorkstationID": .string(r.WorkstationID),
            ]
        }
    }

    private func changeCode(_ body: Data, _ decoder: JSONDecoder) throws -> Call {
        let r = try decoder.decode(OZLocksWire.ChangeLockCode.self, from: body)
        let request = ChangeCodeRequest(guestId: r.GuestID.value, code: r.LockCode, workstation: r.WorkstationID, issuer: r.CardIssuer)
        return try call(topics.lock(r.Room).request("change-code"), request) { data in
            let result = Self.result(CheckOutResult.self, data)
            return [
                "Room": .string(result?.room ?? r.Room), "CheckOut": vendorTime(result?.checkOut),
                "WorkstationID": .string(r.WorkstationID),
            ]
        }
    }

    private func readState(_ body: Data, _ decoder: JSONDecoder) throws -> Call {
        let r = try Self.roomAtWorkstation(body)
        let request = OptionalWorkstationRequest(workstation: r.WorkstationID)
        return try call(topics.lock(r.Room).request("read-state"), request) { data in
            let state = Self.result(LockState.self, data)
            return [
                "Room": .string(r.Room), "Opened": state?.opened.map(JSONValue.bool) ?? .null,
                "LowCharge": .bool(state?.lowBattery ?? false), "WorkstationID": .string(r.WorkstationID),
            ]
        }
    }

    private func openOrClose(_ body: Data, _ decoder: JSONDecoder, _ operation: OZLocksOperation) throws -> Call {
        let r = try Self.roomAtWorkstation(body)
        let op = operation == .openLock ? "open" : "close"
        return try call(topics.lock(r.Room).request(op), OptionalWorkstationRequest(workstation: r.WorkstationID)) { data in
            ["Room": .string(Self.result(RoomResult.self, data)?.room ?? r.Room), "WorkstationID": .string(r.WorkstationID)]
        }
    }

    /// A call carrying a contract request, its times written in the site's zone.
    private func call(
        _ topic: String, _ request: some Encodable, answer: @escaping @Sendable (JSONValue?) -> [String: JSONValue]
    ) throws -> Call {
        guard case .object(let payload) = try JSONValue(encoding: request, in: timeZone) else {
            throw FacadeError(status: 500, code: "5", message: "unreadable request")
        }
        return Call(topic: topic, payload: payload, answer: answer)
    }

    /// The contract answer's `data` as its type; nil when absent or unreadable (the request's own
    /// values then stand in, as the vendor's answers allow).
    static func result<Result: Decodable>(_ type: Result.Type, _ data: JSONValue?) -> Result? {
        data.flatMap { try? RequestDecoder.decode(type, from: $0) }
    }

    private static func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    /// The body of ReadState, OpenLock and CloseLock.
    static func roomAtWorkstation(_ body: Data) throws(FacadeError) -> OZLocksWire.RoomAtWorkstation {
        do {
            return try JSONDecoder().decode(OZLocksWire.RoomAtWorkstation.self, from: body)
        } catch {
            throw FacadeError.decoding(error)
        }
    }

    private func time(_ field: String, _ text: String) throws(FacadeError) -> Date {
        guard let date = dates.parse(text) else { throw FacadeError.field(field, "expected ДД.ММ.ГГГГ ЧЧ:ММ") }
        return date
    }

    private func vendorTime(_ text: String?) -> JSONValue {
        guard let text, let date = Timestamp.parseRFC3339(text) else { return .null }
        return .string(dates.format(date))
    }

    private func vendorLogRecord(_ record: LockEvent) -> JSONValue {
        .object([
            "RecordType": .int(Int64(record.type)), "RecordTypeEx": Self.text(record.typeName),
            "EventTime": vendorTime(record.at), "HolderID": Self.text(record.holderId),
            "HolderName": Self.text(record.holderName),
        ])
    }
}
