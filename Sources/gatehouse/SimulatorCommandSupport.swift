import ArgumentParser
import Foundation
import UnixSignals

/// A `gatehouse simulate …` subcommand with a `--listen host:port` option.
protocol ListeningSimulatorCommand {
    var listen: String { get }
}

extension ListeningSimulatorCommand {
    /// `host:port`, or `[v6-address]:port`.
    func hostAndPort() throws -> (String, Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
              (0...65535).contains(port) else { throw ValidationError("--listen must be host:port, got \(listen)") }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("--listen must be host:port, got \(listen)") }
        return (host, port)
    }
}

/// The console of the simulators that read commands from stdin.
enum SimulatorConsoleIO {
    /// Lines typed on stdin, read on a thread of their own (readLine blocks).
    static func standardInputLines() -> AsyncStream<String> {
        let (lines, feed) = AsyncStream<String>.makeStream()
        Thread {
            while let line = readLine() { feed.yield(line) }
            feed.finish()
        }.start()
        return lines
    }

    /// Calls `stop` on the first SIGINT or SIGTERM. The signals are trapped (their default action
    /// ignored) before this returns, so one arriving before the simulator waits cannot kill it.
    static func onInterrupt(_ stop: @escaping @Sendable () -> Void) async -> Task<Void, Never> {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        return Task {
            for await _ in signals {
                stop()
                return
            }
        }
    }

    /// Straight to the descriptor: a script waiting for a line must not wait for a buffer flush.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
