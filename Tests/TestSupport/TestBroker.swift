import Foundation

/// A real mosquitto on a free loopback port, for tests, run by `scripts/broker.sh`.
///
/// `make test` starts one for the whole run and exports its port as `GATEHOUSE_TEST_BROKER_PORT`;
/// `TestBroker.shared` uses it (or starts one when the tests run without make). Tests that restart
/// or stop the broker start a private one with `TestBroker.start()`.
public final class TestBroker: Sendable {
    public let port: Int
    public let directory: URL
    private let owned: Bool

    public static let shared: TestBroker = {
        if let text = ProcessInfo.processInfo.environment["GATEHOUSE_TEST_BROKER_PORT"], let port = Int(text) {
            return TestBroker(port: port, directory: URL(fileURLWithPath: NSTemporaryDirectory()), owned: false)
        }
        do { return try start() } catch { fatalError("cannot start mosquitto for the tests: \(error)") }
    }()

    private init(port: Int, directory: URL, owned: Bool) {
        self.port = port
        self.directory = directory
        self.owned = owned
    }

    /// Starts a private broker, with `extraConfig` (mosquitto.conf lines) added to the test
    /// defaults when given; stop it with `stop()`.
    public static func start(extraConfig: String? = nil) throws -> TestBroker {
        let directory = TestFiles.directory("broker")
        var arguments = ["start", directory.path]
        if let extraConfig {
            let file = directory.appendingPathComponent("extra-input.conf")
            try extraConfig.write(to: file, atomically: true, encoding: .utf8)
            arguments.append(file.path)
        }
        let output = try script(arguments)
        guard let port = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestFailure("broker.sh start printed no port: \(output)")
        }
        return TestBroker(port: port, directory: directory, owned: true)
    }

    /// Stops the broker (SIGTERM: it saves its persistence) and waits for it to exit.
    public func stop() {
        guard owned else { return }
        _ = try? Self.script("stop", directory.path)
    }

    /// Stops and starts again on the same port with the same data, as a broker restart would.
    public func restart() throws {
        _ = try Self.script("restart", directory.path)
    }

    /// Stops the broker and deletes its saved state, as a broker that lost everything would come back.
    public func restartEmpty() throws {
        stop()
        let data = directory.appendingPathComponent("data")
        try? FileManager.default.removeItem(at: data)
        _ = try Self.script("restart", directory.path)
    }

    private static func script(_ arguments: String...) throws -> String { try script(arguments) }

    private static func script(_ arguments: [String]) throws -> String {
        let result = try Subprocess.runBlocking(
            "/bin/bash", [repositoryRoot.appendingPathComponent("scripts/broker.sh").path] + arguments)
        guard result.status == 0 else {
            throw TestFailure("scripts/broker.sh \(arguments.joined(separator: " ")) failed (\(result.status))")
        }
        return result.output
    }

    /// The package root: tests run there, and this file lives two levels below it.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    deinit { stop() }
}

public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Temporary folders under the test run's folder, so `make test` can clean everything up.
public enum TestFiles {
    public static func directory(_ prefix: String) -> URL {
        let base = ProcessInfo.processInfo.environment["GATEHOUSE_TEST_DIR"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: NSTemporaryDirectory())
        let url = base.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Polls `check` every 50 ms until it holds; fails loudly, naming `what`, after `timeout`. For
/// conditions no event announces (a count in another process's store or in a simulator).
public func until(_ what: String, timeout: Duration = .seconds(20), _ check: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !check() {
        guard ContinuousClock.now < deadline else { throw TestFailure("\(what): not within \(timeout)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}
