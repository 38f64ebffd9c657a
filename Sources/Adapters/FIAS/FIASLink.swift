import Bridge
import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The TCP link to the PMS interface: connects, runs `FIASLinkMachine`, hands key records to
/// `answer` and writes what it returns; reconnects with capped back-off after any drop.
final class FIASLink: Sendable {
    /// The answer to a key record; with a problem, the record did not parse in full (what could
    /// be read of it is given) and the answer is a refusal naming the problem.
    typealias Answer = @Sendable (FIASRecord, _ problem: String?) async -> FIASRecord?
    typealias StateReport = @Sendable (AdapterState, String?) async -> Void
    /// A key record whose answer could not reach the PMS, with the answer and why.
    typealias Undelivered = @Sendable (FIASRecord, FIASRecord, String) async -> Void

    private let settings: FIASSettings
    private let time: FIASTime
    private let answer: Answer
    private let report: StateReport
    private let undelivered: Undelivered
    private let logger: Logger
    private let stopping = Atomic<Bool>(false)
    private let session = Mutex<FIASSession?>(nil)

    init(
        settings: FIASSettings, time: FIASTime, logger: Logger, answer: @escaping Answer, report: @escaping StateReport,
        undelivered: @escaping Undelivered
    ) {
        self.undelivered = undelivered
        self.settings = settings
        self.time = time
        self.logger = logger
        self.answer = answer
        self.report = report
    }

    var isAlive: Bool { session.withLock { $0?.isAlive ?? false } }

    /// A connection that lasted this long was a working one.
    static let settled: Duration = .seconds(30)

    /// Connects and keeps the link up until cancelled or `stop()`.
    func run() async {
        var delay = settings.reconnectMinDelay
        var shortLived = 0
        while !Task.isCancelled && !stopping.load(ordering: .acquiring) {
            await report(.connecting, "\(settings.host):\(settings.port)")
            let reason: String
            let started = ContinuousClock.now
            do {
                reason = try await connectAndServe()
                // Only a connection that lasted resets the back-off: two instances on one port
                // evict each other at once, and a reset every time had them do it every second.
                if ContinuousClock.now - started >= Self.settled {
                    delay = settings.reconnectMinDelay
                    shortLived = 0
                } else {
                    shortLived += 1
                    if shortLived == 3 {
                        logger.warning(
                            "FIAS: the PMS closed 3 connections in a row within \(Self.settled) of opening them: is another instance connected to \(settings.host):\(settings.port)? The interface takes one client per port")
                    }
                }
            } catch {
                reason = "cannot connect to the PMS at \(settings.host):\(settings.port): \(error)"
            }
            if stopping.load(ordering: .acquiring) { break }
            logger.warning("FIAS link down: \(reason); reconnecting in \(delay)")
            await report(.disconnected, reason)
            do { try await Task.sleep(for: delay) } catch { break }
            delay = min(delay * 2, settings.reconnectMaxDelay)
        }
        await report(.disconnected, "stopped")
    }

    /// Sends LE, waits briefly for the PMS's LE, then closes.
    func stop() async {
        stopping.store(true, ordering: .releasing)
        guard let current = session.withLock({ $0 }) else { return }
        await current.stop()
    }

    private func connectAndServe() async throws -> String {
        let codePage = settings.codePage
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(FIASFrameDecoder(codePage: codePage)),
                        MessageToByteHandler(FIASFrameEncoder(codePage: codePage)),
                    ])
                    return try NIOAsyncChannel<FIASInbound, FIASRecord>(wrappingChannelSynchronously: channel)
                }
            }
        logger.info("FIAS: connected to the PMS at \(settings.host):\(settings.port)")
        return try await channel.executeThenClose { inbound, outbound in
            let current = FIASSession(
                machine: FIASLinkMachine(
                    timing: .init(
                        greetingWait: settings.greetingWait.timeInterval, linkTimeout: settings.linkTimeout.timeInterval,
                        keepAlive: settings.keepAlive.timeInterval, keepAliveAnswer: min(30, settings.keepAlive.timeInterval)),
                    linkStart: { [settings, time] now in FIASLinkRecords.linkStart(settings: settings, time: time, now: now) },
                    stamp: { [time] type, now in FIASLinkRecords.stamped(type, time: time, now: now) }),
                outbound: outbound, logger: logger, answer: answer, report: report, undelivered: undelivered)
            session.withLock { $0 = current }
            defer { session.withLock { $0 = nil } }
            if stopping.load(ordering: .acquiring) { return "stopped" }
            return try await current.serve(inbound)
        }
    }
}
