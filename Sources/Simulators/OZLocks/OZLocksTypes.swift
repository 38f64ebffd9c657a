import Foundation

extension OZLocksSimulator {
    /// Lock series: H are offline (cards only), WR are online (codes, state, remote open/close).
    public enum Series: String, Sendable {
        case h = "H"
        case wr = "WR"
    }

    /// A room with its lock, as configured when the simulator is created.
    public struct Room: Sendable {
        /// The room name the API uses (`Room`).
        public var name: String
        public var series: Series
        /// A WR lock reachable over the network (else ECode 10).
        public var online: Bool
        /// ReadState's LowCharge.
        public var lowBattery: Bool
        /// ReadState's Opened.
        public var opened: Bool

        /// A room named `name` whose lock is of `series`.
        public init(_ name: String, series: Series, online: Bool = true, lowBattery: Bool = false, opened: Bool = false) {
            self.name = name
            self.series = series
            self.online = online
            self.lowBattery = lowBattery
            self.opened = opened
        }
    }

    /// How the server answers every authorised API request until changed.
    public enum Behaviour: Sendable, Equatable {
        /// Answers as the spec says.
        case normal
        /// Answers normally after a delay.
        case slow(Duration)
        /// HTTP 400 "Сервер не доступен" (the integration server lost its backend).
        case badRequest
        /// HTTP 500 `{"ECode":code,"EMessage":message}` for every request.
        case error(code: String, message: String)
        /// HTTP 500 with an HTML page and no ECode, as a failing web server or proxy sends.
        case serverErrorWithoutCode
        /// Does the operation (cuts the card), then drops the connection without an answer, as a
        /// server that crashed or a proxy that timed out after the work was done.
        case doThenDrop
    }

    /// A guest card written by IssueCard.
    public struct IssuedCard: Sendable, Equatable {
        public let room: String
        /// The card UID answered as `Number`: 8 uppercase hex digits.
        public let uid: String
        public let guestID: Int
        public let guestName: String
        public let checkIn: Date
        public let checkOut: Date
        /// EncoderID, WorkstationID and CardIssuer of the request.
        public let encoder: String
        public let workstation: String
        public let issuer: String?
    }
}

/// One record of a lock's log.
struct OZLogRecord: Sendable {
    let type: Int
    let typeName: String
    /// nil: answered without EventTime (a malformed record).
    let at: Date?
    let holderID: Int
    let holderName: String?

    /// Record types this simulator treats as unauthorised-access attempts (what ShowErrorEntrance
    /// false hides). The spec lists none; 30…39 is our choice, e.g. 30 "Попытка несанкционированного доступа".
    static let unauthorizedTypes = 30...39

    var isUnauthorized: Bool { Self.unauthorizedTypes.contains(type) }
}
