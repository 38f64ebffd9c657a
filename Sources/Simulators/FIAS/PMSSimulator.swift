import NIOCore
import NIOPosix
import Synchronization

/// An independent simulation of a hotel PMS's FIAS interface, read from the lock vendor's spec and
/// FIAS-NOTES: it listens, and the lock system (Gatehouse's FIAS adapter) connects to it.
///
/// One client per port (a new one drops the old), link start LD/LR…/LA answered with LA, LS
/// answered with LA while alive (or LS after a restart), LE answered with LE, records of at most
/// 2000 bytes in a single-byte code page. Tests drive it with `send`, `request` and `nextRecord`.
public final class PMSSimulator: Sendable {
    /// The longest record accepted, in bytes between STX and ETX.
    static let recordLimit = 2000

    let options: Options
    /// Nil when `options.codePage` is unknown: `start` refuses then.
    let codePage: FIASCodePage?
    let state: Mutex<PMSState>
    private let server = Mutex<Server?>(nil)

    private struct Server {
        let group: MultiThreadedEventLoopGroup
        let channel: any Channel
        let port: Int
    }

    /// A PMS that is not listening yet.
    public init(options: Options = .init()) {
        self.options = options
        codePage = FIASCodePage(named: options.codePage)
        state = Mutex(PMSState(link: PMSLink(restartPending: options.answersLSWithLS)))
    }

    /// Starts listening (port 0: any free port) and returns the bound port; already running: its port.
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        guard codePage != nil else { throw PMSSimulatorError.unknownCodePage(options.codePage) }
        if let running = server.withLock({ $0 }) { return running.port }
        // One event-loop thread: accepts, reads and timers happen in a single order.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(PMSConnectionHandler(simulator: self))
                }
            }
        do {
            let channel = try await bootstrap.bind(host: host, port: port).get()
            let bound = channel.localAddress?.port ?? port
            server.withLock { $0 = Server(group: group, channel: channel, port: bound) }
            return bound
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Stops listening and closes the client connection; the record log and counters are kept,
    /// so `start` again is a PMS coming back.
    public func stop() async {
        guard let running = server.withLock({ server in defer { server = nil }; return server }) else { return }
        let client = state.withLock { $0.client }
        try? await running.channel.close()
        if let client {
            try? await client.channel.close()
            _ = state.withLock { $0.forget(connection: client.id) }
        }
        try? await running.group.shutdownGracefully()
    }

    /// The link is alive: the current client sent LD, LR…, LA and the PMS answered LA.
    public var isAlive: Bool { state.withLock { $0.isAlive } }

    /// Returns once the link is alive; throws `PMSSimulatorError.timeout` after `timeout`.
    public func waitUntilAlive(timeout: Duration) async throws {
        _ = try await wait(for: "the link to come alive", timeout: timeout) { $0.isAlive ? [:] : nil }
    }

    /// How many link starts (LD, LR…, LA) completed, over all connections.
    public var linkStarts: Int { state.withLock { $0.linkStarts } }

    /// The record types (RI) the lock side announced with LR in the last completed link start.
    public var receivedLR: [String] { state.withLock { $0.receivedLR } }

    /// How many connections were accepted so far.
    public var connections: Int { state.withLock { $0.connections } }

    /// Every record received from the lock side, oldest first, decoded from the code page.
    public func received() -> [String] { state.withLock { $0.log.map(\.record.text) } }

    /// The data records the PMS ignored because they came while the link was not alive.
    public func ignored() -> [String] { state.withLock { $0.log.filter(\.ignored).map(\.record.text) } }

    /// The oldest record of this type not yet handed out (here or by `request`), waiting for one
    /// if needed: its fields (id → value) plus `_raw`, the record text. Ignored records never count.
    public func nextRecord(ofType type: String, timeout: Duration) async throws -> [String: String] {
        try await wait(for: "a \(type) record", timeout: timeout) { state in
            state.take(from: 0) { $0.type == type }
        }
    }

    /// Makes the PMS behave as restarted: the link is down until LD, LR…, LA come again, and the
    /// next LS from the lock side is answered with LS.
    public func restart() { state.withLock { $0.link.restart() } }

    /// A stream of what happens from now on (connections, records both ways, link start).
    public func events() -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream<Event>.makeStream()
        let id = state.withLock { state in
            state.nextWatcherID += 1
            state.watchers[state.nextWatcherID] = continuation
            return state.nextWatcherID
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
        }
        return stream
    }
}
