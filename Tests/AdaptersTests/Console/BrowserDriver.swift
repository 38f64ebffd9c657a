import Bridge
import Foundation
import Synchronization
import TestSupport
import Topics

/// Headless Chromium for tests, through `scripts/console-browser.py` (the DevTools protocol over
/// a pipe): one JSON command per line, one JSON answer per line.
final class BrowserDriver: Sendable {
    /// The browser the test uses: `GATEHOUSE_CHROMIUM`, else Debian's `chromium`.
    static let chromium: String? = {
        let candidates = [ProcessInfo.processInfo.environment["GATEHOUSE_CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser"]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
    static let python = "/usr/bin/python3"
    static var available: Bool { chromium != nil && FileManager.default.isExecutableFile(atPath: python) }

    private let process: Process
    private let input: FileHandle
    private let box = Box()

    private final class Box: Sendable {
        let lines = Mutex<[String]>([])
        let partial = Mutex("")
    }

    /// Starts the browser; Basic challenges are answered with `user` and `password`.
    init(user: String, password: String, log: URL) async throws {
        guard let chromium = Self.chromium else { throw TestFailure("no Chromium installed") }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/console-browser.py")
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = [script.path, "--chromium", chromium, "--log", log.path]
        // The password goes by environment, not argv, which every local user can read in ps.
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["GATEHOUSE_BROWSER_USER": user, "GATEHOUSE_BROWSER_PASSWORD": password]) { $1 }
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        input = stdin.fileHandleForWriting
        let box = self.box
        stdout.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else { return }
            let complete = box.partial.withLock { partial -> [String] in
                partial += String(decoding: data, as: UTF8.self)
                var lines = partial.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                partial = lines.removeLast()
                return lines
            }
            box.lines.withLock { $0.append(contentsOf: complete) }
        }
        try process.run()
        let started = try await nextAnswer(timeout: .seconds(60))
        guard started["ok"] == true else {
            throw TestFailure("Chromium did not start: \(started["error"]?.stringValue ?? "?") (log: \(log.path))")
        }
    }

    /// Sends one command and returns its answer; an answer with `"ok":false` throws.
    @discardableResult
    func run(_ command: [String: JSONValue], timeout: Duration = .seconds(30)) async throws -> JSONValue {
        var line = try JSONCoding.encode(JSONValue.object(command))
        line.append(UInt8(ascii: "\n"))
        try input.write(contentsOf: line)
        let answer = try await nextAnswer(timeout: timeout)
        guard answer["ok"] == true else {
            throw TestFailure("browser: \(command["cmd"]?.stringValue ?? "?") failed: \(answer["error"]?.stringValue ?? "?")\n"
                + "page errors: \(answer["errors"].map { "\($0)" } ?? "none")")
        }
        return answer
    }

    /// Polls `js` in the page until it is truthy, within `timeout`; returns the milliseconds it took.
    @discardableResult
    func wait(_ js: String, timeout: Duration) async throws -> Int {
        let ms = Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        let answer = try await run(["cmd": "wait", "js": .string(js), "timeout": .int(Int64(ms))], timeout: timeout + .seconds(10))
        return Int(answer["ms"]?.intValue ?? -1)
    }

    func evaluate(_ js: String) async throws -> JSONValue? {
        try await run(["cmd": "eval", "js": .string(js)])["value"]
    }

    private func nextAnswer(timeout: Duration) async throws -> JSONValue {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let line = box.lines.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
                return try JSONValue.parse(line)
            }
            guard ContinuousClock.now < deadline else { throw TestFailure("no answer from the browser driver within \(timeout)") }
            guard process.isRunning || !box.lines.withLock(\.isEmpty) else {
                throw TestFailure("the browser driver exited (\(process.terminationStatus))")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    func quit() async {
        _ = try? await run(["cmd": "quit"], timeout: .seconds(15))
        let deadline = ContinuousClock.now + .seconds(15)
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { process.terminate() }
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}
