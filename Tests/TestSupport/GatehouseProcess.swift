import Foundation
import Synchronization

/// The `gatehouse` executable run as a child process, for tests that kill it or read its output.
public final class GatehouseProcess: Sendable {
    private let process: Process
    private let output = OutputBuffer()
    private let outputPipe = Pipe()

    /// The built binary: `GATEHOUSE_BIN` (set by `make test`) or `.build/debug/gatehouse`.
    public static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["GATEHOUSE_BIN"] { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug/gatehouse")
    }

    /// Starts `gatehouse <arguments>` with extra environment variables.
    public init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = outputPipe
        process.standardError = outputPipe
        let output = self.output
        outputPipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { output.text.withLock { $0 += String(decoding: data, as: UTF8.self) } }
        }
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    public var text: String { output.text.withLock { $0 } }

    /// Waits until the output contains `needle`, or fails after `timeout`.
    public func waitForOutput(_ needle: String, timeout: Duration = .seconds(15)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !text.contains(needle) {
            guard ContinuousClock.now < deadline, process.isRunning || text.contains(needle) else {
                throw TestFailure("'\(needle)' not in the output of gatehouse:\n\(text)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    public func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the process to exit and returns its status.
    public func waitForExit(timeout: Duration = .seconds(15)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw TestFailure("gatehouse did not exit:\n\(text)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        outputPipe.fileHandleForReading.readabilityHandler = nil
    }
}

private final class OutputBuffer: Sendable {
    let text = Mutex("")
}
