import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// A simulated vendor's HTTP listener that can go down and come back: start (retrying briefly when a
/// restart on the same port races the old socket's close), stop (returns only once the port is
/// really released, so "down" means down). Shared by the HTTP simulators.
final class SimulatorHTTPServer: Sendable {
    private struct Running {
        let port: Int
        let task: Task<Void, Never>
        let group: ServiceGroup
    }

    private let running = Mutex<Running?>(nil)
    private let serverName: String
    private let logger: Logger

    init(serverName: String, logger: Logger) {
        self.serverName = serverName
        self.logger = logger
    }

    /// The bound port while running.
    var port: Int? { running.withLock { $0?.port } }

    /// Starts listening (port 0: any free port) and returns the bound port; already running: its port.
    func start<Responder: HTTPResponder>(host: String, port: Int, responder: Responder) async throws -> Int
    where Responder.Context == BasicRequestContext {
        let deadline = ContinuousClock.now + .seconds(3)
        while true {
            do {
                return try await startOnce(host: host, port: port, responder: responder)
            } catch {
                guard port != 0, ContinuousClock.now < deadline, "\(error)".contains("in use") else { throw error }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    private func startOnce<Responder: HTTPResponder>(host: String, port: Int, responder: Responder) async throws -> Int
    where Responder.Context == BasicRequestContext {
        if let bound = self.port { return bound }
        let (outcome, report) = AsyncStream<Result<Int, any Error>>.makeStream()
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname(host, port: port), serverName: serverName),
            onServerRunning: { channel in report.yield(.success(channel.localAddress?.port ?? port)) },
            logger: logger)
        // Stopped by a graceful shutdown, never by cancelling the task: cancelling NIO's async
        // server while an accepted connection is still queued traps ("Deinited NIOAsyncWriter
        // without calling finish()", swift-nio#2637), and tests stop simulators under traffic.
        let group = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger))
        let task = Task {
            do { try await group.run() } catch { report.yield(.failure(error)) }
            report.finish()
        }
        var results = outcome.makeAsyncIterator()
        switch await results.next() {
        case .success(let bound):
            running.withLock { $0 = Running(port: bound, task: task, group: group) }
            return bound
        case .failure(let error):
            throw error
        case nil:
            // Our caller was cancelled while the server was starting: do not leave it running.
            await group.triggerGracefulShutdown()
            throw CancellationError()
        }
    }

    /// Stops listening; afterwards connections are refused.
    func stop() async {
        guard let current = running.withLock({ current in defer { current = nil }; return current }) else { return }
        // Graceful: the listener closes, idle connections are closed, requests in flight finish.
        await current.group.triggerGracefulShutdown()
        await current.task.value
        // The socket closes on NIO's event loop after the task ends: wait until it is released.
        let deadline = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < deadline && Self.holds(port: current.port) {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Whether a listener still holds the port. Probed by binding, not connecting, so a server of
    /// another test that got the port meanwhile is never disturbed.
    private static func holds(port: Int) -> Bool {
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
}
