import ArgumentParser
import Bridge
import Foundation

/// Hidden tools the tests use to exercise real processes (crash between store and acknowledge).
struct Debug: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tools for tests.", shouldDisplay: false, subcommands: [OutboxEnqueue.self])

    struct OutboxEnqueue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "outbox-enqueue",
            abstract: "Store entries in the outbox, report them stored, then wait forever without delivering.")
        @Option var store: String
        @Option var stream: String = "test"
        @Option var count: Int = 5

        func run() async throws {
            let database = try Store(path: store)
            for i in 0..<count {
                _ = try await database.outbox.enqueue(
                    stream: stream, key: "k\(i % 2)", payload: Data("entry-\(i)".utf8), now: Date())
            }
            // Written straight to the descriptor: nothing buffered may be lost to the SIGKILL.
            FileHandle.standardOutput.write(Data("stored \(count)\n".utf8))
            // The test kills this process with SIGKILL here, before anything is acknowledged.
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
    }
}
