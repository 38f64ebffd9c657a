import Foundation
import Logging

/// The demo's broker: one already listening on 127.0.0.1:1883, or mosquitto started from the repo's config.
struct DemoBroker {
    let pid: pid_t

    static func ensureRunning(config: String, logger: Logger) async throws -> DemoBroker? {
        if isListening(port: 1883) {
            logger.info("using the broker already listening on 127.0.0.1:1883")
            return nil
        }
        try FileManager.default.createDirectory(atPath: "run/mosquitto", withIntermediateDirectories: true)
        let broker = DemoBroker(pid: try spawn(["/usr/sbin/mosquitto", "-c", config], log: "run/mosquitto.log"))
        let deadline = Date().addingTimeInterval(10)
        while !isListening(port: 1883) {
            guard Date() < deadline, kill(broker.pid, 0) == 0 else {
                broker.terminate()
                throw DemoError("mosquitto did not start with \(config); see run/mosquitto.log")
            }
            // Not Thread.sleep: this runs on an event loop (docs/architecture.md, which threads run the tasks).
            try await Task.sleep(for: .milliseconds(50))
        }
        logger.info("started mosquitto from \(config) (pid \(broker.pid), log in run/mosquitto.log)")
        return broker
    }

    /// SIGTERM (mosquitto saves its persistence), then waits for it.
    func terminate() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    /// posix_spawn with the signal mask reset: this runs on a pool thread whose mask blocks SIGTERM,
    /// and a child inheriting it could not be stopped politely.
    private static func spawn(_ argv: [String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, environ)
        guard rc == 0 else { throw DemoError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        return pid
    }

    static func isListening(port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
