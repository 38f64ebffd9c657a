import Foundation

/// What the link must do after an event.
enum FIASLinkAction: Equatable, Sendable {
    case send(FIASRecord)
    /// A key record to answer (only while the link is alive).
    case deliver(FIASRecord)
    case alive
    case close(reason: String)
}

/// The FIAS link control of FIAS-NOTES.md as a pure state machine: events in (connected, a record
/// received, a clock tick, stop), actions out. No I/O, so every path is testable on its own.
struct FIASLinkMachine: Sendable {
    enum Phase: Equatable, Sendable {
        /// Connected; waiting briefly for the PMS to speak first.
        case greeting(since: Date)
        /// LD/LR/LA sent; waiting for the PMS's LA.
        case starting(since: Date)
        case alive
        case closed
    }

    struct Timing: Sendable {
        var greetingWait: TimeInterval
        var linkTimeout: TimeInterval
        var keepAlive: TimeInterval
        /// How long an LS of ours may stay unanswered.
        var keepAliveAnswer: TimeInterval
    }

    /// An LS later than this after our link start asks for it again.
    static let lsRepeatWait: TimeInterval = 3

    private(set) var phase: Phase = .closed
    private var keepAliveSentAt: Date?
    private var lastKeepAlive = Date.distantPast
    private var lastLinkStart = Date.distantPast
    let timing: Timing
    let linkStart: @Sendable (Date) -> [FIASRecord]
    let stamp: @Sendable (String, Date) -> FIASRecord

    init(timing: Timing, linkStart: @escaping @Sendable (Date) -> [FIASRecord], stamp: @escaping @Sendable (String, Date) -> FIASRecord) {
        self.timing = timing
        self.linkStart = linkStart
        self.stamp = stamp
    }

    var isAlive: Bool { phase == .alive }

    /// The spec has the lock side send its initial data once connected: LD/LR/LA at once, unless
    /// `greetingWait` asks to let a PMS that insists on speaking first do so.
    mutating func connected(now: Date) -> [FIASLinkAction] {
        keepAliveSentAt = nil
        guard timing.greetingWait > 0 else { return startLink(now: now) }
        phase = .greeting(since: now)
        return []
    }

    mutating func received(_ record: FIASRecord, now: Date) -> [FIASLinkAction] {
        switch (record.type, phase) {
        case ("LE", .closed):
            // The PMS's answer to our own LE.
            return [.close(reason: "link ended by Gatehouse (LE answered)")]
        case ("LE", _):
            phase = .closed
            return [.send(stamp("LE", now)), .close(reason: "the PMS ended the link (LE)")]
        case ("LS", .greeting):
            return startLink(now: now)
        case ("LS", .starting(let since)):
            // Some PMSs repeat LS until they have our LR records: if ours may have gone unheard, send them
            // again. An LS right after our start (a PMS that greets on accepting) crossed it on the wire.
            return now.timeIntervalSince(since) >= Self.lsRepeatWait ? startLink(now: now) : []
        case ("LS", .alive):
            // The PMS answers our LS with LA and never sends LS on a live link: an LS now (on its own
            // or in answer to ours) means it restarted and forgot the link, so the start is redone.
            return startLink(now: now)
        case ("LA", .starting):
            phase = .alive
            lastKeepAlive = now
            keepAliveSentAt = nil
            return [.alive]
        case ("LA", .alive):
            keepAliveSentAt = nil
            return []
        case (let type, .alive) where !type.hasPrefix("L"):
            return [.deliver(record)]
        default:
            // Link records we do not act on (LD/LR from the PMS, an early LA) and data before the link is alive.
            return []
        }
    }

    mutating func tick(now: Date) -> [FIASLinkAction] {
        switch phase {
        case .greeting(let since) where now.timeIntervalSince(since) >= timing.greetingWait:
            return startLink(now: now)
        case .starting(let since) where now.timeIntervalSince(since) >= timing.linkTimeout:
            phase = .closed
            return [.close(reason: "no LA from the PMS within \(Int(timing.linkTimeout)) s of the link start")]
        case .alive:
            if let sent = keepAliveSentAt {
                if now.timeIntervalSince(sent) >= timing.keepAliveAnswer {
                    phase = .closed
                    return [.close(reason: "the PMS did not answer the keep-alive LS")]
                }
            } else if now.timeIntervalSince(lastKeepAlive) >= timing.keepAlive {
                keepAliveSentAt = now
                lastKeepAlive = now
                return [.send(stamp("LS", now))]
            }
            return []
        default:
            return []
        }
    }

    /// A graceful stop: LE (the caller waits briefly for the PMS's LE, then closes).
    mutating func stop(now: Date) -> [FIASLinkAction] {
        let wasOpen = phase != .closed
        phase = .closed
        return wasOpen ? [.send(stamp("LE", now))] : []
    }

    private mutating func startLink(now: Date) -> [FIASLinkAction] {
        phase = .starting(since: now)
        keepAliveSentAt = nil
        lastLinkStart = now
        return linkStart(now).map(FIASLinkAction.send)
    }
}
