import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `mosquitto_sub -C` counting one throughput run: the same subscriber for the Swift publisher and
/// for `mosquitto_pub`, so only the publisher differs between the two.
///
/// It subscribes to the data topic and to a ready topic that holds a retained message: that message
/// can only arrive after the SUBACK of both subscriptions (one SUBSCRIBE packet), so its line on
/// stdout means "subscribed". mosquitto_sub prints one line (`-F %t`) per message and flushes it;
/// a reader thread counts the newlines and notes when the last expected one came in.
final class CountingSubscriber: Sendable {
    private let child: ChildProcess
    private let expectedLines: Int
    private let lines = Atomic<Int>(0)
    private let completedAt = Atomic<UInt64>(0)
    private let readerDone = Atomic<Bool>(false)

    init(broker: BrokerAddress, qos: Int, dataTopic: String, readyTopic: String, messages: Int) throws {
        expectedLines = messages + 1
        child = try ChildProcess.spawn(
            "mosquitto_sub",
            [
                "-h", broker.host, "-p", "\(broker.port)", "-V", "mqttv5", "-q", "\(qos)", "--nodelay",
                "-i", "bench-sub-\(UUID().uuidString.prefix(8))", "-t", dataTopic, "-t", readyTopic,
                "-C", "\(expectedLines)", "-F", "%t",
            ],
            stdout: .pipe)
        guard let fd = child.stdoutPipe else { throw BenchError("mosquitto_sub has no stdout pipe") }
        Thread.detachNewThread { [self] in self.countLines(fd) }
    }

    private func countLines(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var count = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            for i in 0..<n where buffer[i] == 0x0A { count += 1 }
            if count >= expectedLines && completedAt.load(ordering: .relaxed) == 0 {
                completedAt.store(Monotonic.now(), ordering: .relaxed)
            }
            lines.store(count, ordering: .releasing)
        }
        close(fd)
        readerDone.store(true, ordering: .releasing)
    }

    /// Data messages counted so far.
    var received: Int { max(0, lines.load(ordering: .acquiring) - 1) }

    /// Waits for the retained ready message.
    func waitUntilSubscribed(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while lines.load(ordering: .acquiring) < 1 {
            if readerDone.load(ordering: .acquiring) { throw BenchError("mosquitto_sub exited before subscribing") }
            guard ContinuousClock.now < deadline else { throw BenchError("mosquitto_sub did not subscribe within \(timeout)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// When the last message arrived, or nil once nothing arrived for `stallTimeout` (lost messages).
    /// Polls: the moment itself is taken by the reader thread, so the poll interval does not matter.
    func waitForAll(stallTimeout: Duration) async -> UInt64? {
        var lastCount = -1
        var lastProgress = ContinuousClock.now
        while true {
            let at = completedAt.load(ordering: .relaxed)
            if at != 0 { return at }
            let count = lines.load(ordering: .acquiring)
            if count != lastCount {
                lastCount = count
                lastProgress = ContinuousClock.now
            } else if ContinuousClock.now - lastProgress > stallTimeout || readerDone.load(ordering: .acquiring) {
                return completedAt.load(ordering: .relaxed) == 0 ? nil : completedAt.load(ordering: .relaxed)
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits for mosquitto_sub to exit (it does after the last message), killing it if it does not.
    func finish() async {
        if completedAt.load(ordering: .relaxed) == 0 { child.signal(SIGTERM) }
        _ = await child.wait(timeout: .seconds(5))
    }
}

/// Where the broker listens.
struct BrokerAddress: Sendable {
    var host: String
    var port: Int
}
