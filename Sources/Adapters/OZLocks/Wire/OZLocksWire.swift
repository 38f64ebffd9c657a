import Topics

// The OZLocks Web-API bodies. Property names are the vendor's field names, so the wire format
// reads straight off the spec; decoding is lenient where the spec contradicts itself.
// swiftlint:disable identifier_name

enum OZLocksWire {
    struct IssueCard: Codable, Sendable {
        var Room: String
        var CheckIn: String
        var CheckOut: String
        var GuestName: String
        var GuestID: LenientInt?
        var NewIssue: LenientBool
        var EncoderID: String
        var WorkstationID: String
        var CardIssuer: String?
    }

    /// Only the card's number is required: an answer without `Room` or `CheckOut` still reports
    /// a card that was cut (the request's values stand in for them).
    struct IssueCardAnswer: Codable, Sendable {
        var Room: LenientString?
        var CheckOut: String?
        var Number: LenientString
        var GuestID: LenientInt?
        var EncoderID: LenientString?
        var WorkstationID: LenientString?
    }

    struct CheckOut: Codable, Sendable {
        var Room: String
        var EncoderID: String?
        var WorkstationID: String
        var CardIssuer: String?
    }

    struct CheckOutAnswer: Codable, Sendable {
        var Room: LenientString
        var CheckOut: String?
        var EncoderID: LenientString?
        var WorkstationID: LenientString?
    }

    struct ReadCard: Codable, Sendable {
        var EncoderID: String
        var WorkstationID: String
        var CardIssuer: String?
    }

    struct ReadCardAnswer: Codable, Sendable {
        var CardType: LenientInt
        var CardTypeEx: String?
        var Room: LenientString?
        var CheckIn: String?
        var CheckOut: String?
        var HolderName: String?
        /// The table says Int, the example sends `"12"`.
        var HolderID: LenientString?
        var EncoderID: LenientString?
        var WorkstationID: LenientString?
    }

    struct ReadLogLock: Codable, Sendable {
        /// Series H only (the data card lies on this encoder); must be absent for WR.
        var EncoderID: String?
        var WorkstationID: String
        /// Series WR only.
        var Room: String?
        var ShowErrorEntrance: Bool?
    }

    struct LogState: Codable, Sendable {
        var RecordType: LenientInt
        var RecordTypeEx: String?
        /// Required by the spec; a record without it is skipped (logged), not the whole answer.
        var EventTime: String?
        /// The table says String, the example sends `12`.
        var HolderID: LenientString?
        var HolderName: String?
    }

    struct ReadLogLockAnswer: Codable, Sendable {
        var EncoderID: LenientString?
        var WorkstationID: LenientString?
        var Log: [LogState]?
    }

    struct IssueLockCode: Codable, Sendable {
        var Room: String
        var CheckIn: String
        var CheckOut: String
        var GuestName: String
        var GuestID: LenientInt?
        var NewIssue: LenientBool
        var LockCode: String
        var WorkstationID: String
        var CardIssuer: String?
    }

    struct IssueLockCodeAnswer: Codable, Sendable {
        var Room: LenientString?
        var CheckOut: String?
        var GuestID: LenientInt?
        var WorkstationID: LenientString?
    }

    struct ChangeLockCode: Codable, Sendable {
        var Room: String
        var GuestID: LenientInt
        var LockCode: String
        var WorkstationID: String
        var CardIssuer: String?
    }

    struct ChangeLockCodeAnswer: Codable, Sendable {
        var Room: LenientString
        var CheckOut: String?
        var WorkstationID: LenientString?
    }

    /// ReadState, OpenLock and CloseLock send the same two fields.
    struct RoomAtWorkstation: Codable, Sendable {
        var Room: String
        var WorkstationID: String
    }

    struct ReadStateAnswer: Codable, Sendable {
        var Room: LenientString
        /// Not in the table, but in the spec's example.
        var Opened: LenientBool?
        var LowCharge: LenientBool?
        var WorkstationID: LenientString?
    }

    struct RoomAnswer: Codable, Sendable {
        var Room: LenientString?
        var WorkstationID: LenientString?
    }

    struct Failure: Codable, Sendable {
        var ECode: LenientString
        var EMessage: String?
    }
}

/// The nine Web-API operations with their HTTP methods (GET ones carry a JSON body, as specified).
enum OZLocksOperation: String, Sendable, CaseIterable {
    case issueCard = "IssueCard"
    case checkOut = "CheckOut"
    case readCard = "ReadCard"
    case readLogLock = "ReadLogLock"
    case issueLockCode = "IssueLockCode"
    case changeLockCode = "ChangeLockCode"
    case readState = "ReadState"
    case openLock = "OpenLock"
    case closeLock = "CloseLock"

    var isGet: Bool { self == .readCard || self == .readLogLock || self == .readState }
    /// The call may wait while the encoder prompts for a card (IssueCard and CheckOut say so;
    /// ReadCard and a data card's ReadLogLock read one): it gets `encoderTimeout`.
    var waitsForCard: Bool { [.issueCard, .checkOut, .readCard, .readLogLock].contains(self) }
}
