import Bridge
import Foundation
import GRDB
import Logging
import Synchronization
import Topics

/// Delivers the outbox to the platform: at most one push per gate in flight (a gate's pushes stay
/// in order), up to `pushConcurrency` gates at once, and the spec's rules for what follows an
/// answer or a failure (推送失败处理).
///
/// One writer loop owns every outbox change. Each cycle commits, in one transaction, the events
/// that arrived, the outcomes of finished pushes and the leases of the next pushes: a commit
/// costs an fsync (milliseconds), so a transaction per event or per answer would cap the lot at
/// a few hundred recognitions a second.
final class VankePusher: Sendable {
    /// An event to store; `afterCommit` runs once it is on disk (e.g. the always-open decision).
    struct Arrival: Sendable {
        var stream: String
        var key: String
        var job: VankePushJob
        /// A re-sent recognition this event ends.
        var drop: Int64?
        var image: (id: String, data: Data)?
        /// The gate whose latest recognition is set (or removed: nil recognition).
        var latest: (gate: String, recognition: VankeGates.Recognition?)?
        var afterCommit: (@Sendable () -> Void)?
        /// The intake row it came from, settled in the transaction that enqueues it, and the key
        /// that recognises a redelivery (nil: none, e.g. alarms carry no uuid).
        var intake: (id: Int64, claim: String?)?
    }

    private enum Outcome: Sendable {
        case ack(Int64)
        case resend(Int64, at: Date)
        case failed(OutboxEntry, VankePushJob, error: String)
        /// The platform answered respCode 1: recorded as refused, never retried (the spec retries
        /// only network errors and timeouts).
        case refused(OutboxEntry, VankePushJob, reason: String)
        /// A recognition whose attempt failed after a newer one came for its gate: a failed
        /// record at once, so the next car does not wait behind its retries.
        case superseded(OutboxEntry, VankePushJob, error: String)
        case drop(Int64)
    }

    private struct Pending {
        var arrivals: [Arrival] = []
        var outcomes: [Outcome] = []
        /// Gates whose stored latest plate goes, each after the arrivals queued before it.
        var forgotten: [(gate: String, afterArrivals: Int)] = []
        var isEmpty: Bool { arrivals.isEmpty && outcomes.isEmpty && forgotten.isEmpty }
    }

    private let context: BridgeContext
    private let settings: VankeSettings
    private let client: VankePlatformClient
    private let gates: VankeGates
    private let logger: Logger
    private let wakeups: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation
    private let pending = Mutex(Pending())
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

    /// Stores the event in the next cycle's transaction.
    func store(_ arrival: Arrival) {
        pending.withLock { $0.arrivals.append(arrival) }
        wakeup.yield()
    }

    /// Drops a re-sent recognition that is no longer wanted (the vehicle left, the gate was opened).
    func drop(_ entry: Int64) {
        record(.drop(entry))
    }

    /// The vehicle left the gate: its stored plate is removed, in order with the arrivals.
    func forgetLatest(_ gate: String) {
        pending.withLock { $0.forgotten.append((gate, $0.arrivals.count)) }
        wakeup.yield()
    }

    /// Stops leasing; `run` returns once the events received are stored and the pushes in flight
    /// have their outcome recorded (each is bounded by `timeout`). Not cancelling them keeps a
    /// clean stop from leaving a push in doubt.
    func finish() {
        finishing.withLock { $0 = true }
        wakeup.yield()
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
                let stopping = finishing.withLock { $0 }
                for entry in await cycle(leasing: !stopping) {
                    group.addTask { [self] in
                        await deliver(entry)
                        inFlight.withLock { $0 -= 1 }
                        wakeup.yield()
                    }
                }
                if stopping && inFlight.withLock({ $0 }) == 0 && pending.withLock({ $0.isEmpty }) { break }
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
            wakeup.yield()
        } catch {
            abnormalsWaiting.withLock { $0 = true }
            logger.error("cannot requeue failed abnormal pushes: \(error)")
        }
    }

    /// A decision the barrier acts on: a command, with the commands' lifetime, and not queued while
    /// disconnected (`BridgeContext.publishCommand`).
    func publishDecision(_ gate: String, _ decision: GateDecision) {
        do {
            try context.publishCommand(
                context.topics.parking(settings.parkingLotId).gate(gate).decision, payload: decision.jsonData,
                lifetime: settings.commandLifetime)
        } catch {
            logger.error("cannot publish the decision for \(decision.uuid) at gate \(gate): \(error)")
        }
    }

    // MARK: the writer

    /// One transaction: outcomes, then arrivals, then leases. What fails to commit is kept for the
    /// next cycle, so nothing received is dropped by a busy or full disk.
    private func cycle(leasing: Bool) async -> [OutboxEntry] {
        let batch = pending.withLock { current in defer { current = Pending() }; return current }
        let free = leasing ? settings.pushConcurrency - inFlight.withLock { $0 } : 0
        guard !batch.isEmpty || free > 0 else { return [] }
        let leaseFor = Self.leaseFor
        let outbox = context.store.outbox
        let store = context.store
        let settings = settings
        do {
            let (leased, deadLettered, redelivered) = try await store.pool.write {
                db -> ([OutboxEntry], [(OutboxEntry, VankePushJob, String)], Set<Int>) in
                var deadLettered: [(OutboxEntry, VankePushJob, String)] = []
                var redelivered = Set<Int>()
                for outcome in batch.outcomes {
                    switch outcome {
                    case .ack(let id), .drop(let id):
                        try outbox.ack(id: id, in: db)
                    case .resend(let id, let at):
                        try outbox.reschedule(id: id, at: at, resetAttempts: true, in: db)
                    case .failed(let entry, let job, let error):
                        let result = try outbox.retry(
                            id: entry.id, error: error, backoff: settings.backoff, maxAttempts: settings.retries,
                            deadLetterStream: VankeStreams.failed(job.kind), in: db)
                        if result == .deadLettered { deadLettered.append((entry, job, error)) }
                    case .refused(let entry, let job, let reason):
                        try outbox.deadLetter(
                            id: entry.id, error: "refused by the platform: \(reason)", stream: VankeStreams.refused(job.kind), in: db)
                    case .superseded(let entry, _, let error):
                        try outbox.deadLetter(id: entry.id, error: error, stream: VankeStreams.failedRecognitions, in: db)
                    }
                }
                func forget(upTo position: Int) throws {
                    for forget in batch.forgotten where forget.afterArrivals == position {
                        try store.cursors.remove(adapter: "vanke", key: "latest.\(forget.gate)", in: db)
                    }
                }
                for (index, arrival) in batch.arrivals.enumerated() {
                    try forget(upTo: index)
                    if let (id, claim) = arrival.intake {
                        try store.intake.settle(id, in: db)
                        if let claim, try !store.intake.claim(claim, in: db) {
                            redelivered.insert(index)
                            continue
                        }
                    }
                    if let drop = arrival.drop { try outbox.ack(id: drop, in: db) }
                    if arrival.job.kind == .recognition { try Self.fileSuperseded(by: arrival, outbox: outbox, in: db) }
                    if let image = arrival.image {
                        try store.images.put(id: image.id, contentType: "image/jpeg", data: image.data, in: db)
                    }
                    try outbox.enqueue(
                        stream: arrival.stream, key: arrival.key, payload: arrival.job.stored, in: db)
                    if let (gate, recognition) = arrival.latest {
                        if let recognition {
                            try store.cursors.set(adapter: "vanke", key: "latest.\(gate)", value: recognition.stored, in: db)
                        } else {
                            try store.cursors.remove(adapter: "vanke", key: "latest.\(gate)", in: db)
                        }
                    }
                }
                try forget(upTo: batch.arrivals.count)
                var leased = try outbox.lease(stream: VankeStreams.gate, limit: free, leaseFor: leaseFor, in: db)
                leased += try outbox.lease(stream: VankeStreams.abnormal, limit: free - leased.count, leaseFor: leaseFor, in: db)
                return (leased, deadLettered, redelivered)
            }
            inFlight.withLock { $0 += leased.count }
            for (index, arrival) in batch.arrivals.enumerated() {
                guard !redelivered.contains(index) else {
                    logger.info("\(arrival.job.kind) \(arrival.job.uuid ?? "?") arrived again: already taken, not pushed twice")
                    continue
                }
                arrival.afterCommit?()
            }
            for (entry, job, error) in deadLettered { await gaveUp(entry, job, error: error) }
            return leased
        } catch {
            logger.error("cannot write the push outbox (kept for the next try): \(error)")
            pending.withLock { current in
                current.forgotten = batch.forgotten + current.forgotten.map { ($0.gate, $0.afterArrivals + batch.arrivals.count) }
                current.arrivals = batch.arrivals + current.arrivals
                current.outcomes = batch.outcomes + current.outcomes
            }
            try? await Task.sleep(for: .milliseconds(200))
            wakeup.yield()
            return []
        }
    }

    /// A newer recognition ends the older ones still waiting at its gate (a back-off after a
    /// failed attempt, or queued behind a crossing) when no crossing came after them: each becomes
    /// a failed record (queryUnPush* offers it) instead of holding the gate, and is never
    /// released. A recognition with its crossing behind it is a passage on record, and keeps its place.
    private static func fileSuperseded(by arrival: Arrival, outbox: Outbox, in db: Database) throws {
        var superseded: [Int64] = []
        for earlier in try outbox.waiting(stream: arrival.stream, key: arrival.key, in: db) {
            switch VankePushJob(stored: earlier.payload)?.kind {
            case .recognition?: superseded.append(earlier.id)
            case .crossing?: superseded.removeAll()
            default: continue
            }
        }
        for id in superseded {
            try outbox.deadLetter(
                id: id, error: "superseded by recognition \(arrival.job.uuid ?? "?") before it could be pushed",
                stream: VankeStreams.failedRecognitions, in: db)
        }
    }

    /// How long a leased entry stays ours: for as long as this process lives. Its lease ends with
    /// its outcome (every push is bounded by `timeout`), and a previous process's leases are taken
    /// over at start (`takeOver`), so nothing needs a lease to expire by the wall clock, and a
    /// clock step (NTP, a wrong RTC) can never hand a push in flight out a second time.
    static let leaseFor = Duration.seconds(100 * 365 * 86_400)

    private func record(_ outcome: Outcome) {
        pending.withLock { $0.outcomes.append(outcome) }
        wakeup.yield()
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
                guard let job = VankePushJob(stored: entry.payload), job.kind == .crossing
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

    // MARK: one push

    private func deliver(_ entry: OutboxEntry) async {
        guard let job = VankePushJob(stored: entry.payload) else {
            try? await context.store.outbox.deadLetter(id: entry.id, error: "unreadable outbox entry")
            return
        }
        // The re-poll interval runs from this send (spec: 间距时间 2 秒), not from the answer.
        let sent = Date()
        switch await client.push(job) {
        case .failed(let error):
            await context.setAdapterState("vanke", .disconnected, detail: error)
            if job.kind == .recognition, await gates.isSuperseded(job.deviceNo ?? "", uuid: job.uuid ?? "") {
                logger.warning(
                    "recognition \(job.uuid ?? "?") could not be pushed (\(error)) and a newer one came for its gate: recorded, not retried")
                record(.superseded(entry, job, error: "\(error); then superseded by a newer recognition"))
            } else {
                record(.failed(entry, job, error: error))
            }
        case .answered(let code, let description):
            await context.setAdapterState("vanke", .connected)
            if code == "0" { await platformAnswered() }
            if job.kind == .recognition {
                record(await answered(entry, job, allowed: code == "0", reason: description, sent: sent))
            } else if code == "0" {
                record(.ack(entry.id))
            } else {
                let reason = description ?? "respCode \(code)"
                logger.warning("the platform refused \(job.kind) \(job.uuid ?? "?"): \(reason); recorded, not sent again")
                record(.refused(entry, job, reason: reason))
            }
        }
    }

    /// What a platform answer to a recognition means; the decision is published at once (a
    /// crash before the outcome is stored only sends the recognition again).
    private func answered(_ entry: OutboxEntry, _ job: VankePushJob, allowed: Bool, reason: String?, sent: Date) async -> Outcome {
        let gate = job.deviceNo ?? ""
        let uuid = job.uuid ?? ""
        // Mode 0 (常开): keep pushing, ignore the answers; the decision went out on receipt.
        if await gates.mode(gate) == .alwaysOpen {
            await gates.finished(gate, entry: entry.id)
            return .ack(entry.id)
        }
        if allowed {
            await gates.finished(gate, entry: entry.id)
            guard await gates.isCurrent(gate, uuid: uuid) else { return .ack(entry.id) }
            // 若接收到返回信息时，但地感上无车，则不开闸.
            if await gates.loopEmpty(gate) {
                publishDecision(gate, GateDecision(uuid: uuid, open: false, by: .platform, reason: "no-vehicle"))
            } else {
                publishDecision(gate, GateDecision(uuid: uuid, open: true, by: .platform))
            }
            return .ack(entry.id)
        }
        let text = reason ?? "refused"
        // 直至同意放行: re-sent until allowed while the vehicle waits. A loop says when it left; at a
        // gate whose loop never reported, `repollFor` stands in for that, and ends with a decision.
        let asked = Date().timeIntervalSince(entry.enqueuedAt)
        if await !gates.loopReported(gate), asked >= settings.repollFor.timeInterval, await gates.isCurrent(gate, uuid: uuid) {
            let limit = "\(Int(settings.repollFor.timeInterval)) s"
            logger.warning(
                "recognition \(uuid) at gate \(gate) still refused after \(limit) (\(text)) and no loop reports the gate: re-sending stopped")
            publishDecision(
                gate, GateDecision(uuid: uuid, open: false, by: .platform, reason: "\(text); still refused after \(limit), re-sending stopped"))
            await gates.finished(gate, entry: entry.id)
            return .ack(entry.id)
        }
        guard let show = await gates.refused(gate, entry: entry.id, uuid: uuid, reason: text) else {
            // Superseded, or the vehicle left: stop asking.
            await gates.finished(gate, entry: entry.id)
            return .ack(entry.id)
        }
        if show { publishDecision(gate, GateDecision(uuid: uuid, open: false, by: .platform, reason: text)) }
        let due = sent.addingTimeInterval(settings.repollInterval.timeInterval)
        wake(at: due)
        return .resend(entry.id, at: due)
    }

    /// Looks again when a re-send is due, not on the next tick after it.
    private func wake(at due: Date) {
        Task { [wakeup] in
            try? await Task.sleep(for: .seconds(max(0, due.timeIntervalSinceNow)))
            wakeup.yield()
        }
    }

    /// A push ran out of attempts and is now a failed record.
    private func gaveUp(_ entry: OutboxEntry, _ job: VankePushJob, error: String) async {
        let gate = job.deviceNo ?? ""
        switch job.kind {
        case .recognition:
            let uuid = job.uuid ?? ""
            // A car the platform refused (unpaid), then an outage: the spec's rule (failed record →
            // release) read literally opens for it. `releaseRefusedOnOutage` decides; the loop is
            // consulted either way (nobody there, nothing opens).
            let refusedBefore = await gates.wasRefused(gate, uuid: uuid)
            await gates.finished(gate, entry: entry.id)
            guard await gates.mode(gate) != .alwaysOpen, await gates.isCurrent(gate, uuid: uuid) else {
                logger.warning("recognition \(uuid) at gate \(gate) could not be pushed (\(error)): recorded")
                return
            }
            if await gates.loopEmpty(gate) {
                logger.warning("recognition \(uuid) at gate \(gate) could not be pushed (\(error)): recorded; the loop is empty, not released")
                publishDecision(gate, GateDecision(uuid: uuid, open: false, by: .autoRelease, reason: "no-vehicle"))
            } else if refusedBefore && !settings.releaseRefusedOnOutage {
                logger.warning(
                    "recognition \(uuid) at gate \(gate) was refused by the platform, then could not be pushed (\(error)): recorded, not released (releaseRefusedOnOutage false)")
                publishDecision(
                    gate, GateDecision(uuid: uuid, open: false, by: .autoRelease, reason: "refused before the outage: \(error)"))
            } else {
                logger.warning("recognition \(uuid) at gate \(gate) could not be pushed (\(error)): recorded, gate released")
                publishDecision(gate, GateDecision(uuid: uuid, open: true, by: .autoRelease, reason: error))
            }
        case .crossing:
            logger.warning("crossing \(job.uuid ?? "?") at gate \(gate) could not be pushed (\(error)): recorded as a failed push")
        case .abnormal:
            abnormalsWaiting.withLock { $0 = true }
            logger.warning("abnormal \(job.abnormalCode ?? "?") could not be pushed (\(error)): kept, re-sent when the platform answers")
        }
    }
}
