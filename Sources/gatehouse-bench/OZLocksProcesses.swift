import AsyncHTTPClient
import Bridge
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The release binaries the OZLocks benches run as child processes: `gatehouse simulate ozlocks`
/// (the vendor's server), `gatehouse run` with the OZLocks adapter (the bridge) and, on request,
/// the facade floor.
enum OZLocksBenchSupport {
    static let simulatorKey = "bench-simulator-key"
    static let facadeKey = "bench-facade-key"

    /// A short description of a transport error, for the failure counts.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return "timeout"
            case .remoteConnectionClosed: return "connection closed"
            case .connectTimeout: return "connect timeout"
            default: break
            }
        }
        let text = "\(error)"
        return text.count > 80 ? String(text.prefix(80)) : text
    }

    /// A loopback port that was free a moment ago (bound to port 0, read back, closed).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bind(fd, sa, length) == 0 && getsockname(fd, sa, &length) == 0
            }
        }
        guard bound else { throw BenchError("cannot bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The last lines of a log file, for error messages.
    static func tail(_ path: String, lines: Int = 15) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}

/// A child HTTP server on a free loopback port that names it in its first line on stdout
/// (`… listening on http://127.0.0.1:<port> …`): the OZLocks simulator, or bench/floors's
/// facade floor.
struct ListeningProcess {
    let child: ChildProcess
    let port: Int
    let log: String

    var url: String { "http://127.0.0.1:\(port)" }

    /// `gatehouse simulate ozlocks` with the bench's API key.
    static func simulator(gatehouse: String, rooms: [String], log: String) async throws -> ListeningProcess {
        try await start(
            gatehouse, ["simulate", "ozlocks", "--listen", "127.0.0.1:0", "--api-key", OZLocksBenchSupport.simulatorKey] + rooms,
            what: "the OZLocks simulator", log: log)
    }

    /// `facade-floor` between the broker and the simulator (see FacadeRoundTripBench).
    static func facadeFloor(_ binary: String, broker: BrokerAddress, simulatorURL: String, log: String) async throws
        -> ListeningProcess
    {
        try await start(
            binary,
            ["--broker-port", "\(broker.port)", "--upstream", simulatorURL, "--upstream-key", OZLocksBenchSupport.simulatorKey],
            what: "facade-floor", log: log, environment: BridgeTuning.environment)
    }

    /// Starts it and reads the bound port from its "listening on http://…" line.
    static func start(
        _ binary: String, _ arguments: [String], what: String, log: String, environment: [String: String] = [:]
    ) async throws -> ListeningProcess {
        let child = try ChildProcess.spawn(binary, arguments, stdout: .pipe, stderr: .file(log), environment: environment)
        guard let fd = child.stdoutPipe else { throw BenchError("no stdout pipe for \(what)") }
        let line = await Self.firstLine(fd, timeout: .seconds(30))
        guard let line, let port = Self.port(in: line) else {
            child.signal(SIGKILL)
            _ = await child.wait()
            close(fd)
            throw BenchError(
                "\(what) did not report its port (\(line ?? "no output")); last lines of \(log):\n\(OZLocksBenchSupport.tail(log))")
        }
        // The pipe stays open (the child writes nothing more) and is closed when it has stopped.
        return ListeningProcess(child: child, port: port, log: log)
    }

    func stop() async {
        child.signal(SIGTERM)
        _ = await child.wait(timeout: .seconds(15))
        if let fd = child.stdoutPipe { close(fd) }
    }

    /// `… listening on http://127.0.0.1:41234 (…` → 41234.
    private static func port(in line: String) -> Int? {
        guard let range = line.range(of: "listening on http://") else { return nil }
        let address = line[range.upperBound...].prefix { $0 != " " }
        guard let colon = address.lastIndex(of: ":") else { return nil }
        return Int(address[address.index(after: colon)...])
    }

    /// The first line written to `fd`, read on a thread of its own; nil on timeout or EOF.
    private static func firstLine(_ fd: Int32, timeout: Duration) async -> String? {
        let deadline = Monotonic.now() + UInt64(timeout.seconds * 1e9)
        return await withCheckedContinuation { (done: CheckedContinuation<String?, Never>) in
            Thread.detachNewThread {
                var data: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while !data.contains(10) {
                    let now = Monotonic.now()
                    guard now < deadline else { break }
                    var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    let ready = poll(&pfd, 1, Int32((deadline - now) / 1_000_000) + 1)
                    if ready < 0 && errno == EINTR { continue }
                    guard ready > 0 else { break }
                    let n = read(fd, &buffer, buffer.count)
                    guard n > 0 else { break }
                    data.append(contentsOf: buffer[0..<n])
                }
                guard let end = data.firstIndex(of: 10) else { return done.resume(returning: nil) }
                done.resume(returning: String(decoding: data[..<end], as: UTF8.self))
            }
        }
    }
}

/// Environment for the processes under test (`gatehouse run`, the facade floor) and only them:
/// `--bridge-event-loops`. Set once in `run()` before any part starts.
enum BridgeTuning {
    nonisolated(unsafe) static var environment: [String: String] = [:]
}

/// `gatehouse run --config <generated YAML>` with the OZLocks adapter, waited for until online.
struct BridgeProcess {
    let child: ChildProcess
    let log: String
    let baseTopic: String
    /// From spawn to the retained `bridge/state` saying online.
    let startupSeconds: Double

    /// The YAML of a bridge with only the OZLocks adapter, against `simulatorURL`.
    static func config(
        broker: BrokerAddress, baseTopic: String, storePath: String, simulatorURL: String, locks: [String],
        pollInterval: Int, facadePort: Int?
    ) -> String {
        var yaml = """
            # Generated by gatehouse-bench.
            instance: bench
            mqtt:
              url: mqtt://\(broker.host):\(broker.port)
              baseTopic: \(baseTopic)
              clientId: gatehouse-\(baseTopic)
            store: { path: "\(storePath)" }
            http: { listen: 127.0.0.1:0 }
            log: { level: warning }
            adapters:
              ozlocks:
                url: \(simulatorURL)
                apiKey: \(OZLocksBenchSupport.simulatorKey)
                pollInterval: \(pollInterval)s

            """
        if let facadePort {
            yaml += "    facade: { listen: 127.0.0.1:\(facadePort), apiKeys: [ \"\(OZLocksBenchSupport.facadeKey)\" ] }\n"
        }
        if !locks.isEmpty {
            yaml += "    locks:\n"
            for room in locks { yaml += "      - { room: \"\(room)\", series: WR }\n" }
        }
        return yaml
    }

    static func start(gatehouse: String, broker: BrokerAddress, baseTopic: String, config: String, workDirectory: String)
        async throws -> BridgeProcess
    {
        let configPath = "\(workDirectory)/\(baseTopic).yml"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let log = "\(workDirectory)/\(baseTopic).log"
        let watcher = try StateWatcher(broker: broker, topic: "\(baseTopic)/bridge/state")
        try await watcher.start()
        let started = ContinuousClock.now
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(
                gatehouse, ["run", "--config", configPath], stdout: .file(log), stderr: .file(log),
                environment: BridgeTuning.environment)
        } catch {
            await watcher.stop()
            throw error
        }
        do {
            try await watcher.waitForOnline(timeout: .seconds(60), whileRunning: child.pid)
        } catch {
            await watcher.stop()
            child.signal(SIGKILL)
            _ = await child.wait()
            throw BenchError("\(error); last lines of \(log):\n\(OZLocksBenchSupport.tail(log))")
        }
        await watcher.stop()
        return BridgeProcess(
            child: child, log: log, baseTopic: baseTopic, startupSeconds: (ContinuousClock.now - started).seconds)
    }

    /// SIGTERM, then the exit status (nil if it had to be killed after 15 s).
    func stop() async -> Int32? {
        child.signal(SIGTERM)
        let (status, killed) = await child.wait(timeout: .seconds(15))
        return killed ? nil : status
    }
}
