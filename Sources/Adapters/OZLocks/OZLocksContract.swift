import Foundation
import Topics

// The MQTT side: request payloads and response data of DESIGN §2 "Hotel", camelCase.

struct IssueCardRequest: Decodable, Sendable {
    var room: String
    var checkIn: Date
    var checkOut: Date
    var guestName: String
    var guestId: LenientInt?
    var newIssue: Bool
    var workstation: String
    var issuer: String?
    /// FIAS KO; OZLocks has no zones, kept for audit only.
    var zones: [String]?
}

struct IssueCardResult: Encodable, Sendable {
    var room: String
    var checkOut: String
    var cardUid: String
    var guestId: Int?
    var encoder: String
    var workstation: String
}

struct WorkstationRequest: Decodable, Sendable {
    var workstation: String
    var issuer: String?
}

struct ReadCardResult: Encodable, Sendable {
    var cardType: Int
    var cardTypeName: String?
    var room: String?
    var checkIn: String?
    var checkOut: String?
    var holderName: String?
    var holderId: String?
}

struct CheckOutRequest: Decodable, Sendable {
    var encoder: String?
    var workstation: String
    var issuer: String?
}

struct CheckOutResult: Encodable, Sendable {
    var room: String
    var checkOut: String?
}

struct IssueCodeRequest: Decodable, Sendable {
    var checkIn: Date
    var checkOut: Date
    var guestName: String
    var guestId: LenientInt?
    var newIssue: Bool
    var code: String
    var workstation: String
    var issuer: String?
}

struct IssueCodeResult: Encodable, Sendable {
    var room: String
    var checkOut: String?
    var guestId: Int?
}

struct ChangeCodeRequest: Decodable, Sendable {
    var guestId: LenientInt
    var code: String
    var workstation: String
    var issuer: String?
}

struct ReadLogRequest: Decodable, Sendable {
    var showUnauthorized: Bool?
    var workstation: String?
}

/// Requests that need nothing but an optional workstation (read-state, open, close).
struct OptionalWorkstationRequest: Decodable, Sendable {
    var workstation: String?
}

struct RoomResult: Encodable, Sendable {
    var room: String
}

/// `gatehouse/locks/<room>` (retained): only what is known.
struct LockState: Codable, Sendable, Equatable {
    var room: String
    var series: String
    var online: Bool?
    var opened: Bool?
    var lowBattery: Bool?
    var lastSeen: String?

    /// What `JSONValue(encoding:)` makes of it (nil members left out), without JSONEncoder:
    /// read-state answers and the poller's states are the adapter's most frequent payloads.
    var json: JSONValue {
        var members: [String: JSONValue] = ["room": .string(room), "series": .string(series)]
        members["online"] = online.map(JSONValue.bool)
        members["opened"] = opened.map(JSONValue.bool)
        members["lowBattery"] = lowBattery.map(JSONValue.bool)
        members["lastSeen"] = lastSeen.map(JSONValue.string)
        return .object(members)
    }
}

/// `gatehouse/locks/<room>/event` and the records of `read-log`.
struct LockEvent: Codable, Sendable, Equatable {
    var type: Int
    var typeName: String?
    var at: String
    var holderId: String?
    var holderName: String?
    var unauthorized: Bool
}

struct LockLog: Encodable, Sendable {
    var room: String?
    var records: [LockEvent]
}

/// `gatehouse/encoders/<encoder>` (retained).
struct EncoderState: Codable, Sendable {
    var state: String
    var operation: String?
    var workstation: String?
    var since: String
}

/// Lock codes: 6–8 digits (vendor rule), checked before anything is sent.
enum LockCode {
    static func validate(_ code: String) throws(GatehouseError) {
        guard (6...8).contains(code.count), code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw GatehouseError.invalidRequest(field: "code", problem: "must be 6 to 8 digits")
        }
    }
}
