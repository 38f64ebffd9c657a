import Foundation

/// Everything the simulated integration server knows; lives in one Mutex in OZLocksSimulator.
struct OZLocksState {
    struct Lock {
        var series: OZLocksSimulator.Series
        var online: Bool
        var lowBattery: Bool
        var opened: Bool
        /// Guest ids checked in, in check-in order.
        var guests: [Int] = []
        /// Lock codes by guest id (WR only).
        var codes: [Int: String] = [:]
        var log: [OZLogRecord] = []
    }

    struct Guest {
        var name: String
        var checkIn: Date
        var checkOut: Date
    }

    /// What lies on an encoder.
    enum EncoderCard {
        case none
        case blank
        case guest(OZLocksSimulator.IssuedCard)
        /// A series-H data card: the lock's log as it was when the card was presented to the lock.
        case data(room: String, log: [OZLogRecord])
    }

    let dates: OZDateFormat
    var locks: [String: Lock] = [:]
    var encoders: [String: EncoderCard] = [:]
    var guestsByID: [Int: Guest] = [:]
    var nextGuestID = 1
    var issued: [OZLocksSimulator.IssuedCard] = []
    var uids: Set<String> = []
    var calls: [String: Int] = [:]
    var behaviour: OZLocksSimulator.Behaviour = .normal
    /// Requests left before `behaviour` returns to normal; nil: until changed.
    var behaviourLeft: Int?
    var trailingCommas = false
    /// Top-level members left out of every successful answer (a server that answers partially).
    var omittedMembers: Set<String> = []
    /// IssueCard on an empty encoder waits this long for a card to be put on it (as the vendor's
    /// encoder prompts the clerk) before answering ECode 2; nil answers at once.
    var cardWait: Duration?
    /// Behaviours for one operation ("IssueCard"), ahead of `behaviour`; nil count: until changed.
    var operationBehaviours: [String: (behaviour: OZLocksSimulator.Behaviour, left: Int?)] = [:]

    init(rooms: [OZLocksSimulator.Room], encoders: [String], dates: OZDateFormat) {
        self.dates = dates
        for room in rooms {
            locks[room.name] = Lock(series: room.series, online: room.online, lowBattery: room.lowBattery, opened: room.opened)
        }
        for encoder in encoders { self.encoders[encoder] = .blank }
    }

    // MARK: lookups shared by the operations

    func lock(_ room: String) throws(OZFault) -> Lock {
        guard let lock = locks[room] else { throw .roomNotFound }
        return lock
    }

    /// The room's lock, refusing series H for operations only online locks have.
    func onlineLock(_ room: String, for operation: String) throws(OZFault) -> Lock {
        let lock = try lock(room)
        guard lock.series == .wr else { throw .unsupported(operation, series: lock.series.rawValue) }
        return lock
    }

    func encoderCard(_ encoder: String) throws(OZFault) -> EncoderCard {
        guard let card = encoders[encoder] else { throw .unknownEncoder(encoder) }
        return card
    }

    // MARK: guests

    /// The guest for a check-in: the given id (registered if new to us: a PMS may reuse its own
    /// numbering, and a real server would rather accept than lose a check-in) or a fresh one.
    mutating func admit(room: String, guestID: Int?, name: String, checkIn: Date, checkOut: Date, newIssue: Bool) -> Int {
        let id = guestID ?? nextGuestID
        nextGuestID = max(nextGuestID, id + 1)
        guestsByID[id] = Guest(name: name, checkIn: checkIn, checkOut: checkOut)
        if newIssue { checkOutAll(room: room) }
        if locks[room]?.guests.contains(id) == false { locks[room]?.guests.append(id) }
        return id
    }

    mutating func checkOutAll(room: String) {
        locks[room]?.guests = []
        locks[room]?.codes = [:]
    }

    /// A card UID: 8 uppercase hex digits, never issued before by this server.
    mutating func newUID() -> String {
        while true {
            let uid = String(format: "%08X", UInt32.random(in: 1...UInt32.max))
            if uids.insert(uid).inserted { return uid }
        }
    }
}
