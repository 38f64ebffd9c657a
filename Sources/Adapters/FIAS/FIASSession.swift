import Bridge
import Foundation
import Logging
import NIOCore
import Synchronization

/// One TCP connection to the PMS: reads records, drives the link machine on records and a clock
/// tick, and answers key records concurrently (each answer is written when it is ready).
final class FIASSession: Sendable {
    private let machine: Mutex<FIASLinkMachine>
    private let outbound: NIOAsyncChannelOutboundWriter<FIASRecord>
    private let logger: Logger
    private let answer: FIASLink.Answer
    private let report: FIASLink.StateReport
    private let undelivered: FIASLink.Undelivered
    /// Set when the PMS answered our LE (or the connection ended).
    private let ended = Atomic<Bool>(false)

    init(
        machine: FIASLinkMachine, outbound: NIOAsyncChannelOutboundWriter<FIASRecord>, logger: Logger,
        answer: @escaping FIASLink.Answer, report: @escaping FIASLink.StateReport,
        undelivered: @escaping FIASLink.Undelivered
    ) {
        self.undelivered = undelivered
        self.machine = Mutex(machine)
        self.outbound = outbound
        self.logger = logger
        self.answer = answer
        self.report = report
    }

    /// The link is alive and its connection has not ended (however it ended: LE, EOF, a reset).
    var isAlive: Bool { !ended.load(ordering: .acquiring) && machine.withLock { $0.isAlive } }

    struct Closed: Error {
        let reason: String
    }

    /// Runs until the connection ends; returns why.
    func serve(_ inbound: NIOAsyncChannelInboundStream<FIASInbound>) async throws -> String {
        let greeting = machine.withLock { $0.connected(now: Date()) }
        // Whatever ends this connection ends its link: an answer ready later must not count on it.
        defer { ended.store(true, ordering: .releasing) }
        do {
            try await apply(greeting)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    while true {
                        try await Task.sleep(for: .milliseconds(200))
                        let actions = self.machine.withLock { $0.tick(now: Date()) }
                        try await self.apply(actions)
                    }
                }
                group.addTask {
                    for try await frame in inbound {
                        try await self.handle(frame)
                    }
                    throw Closed(reason: "the PMS closed the connection")
                }
                try await group.next()
                group.cancelAll()
            }
        } catch let closed as Closed {
            ended.store(true, ordering: .releasing)
            return closed.reason
        }
        ended.store(true, ordering: .releasing)
        return "the connection ended"
    }

    /// LE, then a short wait for the PMS's LE.
    func stop() async {
        let actions = machine.withLock { $0.stop(now: Date()) }
        guard !actions.isEmpty else { return }
        try? await apply(actions)
        let deadline = ContinuousClock.now + .seconds(2)
        while !ended.load(ordering: .acquiring) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        outbound.finish()
    }

    private func handle(_ frame: FIASInbound) async throws {
        switch frame {
        case .record(let record):
            logger.debug("FIAS < \(FIASLog.redacted(record))")
            let actions = machine.withLock { $0.received(record, now: Date()) }
            try await apply(actions)
        case .skipped(let bytes):
            // Some PMSs send CR/LF after every frame: a warning each time would drown the log.
            logger.debug("FIAS: skipped \(bytes) bytes outside STX…ETX frames")
        case .oversized(let length):
            logger.warning("FIAS: dropped a record of \(length) bytes (over the 2000-byte limit)")
        case .malformed(let reason):
            logger.warning("FIAS: dropped a malformed record: \(reason)")
        case .invalid(let record, let problem):
            logger.warning("FIAS: a malformed \(record.type) record: \(problem)")
            // A key record is answered all the same (UR naming the problem): the PMS would
            // otherwise wait for its own timeout and learn nothing.
            if isAlive, !record.type.hasPrefix("L") { deliver(record, problem: problem) }
        }
    }

    private func apply(_ actions: [FIASLinkAction]) async throws {
        for action in actions {
            switch action {
            case .send(let record):
                logger.debug("FIAS > \(FIASLog.redacted(record))")
                try await outbound.write(record)
            case .alive:
                logger.info("FIAS link alive")
                await report(.connected, nil)
            case .deliver(let record):
                deliver(record, problem: nil)
            case .close(let reason):
                throw Closed(reason: reason)
            }
        }
    }

    /// Answers a key record on its own task, and writes the answer when it is ready.
    private func deliver(_ record: FIASRecord, problem: String?) {
        Task {
            guard let reply = await self.answer(record, problem) else { return }
            // An answer the PMS cannot get any more is never dropped unseen: a card may be cut.
            guard self.isAlive else {
                await self.undelivered(record, reply, "the link was down when the answer was ready")
                return
            }
            do {
                try await self.outbound.write(reply)
            } catch {
                await self.undelivered(record, reply, "could not be sent: \(error)")
            }
        }
    }
}

/// Log lines without guest names (GN): names appear only where the topic contract puts them.
enum FIASLog {
    static func redacted(_ record: FIASRecord) -> String {
        record.redacting(["GN"], mask: "…").description
    }
}
