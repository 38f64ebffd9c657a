import Bridge
import Foundation
import Logging
import Synchronization
import Topics

/// Delivers the outbox to the platform: at most one push per gate in flight (a gate's pushes stay
/// in order), up to `pushConcurrency` gates at once, and the spec's rules for what follows an
/// answer or a failure (推送失败处理).
final class VankePusher: Sendable {
    private let context: BridgeContext
    private let settings: VankeSettings
    private let client: VankePlatformClient
    private let gates: VankeGates
    private let logger: Logger
    private let wakeups: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation
    private let inFlight = Mutex(0)
    private let finishing = Mutex(false)
    /// Set when an abnormal push became a failed record: re-sent once the platform answers again.
    private let abnormalsWaiting = Mutex(false)

    init(context: BridgeContext, settings: VankeSettings, client: VankePlatformClient, gates: VankeGates, logger: Logger) {
        self.context = context
        self.settings = settings
        self.client = client
        self.gates = gates
        self.logger = logger
        (wakeups, wakeup) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Something was enqueued or became due.
    func wake() { wakeup.yield() }

    /// Stops leasing; `run` returns once the pushes in flight have their answers (each is bounded
    /// by `timeout`). Not cancelling them keeps their outcome recorded, so a clean stop leaves no
    /// push in doubt.
    func finish() {
        finishing.withLock { $0 = true }
        wakeup.finish()
    }

    func run() async {
        await takeOver()
        // Re-sends and back-offs come due without an event: look again on a short tick.
        let tick = min(settings.repollInterval / 4, .milliseconds(250))
        let ticker = Task { [wakeup] in
            while !Task.isCancelled {
                try? await Task.sleep(for: tick)
                wakeup.yield()
            }
        }
        defer { ticker.cancel() }
        await withDiscardingTaskGroup { group in
            for await _ in wakeups {
                for entry in await leaseDue() {
                    group.addTask { [self] in
                        await deliver(entry)
                        inFlight.withLock { $0 -= 1 }
                        wake()
                    }
                }
            }
        }
    }

    /// Platform answered a push or called checkConnect: its network is back, so failed abnormal
    /// pushes go out again (spec: 等待网络正常，需要将之前的推送失败的记录继续推送).
    func platformAnswered() async {
        guard abnormalsWaiting.withLock({ waiting in defer { waiting = false }; return waiting }) else { return }
        do {
            let moved = try await context.store.outbox.requeueAll(stream: VankeStreams.abnormal)
            if moved > 0 { logger.info("Vanke platform answers again: re-sending \(moved) failed abnormal push(es)") }
            wake()
        } catch {
            abnormalsWaiting.withLock { $0 = true }
            logger.error("cannot requeue failed abnormal pushes: \(error)")
        }
    }

    private func leaseDue() async -> [OutboxEntry] {
        let free = settings.pushConcurrency - inFlight.withLock { $0 }
        guard free > 0, !finishing.withLock({ $0 }) else { return [] }
        let leaseFor = settings.timeout * 2 + .seconds(5)
        do {
            var entries = try await context.store.outbox.lease(stream: VankeStreams.gate, limit: free, leaseFor: leaseFor)
            if entries.count < free {
                entries += try await context.store.outbox.lease(
                    stream: VankeStreams.abnormal, limit: free - entries.count, leaseFor: leaseFor)
            }
            inFlight.withLock { $0 += entries.count }
            return entries
        } catch {
            logger.error("cannot read the push outbox: \(error)")
            return []
        }
    }

    /// Entries a previous process had leased were being sent when it died: whether the platform
    /// got them is unknown. A crossing is then filed as a failed record (the platform fetches
    /// those with queryUnPushCrossInfo) rather than risk a duplicate; a recognition or an alarm
    /// is sent again (the platform sees recognitions repeatedly by design).
    private func takeOver() async {
        do {
            if try await context.store.outbox.depth(stream: VankeStreams.abnormal).failed > 0 {
                abnormalsWaiting.withLock { $0 = true }
            }
            _ = try await context.store.outbox.takeOverLeases(stream: VankeStreams.abnormal)
            for entry in try await context.store.outbox.takeOverLeases(stream: VankeStreams.gate) {
                guard let job = try? JSONDecoder().decode(VankePushJob.self, from: entry.payload), job.kind == .crossing
                else { continue }
                try await context.store.outbox.deadLetter(
                    id: entry.id, error: "in doubt: Gatehouse stopped while this crossing was being pushed",
                    stream: VankeStreams.failedCrossings)
                logger.warning("crossing \(job.uuid ?? "?") was in flight when Gatehouse stopped: recorded as a failed push")
            }
        } catch {
            logger.error("cannot take over the push outbox: \(error)")
        }
    }

    private func deliver(_ entry: OutboxEntry) async {
        guard let job = try? JSONDecoder().decode(VankePushJob.self, from: entry.payload) else {
            try? await context.store.outbox.deadLetter(id: entry.id, error: "unreadable outbox entry")
            return
        }
        let outcome = await client.push(job)
        do {
            switch outcome {
            case .failed(let error):
                await context.setAdapterState("vanke", .disconnected, detail: error)
                try await failed(entry, job, error: error)
            case .answered(let code, let description):
                await context.setAdapterState("vanke", .connected)
                if code == "0" { await platformAnswered() }
                if job.kind == .recognition {
                    try await answered(entry, job, allowed: code == "0", reason: description)
                } else if code == "0" {
                    try await context.store.outbox.ack(id: entry.id)
                } else {
                    try await failed(entry, job, error: "platform refused: \(description ?? "respCode \(code)")")
                }
            }
        } catch StoreError.outboxEntryNotFound {
            // Superseded while in flight (a newer recognition, a crossing, an empty loop).
        } catch {
            logger.error("push outbox update failed: \(error)")
        }
    }

    private func failed(_ entry: OutboxEntry, _ job: VankePushJob, error: String) async throws {
        let outcome = try await context.store.outbox.retry(
            id: entry.id, error: error, backoff: { [settings] in settings.backoff($0) }, maxAttempts: settings.retries,
            deadLetterStream: VankeStreams.failed(job.kind))
        guard outcome == .deadLettered else { return }
        let gate = job.deviceNo ?? ""
        switch job.kind {
        case .recognition:
            logger.warning("recognition \(job.uuid ?? "?") at gate \(gate) could not be pushed (\(error)): recorded, gate released")
            await gates.finished(gate, entry: entry.id)
            if await gates.mode(gate) != .alwaysOpen, await gates.isCurrent(gate, uuid: job.uuid ?? "") {
                publishDecision(gate, GateDecision(uuid: job.uuid ?? "", open: true, by: .autoRelease, reason: error))
            }
        case .crossing:
            logger.warning("crossing \(job.uuid ?? "?") at gate \(gate) could not be pushed (\(error)): recorded as a failed push")
        case .abnormal:
            abnormalsWaiting.withLock { $0 = true }
            logger.warning("abnormal \(job.abnormalCode ?? "?") could not be pushed (\(error)): kept, re-sent when the platform answers")
        }
    }

    private func answered(_ entry: OutboxEntry, _ job: VankePushJob, allowed: Bool, reason: String?) async throws {
        let gate = job.deviceNo ?? ""
        let uuid = job.uuid ?? ""
        // Mode 0 (常开): keep pushing, ignore the answers; the decision went out on receipt.
        if await gates.mode(gate) == .alwaysOpen {
            await gates.finished(gate, entry: entry.id)
            try await context.store.outbox.ack(id: entry.id)
            return
        }
        if allowed {
            await gates.finished(gate, entry: entry.id)
            try await context.store.outbox.ack(id: entry.id)
            guard await gates.isCurrent(gate, uuid: uuid) else { return }
            // 若接收到返回信息时，但地感上无车，则不开闸.
            if await gates.loopEmpty(gate) {
                publishDecision(gate, GateDecision(uuid: uuid, open: false, by: .platform, reason: "no-vehicle"))
            } else {
                publishDecision(gate, GateDecision(uuid: uuid, open: true, by: .platform))
            }
            return
        }
        let text = reason ?? "refused"
        let expired = Date().timeIntervalSince(entry.enqueuedAt) >= settings.repollFor.timeInterval
        guard !expired, let show = await gates.refused(gate, entry: entry.id, uuid: uuid, reason: text) else {
            // Superseded, the vehicle left, or asked long enough: stop asking.
            if expired { logger.warning("recognition \(uuid) at gate \(gate) still refused after \(settings.repollFor): no more re-sends") }
            await gates.finished(gate, entry: entry.id)
            try await context.store.outbox.ack(id: entry.id)
            return
        }
        if show { publishDecision(gate, GateDecision(uuid: uuid, open: false, by: .platform, reason: text)) }
        try await context.store.outbox.reschedule(
            id: entry.id, at: Date().addingTimeInterval(settings.repollInterval.timeInterval), resetAttempts: true)
    }

    func publishDecision(_ gate: String, _ decision: GateDecision) {
        do {
            try context.publishEvent(context.topics.parking(settings.parkingLotId).gate(gate).decision, decision)
        } catch {
            logger.error("cannot publish the decision for \(decision.uuid) at gate \(gate): \(error)")
        }
    }
}
