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
    private let running = Mutex<Running?>(nil)
    private let logger: Logger

    private struct Running {
        let port: Int
        let task: Task<Void, Never>
    }

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
    }

    /// Starts listening (port 0: any free port) and returns the bound port; already running: its port.
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        // A restart on the same port can race the old socket's close on a loaded machine: retry briefly.
        let deadline = ContinuousClock.now + .seconds(3)
        while true {
            do {
                return try await startOnce(host: host, port: port)
            } catch {
                guard port != 0, ContinuousClock.now < deadline, "\(error)".contains("in use") else { throw error }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    private func startOnce(host: String, port: Int) async throws -> Int {
        if let bound = self.port { return bound }
        let (outcome, report) = AsyncStream<Result<Int, any Error>>.makeStream()
        let app = Application(
            responder: OZResponder(simulator: self),
            configuration: .init(address: .hostname(host, port: port), serverName: "OZLocks-Simulator"),
            onServerRunning: { channel in report.yield(.success(channel.localAddress?.port ?? port)) },
            logger: logger)
        let task = Task {
            do { try await app.run() } catch { report.yield(.failure(error)) }
            report.finish()
        }
        var results = outcome.makeAsyncIterator()
        switch await results.next() {
        case .success(let bound):
            running.withLock { $0 = Running(port: bound, task: task) }
            return bound
        case .failure(let error):
            throw error
        case nil:
            // Our caller was cancelled while the server was starting: do not leave it running.
            task.cancel()
            throw CancellationError()
        }
    }

    /// Stops listening: afterwards connections are refused, as with a server that is down. The state
    /// (guests, cards, logs, call counts) is kept, so start() again is a server restart.
    public func stop() async {
        guard let current = running.withLock({ current in defer { current = nil }; return current }) else { return }
        // Cancelling the application closes the listening socket and every open connection.
        current.task.cancel()
        await current.task.value
        // The listening socket closes on NIO's event loop after the task ends: wait until
        // connections are really refused, so "down" means down when stop() returns.
        let deadline = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < deadline && Self.accepts(port: current.port) {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Whether a listener still holds the port. Probed by binding (not connecting), so a server
    /// of another test that got the port meanwhile is never disturbed.
    private static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return bound != 0
    }

    /// The bound port while running.
    public var port: Int? { running.withLock { $0?.port } }

    /// How the next API requests are answered.
    public func setBehaviour(_ b: Behaviour) { state.withLock { $0.behaviour = b } }

    /// Answers with a comma after each object's last member, as the spec's examples are written.
    public func setTrailingCommas(_ on: Bool) { state.withLock { $0.trailingCommas = on } }

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
    public func appendLog(room: String, type: Int, typeName: String, at: Date, holderID: Int, holderName: String?) {
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
