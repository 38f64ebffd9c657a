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
            case .issueCard:
                let r = try decoder.decode(OZLocksWire.IssueCard.self, from: body)
                var payload: [String: JSONValue] = [
                    "room": .string(r.Room), "checkIn": try time("CheckIn", r.CheckIn),
                    "checkOut": try time("CheckOut", r.CheckOut), "guestName": .string(r.GuestName),
                    "newIssue": .bool(r.NewIssue.value), "workstation": .string(r.WorkstationID),
                ]
                payload["guestId"] = r.GuestID.map { .int(Int64($0.value)) }
                payload["issuer"] = r.CardIssuer.map(JSONValue.string)
                return Call(topic: topics.encoder(r.EncoderID).request("issue-card"), payload: payload) { data in
                    [
                        "Room": data?["room"] ?? .string(r.Room), "CheckOut": vendorTime(data?["checkOut"]),
                        "Number": data?["cardUid"] ?? .null, "GuestID": data?["guestId"] ?? .null,
                        "EncoderID": .string(r.EncoderID), "WorkstationID": .string(r.WorkstationID),
                    ]
                }
            case .checkOut:
                let r = try decoder.decode(OZLocksWire.CheckOut.self, from: body)
                var payload: [String: JSONValue] = ["workstation": .string(r.WorkstationID)]
                payload["encoder"] = r.EncoderID.map(JSONValue.string)
                payload["issuer"] = r.CardIssuer.map(JSONValue.string)
                return Call(topic: topics.lock(r.Room).request("check-out"), payload: payload) { data in
                    var answer: [String: JSONValue] = [
                        "Room": data?["room"] ?? .string(r.Room), "CheckOut": vendorTime(data?["checkOut"]),
                        "WorkstationID": .string(r.WorkstationID),
                    ]
                    answer["EncoderID"] = r.EncoderID.map(JSONValue.string)
                    return answer
                }
            case .readCard:
                let r = try decoder.decode(OZLocksWire.ReadCard.self, from: body)
                return Call(topic: topics.encoder(r.EncoderID).request("read-card"), payload: ["workstation": .string(r.WorkstationID)]) { data in
                    [
                        "CardType": data?["cardType"] ?? .int(0), "CardTypeEx": data?["cardTypeName"] ?? .null,
                        "Room": data?["room"] ?? .null, "CheckIn": vendorTime(data?["checkIn"]),
                        "CheckOut": vendorTime(data?["checkOut"]), "HolderName": data?["holderName"] ?? .null,
                        "HolderID": data?["holderId"] ?? .null, "EncoderID": .string(r.EncoderID),
                        "WorkstationID": .string(r.WorkstationID),
                    ]
                }
            case .readLogLock:
                let r = try decoder.decode(OZLocksWire.ReadLogLock.self, from: body)
                var payload: [String: JSONValue] = ["workstation": .string(r.WorkstationID)]
                payload["showUnauthorized"] = r.ShowErrorEntrance.map(JSONValue.bool)
                let topic: String
                if let encoder = r.EncoderID {
                    topic = topics.encoder(encoder).request("read-log")
                } else if let room = r.Room {
                    topic = topics.lock(room).request("read-log")
                } else {
                    throw FacadeError.field("Room", "missing (or EncoderID for offline locks)")
                }
                return Call(topic: topic, payload: payload) { data in
                    var answer: [String: JSONValue] = [
                        "WorkstationID": .string(r.WorkstationID),
                        "Log": .array((data?["records"]?.arrayValue ?? []).map(vendorLogRecord)),
                    ]
                    answer["EncoderID"] = r.EncoderID.map(JSONValue.string)
                    return answer
                }
            case .issueLockCode:
                let r = try decoder.decode(OZLocksWire.IssueLockCode.self, from: body)
                var payload: [String: JSONValue] = [
                    "checkIn": try time("CheckIn", r.CheckIn), "checkOut": try time("CheckOut", r.CheckOut),
                    "guestName": .string(r.GuestName), "newIssue": .bool(r.NewIssue.value), "code": .string(r.LockCode),
                    "workstation": .string(r.WorkstationID),
                ]
                payload["guestId"] = r.GuestID.map { .int(Int64($0.value)) }
                payload["issuer"] = r.CardIssuer.map(JSONValue.string)
                return Call(topic: topics.lock(r.Room).request("issue-code"), payload: payload) { data in
                    [
                        "Room": data?["room"] ?? .string(r.Room), "CheckOut": vendorTime(data?["checkOut"]),
                        "GuestID": data?["guestId"] ?? .null, "WorkstationID": .string(r.WorkstationID),
                    ]
                }
            case .changeLockCode:
                let r = try decoder.decode(OZLocksWire.ChangeLockCode.self, from: body)
                var payload: [String: JSONValue] = [
                    "guestId": .int(Int64(r.GuestID.value)), "code": .string(r.LockCode), "workstation": .string(r.WorkstationID),
                ]
                payload["issuer"] = r.CardIssuer.map(JSONValue.string)
                return Call(topic: topics.lock(r.Room).request("change-code"), payload: payload) { data in
                    [
                        "Room": data?["room"] ?? .string(r.Room), "CheckOut": vendorTime(data?["checkOut"]),
                        "WorkstationID": .string(r.WorkstationID),
                    ]
                }
            case .readState:
                let r = try Self.roomAtWorkstation(body)
                return Call(topic: topics.lock(r.Room).request("read-state"), payload: ["workstation": .string(r.WorkstationID)]) { data in
                    [
                        "Room": .string(r.Room), "Opened": data?["opened"] ?? .null,
                        "LowCharge": data?["lowBattery"] ?? .bool(false), "WorkstationID": .string(r.WorkstationID),
                    ]
                }
            case .openLock, .closeLock:
                let r = try Self.roomAtWorkstation(body)
                let op = operation == .openLock ? "open" : "close"
                return Call(topic: topics.lock(r.Room).request(op), payload: ["workstation": .string(r.WorkstationID)]) { data in
                    ["Room": data?["room"] ?? .string(r.Room), "WorkstationID": .string(r.WorkstationID)]
                }
            }
        } catch let error as FacadeError {
            throw error
        } catch {
            throw FacadeError.decoding(error)
        }
    }

    /// The body of ReadState, OpenLock and CloseLock.
    static func roomAtWorkstation(_ body: Data) throws(FacadeError) -> OZLocksWire.RoomAtWorkstation {
        do {
            return try JSONDecoder().decode(OZLocksWire.RoomAtWorkstation.self, from: body)
        } catch {
            throw FacadeError.decoding(error)
        }
    }

    private func time(_ field: String, _ text: String) throws(FacadeError) -> JSONValue {
        guard let date = dates.parse(text) else { throw FacadeError.field(field, "expected ДД.ММ.ГГГГ ЧЧ:ММ") }
        return .string(Timestamp.rfc3339(date, in: timeZone))
    }

    private func vendorTime(_ value: JSONValue?) -> JSONValue {
        guard let text = value?.stringValue, let date = Timestamp.parseRFC3339(text) else { return .null }
        return .string(dates.format(date))
    }

    private func vendorLogRecord(_ record: JSONValue) -> JSONValue {
        .object([
            "RecordType": record["type"] ?? .int(0), "RecordTypeEx": record["typeName"] ?? .null,
            "EventTime": vendorTime(record["at"]), "HolderID": record["holderId"] ?? .null,
            "HolderName": record["holderName"] ?? .null,
        ])
    }
}
