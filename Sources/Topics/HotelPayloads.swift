import Foundation

// DESIGN §2 "Hotel": the payloads of the lock and encoder requests and their `data`, one type per
// message, used by every producer (FIAS key desk, OZLocks facade, console) and consumer (the
// OZLocks adapter). Request times are `Date`s: decoded from RFC 3339 (an invalid one is an
// `invalid-request` naming the field), encoded in the site's zone by `JSONValue(encoding:in:)`.

/// `…/encoders/<encoder>/request/issue-card`.
public struct IssueCardRequest: Codable, Sendable, Equatable {
    public var room: String
    public var checkIn: Date
    public var checkOut: Date
    public var guestName: String
    public var guestId: LenientInt?
    public var newIssue: Bool
    public var workstation: String
    public var issuer: String?
    /// FIAS KO; OZLocks has no zones, kept for audit only.
    public var zones: [String]?

    public init(
        room: String, checkIn: Date, checkOut: Date, guestName: String, guestId: Int?, newIssue: Bool, workstation: String,
        issuer: String? = nil, zones: [String]? = nil
    ) {
        self.room = room
        self.checkIn = checkIn
        self.checkOut = checkOut
        self.guestName = guestName
        self.guestId = guestId.map(LenientInt.init)
        self.newIssue = newIssue
        self.workstation = workstation
        self.issuer = issuer
        self.zones = zones
    }
}

/// The `data` of issue-card.
public struct IssueCardResult: Codable, Sendable, Equatable {
    public var room: String
    public var checkOut: String
    public var cardUid: String
    public var guestId: Int?
    public var encoder: String
    public var workstation: String

    public init(room: String, checkOut: String, cardUid: String, guestId: Int?, encoder: String, workstation: String) {
        self.room = room
        self.checkOut = checkOut
        self.cardUid = cardUid
        self.guestId = guestId
        self.encoder = encoder
        self.workstation = workstation
    }
}

/// read-card (and any request that names only who asks).
public struct WorkstationRequest: Codable, Sendable, Equatable {
    public var workstation: String
    public var issuer: String?

    public init(workstation: String, issuer: String? = nil) {
        self.workstation = workstation
        self.issuer = issuer
    }
}

/// The `data` of read-card.
public struct ReadCardResult: Codable, Sendable, Equatable {
    public var cardType: Int
    public var cardTypeName: String?
    public var room: String?
    public var checkIn: String?
    public var checkOut: String?
    public var holderName: String?
    public var holderId: String?

    public init(
        cardType: Int, cardTypeName: String?, room: String?, checkIn: String?, checkOut: String?, holderName: String?,
        holderId: String?
    ) {
        self.cardType = cardType
        self.cardTypeName = cardTypeName
        self.room = room
        self.checkIn = checkIn
        self.checkOut = checkOut
        self.holderName = holderName
        self.holderId = holderId
    }
}

/// `…/locks/<room>/request/check-out`.
public struct CheckOutRequest: Codable, Sendable, Equatable {
    public var encoder: String?
    public var workstation: String
    public var issuer: String?

    public init(encoder: String?, workstation: String, issuer: String? = nil) {
        self.encoder = encoder
        self.workstation = workstation
        self.issuer = issuer
    }
}

/// The `data` of check-out and change-code.
public struct CheckOutResult: Codable, Sendable, Equatable {
    public var room: String
    public var checkOut: String?

    public init(room: String, checkOut: String?) {
        self.room = room
        self.checkOut = checkOut
    }
}

/// `…/locks/<room>/request/issue-code`.
public struct IssueCodeRequest: Codable, Sendable, Equatable {
    public var checkIn: Date
    public var checkOut: Date
    public var guestName: String
    public var guestId: LenientInt?
    public var newIssue: Bool
    public var code: String
    public var workstation: String
    public var issuer: String?

    public init(
        checkIn: Date, checkOut: Date, guestName: String, guestId: Int?, newIssue: Bool, code: String, workstation: String,
        issuer: String? = nil
    ) {
        self.checkIn = checkIn
        self.checkOut = checkOut
        self.guestName = guestName
        self.guestId = guestId.map(LenientInt.init)
        self.newIssue = newIssue
        self.code = code
        self.workstation = workstation
        self.issuer = issuer
    }
}

/// The `data` of issue-code.
public struct IssueCodeResult: Codable, Sendable, Equatable {
    public var room: String
    public var checkOut: String?
    public var guestId: Int?

    public init(room: String, checkOut: String?, guestId: Int?) {
        self.room = room
        self.checkOut = checkOut
        self.guestId = guestId
    }
}

/// `…/locks/<room>/request/change-code`.
public struct ChangeCodeRequest: Codable, Sendable, Equatable {
    public var guestId: LenientInt
    public var code: String
    public var workstation: String
    public var issuer: String?

    public init(guestId: Int, code: String, workstation: String, issuer: String? = nil) {
        self.guestId = LenientInt(guestId)
        self.code = code
        self.workstation = workstation
        self.issuer = issuer
    }
}

/// read-log, of a lock or of an encoder (offline locks' logs come through a data card).
public struct ReadLogRequest: Codable, Sendable, Equatable {
    public var showUnauthorized: Bool?
    public var workstation: String?

    public init(showUnauthorized: Bool?, workstation: String?) {
        self.showUnauthorized = showUnauthorized
        self.workstation = workstation
    }
}

/// Requests that need nothing but an optional workstation (read-state, open, close).
public struct OptionalWorkstationRequest: Codable, Sendable, Equatable {
    public var workstation: String?

    public init(workstation: String?) { self.workstation = workstation }
}

/// The `data` of open and close.
public struct RoomResult: Codable, Sendable, Equatable {
    public var room: String

    public init(room: String) { self.room = room }
}

/// `…/locks/<room>` (retained), and the `data` of read-state: only what is known.
public struct LockState: Codable, Sendable, Equatable {
    public var room: String
    public var series: String
    public var online: Bool?
    public var opened: Bool?
    public var lowBattery: Bool?
    public var lastSeen: String?

    public init(room: String, series: String, online: Bool? = nil, opened: Bool? = nil, lowBattery: Bool? = nil, lastSeen: String? = nil) {
        self.room = room
        self.series = series
        self.online = online
        self.opened = opened
        self.lowBattery = lowBattery
        self.lastSeen = lastSeen
    }
}

/// `…/locks/<room>/event` and the records of read-log.
public struct LockEvent: Codable, Sendable, Equatable {
    public var type: Int
    public var typeName: String?
    public var at: String
    public var holderId: String?
    public var holderName: String?
    public var unauthorized: Bool

    public init(type: Int, typeName: String?, at: String, holderId: String?, holderName: String?, unauthorized: Bool) {
        self.type = type
        self.typeName = typeName
        self.at = at
        self.holderId = holderId
        self.holderName = holderName
        self.unauthorized = unauthorized
    }
}

/// The `data` of read-log.
public struct LockLog: Codable, Sendable, Equatable {
    public var room: String?
    public var records: [LockEvent]

    public init(room: String?, records: [LockEvent]) {
        self.room = room
        self.records = records
    }
}

/// `…/encoders/<encoder>` (retained).
public struct EncoderState: Codable, Sendable, Equatable {
    public var state: String
    public var operation: String?
    public var workstation: String?
    public var since: String

    public init(state: String, operation: String?, workstation: String?, since: String) {
        self.state = state
        self.operation = operation
        self.workstation = workstation
        self.since = since
    }
}

extension JSONValue {
    /// The JSON form of a contract payload, its `Date`s written as RFC 3339 in `zone` (the site's):
    /// how a producer such as the FIAS key desk writes a request's times.
    public init(encoding value: some Encodable, in zone: TimeZone) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.rfc3339(date, in: zone))
        }
        self = try JSONValue.parse(encoder.encode(value))
    }
}
