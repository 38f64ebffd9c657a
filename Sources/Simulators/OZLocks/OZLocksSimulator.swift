import Foundation
import Hummingbird
import Logging
import Synchronization

/// An independent simulation of the OZLocks integration server (Web-API), read from the vendor
/// spec alone: the nine operations, API-key auth, the spec's errors (see `OZFault` for the ECodes,
/// including those invented here) and switchable failure behaviours.
///
/// It also serves unauthenticated control endpoints under `/_sim/` (see `OZControlEndpoints`), so
/// it must only listen on loopback.
public final class OZLocksSimulator: Sendable {
    let apiKey: String
    /// Lower-cased, as header names compare case-insensitively.
    let apiKeyHeader: String
    let dates: OZDateFormat
    let state: Mutex<OZLocksState>
    private let server: SimulatorHTTPServer
    private let logger: Logger


    /// A server with these rooms and encoders; every encoder starts with a blank card on it.
    public init(
        apiKey: String, apiKeyHeader: String = "X-API-Key", rooms: [Room], encoders: [String],
        timeZone: TimeZone = TimeZone(identifier: "Europe/Moscow")!
    ) {
        self.apiKey = apiKey
        self.apiKeyHeader = apiKeyHeader.lowercased()
        self.dates = OZDateFormat(timeZone: timeZone)
        self.state = Mutex(OZLocksState(rooms: rooms, encoders: encoders, dates: dates))
        var logger = Logger(label: "gatehouse.simulator.ozlocks.http")
        // stop() cancels the server, which Hummingbird logs as an error ("Waiting on child channel:
        // CancellationError"); its other lines are start/stop notices. Requests are answered, not logged.
        logger.logLevel = .critical
        self.logger = logger
        server = SimulatorHTTPServer(serverName: "OZLocks-Simulator", logger: logger)
    }

    /// Starts listening (port 0: any free port) and returns the bound port; already running: its port.
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        try await server.start(host: host, port: port, responder: OZResponder(simulator: self))
    }

    /// Stops listening: afterwards connections are refused, as with a server that is down. The
    /// state is kept, so start() again is a server restart.
    public func stop() async { await server.stop() }

    /// The bound port while running.
    public var port: Int? { server.port }

    /// How the next API requests are answered.
    public func setBehaviour(_ b: Behaviour) {
        state.withLock {
            $0.behaviour = b
            $0.behaviourLeft = nil
        }
    }

    /// `b` for the next `times` authorised requests, then normal again (a count-limited fault).
    public func setBehaviour(_ b: Behaviour, times: Int) {
        state.withLock {
            $0.behaviour = times > 0 ? b : .normal
            $0.behaviourLeft = times > 0 ? times : nil
        }
    }

    /// `b` for requests of one operation only (e.g. "IssueCard"), the next `times` of them or
    /// (nil) until changed; other operations keep the general behaviour. `.normal` clears it.
    public func setBehaviour(_ b: Behaviour, for operation: String, times: Int? = nil) {
        state.withLock {
            if b == .normal || times == 0 {
                $0.operationBehaviours[operation] = nil
            } else {
                $0.operationBehaviours[operation] = (b, times)
            }
        }
    }

    /// Answers with a comma after each object's last member, as the spec's examples are written.
    public func setTrailingCommas(_ on: Bool) { state.withLock { $0.trailingCommas = on } }
    /// Leaves these top-level members out of every successful answer (e.g. `Room`, `CheckOut` of
    /// IssueCard), as a server that answers only part of what the spec lists; empty: all of them.
    public func omitAnswerMembers(_ names: Set<String>) { state.withLock { $0.omittedMembers = names } }
    /// IssueCard on an empty encoder waits up to `wait` for a card to be put on it
    /// (`setCardPresent`), as the vendor's encoder prompts the clerk; nil: ECode 2 at once.
    public func waitForCard(_ wait: Duration?) { state.withLock { $0.cardWait = wait } }

    /// Puts a blank card on the encoder (replacing any card there) or takes the card away.
    public func setCardPresent(_ present: Bool, encoder: String) {
        state.withLock { state in
            guard state.encoders[encoder] != nil else { return }
            state.encoders[encoder] = present ? .blank : OZLocksState.EncoderCard.none
        }
    }

    /// Series H: a data card holding this lock's log as of now lies on the encoder (for ReadLogLock).
    public func putDataCard(room: String, encoder: String) {
        state.withLock { state in
            guard state.encoders[encoder] != nil, let lock = state.locks[room] else { return }
            state.encoders[encoder] = .data(room: room, log: lock.log)
        }
    }

    /// Sets the lock's battery flag (LowCharge). Unknown rooms are ignored, as in the setters below.
    public func setLowBattery(_ low: Bool, room: String) { state.withLock { $0.locks[room]?.lowBattery = low } }

    /// Takes a WR lock off the network (ECode 10) or back.
    public func setOnline(_ online: Bool, room: String) { state.withLock { $0.locks[room]?.online = online } }

    /// Sets whether the lock is open (ReadState's Opened).
    public func setOpened(_ opened: Bool, room: String) { state.withLock { $0.locks[room]?.opened = opened } }

    /// Adds a record to the lock's log; types 30…39 count as unauthorised access (ShowErrorEntrance).
    /// `at: nil` answers the record without its EventTime, as a faulty server might.
    public func appendLog(room: String, type: Int, typeName: String, at: Date?, holderID: Int, holderName: String?) {
        let record = OZLogRecord(type: type, typeName: typeName, at: at, holderID: holderID, holderName: holderName)
        state.withLock { $0.locks[room]?.log.append(record) }
    }

    /// How many requests for this operation (e.g. "OpenLock") passed the API-key check.
    public func calls(_ operation: String) -> Int { state.withLock { $0.calls[operation] ?? 0 } }

    /// How many API requests passed the API-key check, all operations together.
    public func totalCalls() -> Int { state.withLock { $0.calls.values.reduce(0, +) } }

    /// Every guest card written so far, oldest first.
    public var issuedCards: [IssuedCard] { state.withLock { $0.issued } }

    /// The code a guest has in a WR lock, if any.
    public func lockCode(room: String, guestID: Int) -> String? { state.withLock { $0.locks[room]?.codes[guestID] } }

    /// Guest ids currently checked in to the room, in check-in order.
    public func guests(room: String) -> [Int] { state.withLock { $0.locks[room]?.guests ?? [] } }
}
