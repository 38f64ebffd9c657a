import Bridge
import Foundation
import Logging
import Synchronization
import Topics

/// Keeps `gatehouse/ofd/kkts/<rnm>` and `…/alerts` in step with the operator's register list, and
/// follows applied activation codes until they are paid or cancelled.
final class OFDRegisters: Sendable {
    let context: BridgeContext
    private let client: OFDClient
    private let settings: OFDSettings
    private let logger: Logger
    private let activations = Mutex<[String: Activation]>([:])

    /// Persisted in the store so a restart keeps following.
    struct Activation: Codable, Sendable {
        var inn: String
        var rnm: String
        var code: String
        var appliedAt: Date
        var status: String
        var activatedAt: String?
        var done: Bool
    }

    init(context: BridgeContext, client: OFDClient, settings: OFDSettings, logger: Logger) {
        self.context = context
        self.client = client
        self.settings = settings
        self.logger = logger
    }

    private var tz: TimeZone { context.timeZone }
    private func time(_ wire: String?) -> String? { OFDTime.parse(wire).map(stamp) }
    private func stamp(_ date: Date) -> String { Timestamp.rfc3339(date, in: tz) }
    var kktPrefix: String { "\(context.topics.base)/ofd/kkts/" }

    // MARK: sync

    /// Fetches the register lists of `inns` and publishes what changed. With `removeMissing`, the
    /// registers of those INNs that are no longer listed lose their retained topics.
    @discardableResult
    func sync(inns: [String], removeMissing: Bool = true) async throws -> [KktState] {
        var states: [KktState] = []
        var complete: Set<String> = []
        for inn in inns {
            let list = try await client.kkts(inn: inn)
            for problem in list.skipped {
                logger.warning(
                    "OFD: the register list of INN \(inn) has a row that cannot be used (\(problem)); skipped, and no register of this INN is cleared this round")
            }
            if list.skipped.isEmpty { complete.insert(inn) }
            for kkt in list.kkts {
                let state = state(kkt, inn: inn)
                states.append(state)
                try await publish(state, alerts: alerts(kkt))
            }
        }
        // A skipped row may stand for any register of its INN: none of those is cleared. One bad
        // row used to fail the whole sync; taken as "not listed" it would clear a live register.
        if removeMissing {
            try await clearMissing(inns: complete, present: Set(states.map(\.rnm)), unowned: complete.count == inns.count)
        }
        await announceRegisters()
        return states
    }

    private func state(_ kkt: OFDWire.Kkt, inn: String, now: Date = Date()) -> KktState {
        let times = OFDKktTimes(kkt, operatorZone: settings.operatorTimeZone)
        func daysLeft(_ end: Date?) -> Int? {
            end.map { Int(($0.timeIntervalSince(now) / 86_400).rounded(.down)) }
        }
        return KktState(
            rnm: kkt.KktRegId, inn: inn, id: kkt.Id, serial: kkt.SerialNumber, fnNumber: kkt.FnNumber, model: kkt.KktModel,
            address: kkt.FiscalAddress, place: kkt.FiscalPlace, createdAt: times.createdAt.map(stamp),
            fnEndsAt: times.fnEndsAt.map(stamp), fnDaysLeft: daysLeft(times.fnEndsAt), lastDocAt: times.lastDocAt.map(stamp),
            lastDocReceivedAt: times.lastDocReceivedAt.map(stamp), tariff: kkt.Tariff,
            contractStartsAt: times.contractStartsAt.map(stamp), contractEndsAt: times.contractEndsAt.map(stamp),
            contractDaysLeft: daysLeft(times.contractEndsAt),
            lastPaidAt: times.lastPaidAt.map(stamp), activation: activation(for: kkt.KktRegId))
    }

    /// The three alert rules of DESIGN §3, with configurable thresholds.
    private func alerts(_ kkt: OFDWire.Kkt, now: Date = Date()) -> [KktAlerts.Alert] {
        let times = OFDKktTimes(kkt, operatorZone: settings.operatorTimeZone)
        var alerts: [KktAlerts.Alert] = []
        let since = stamp(now)
        if let end = times.fnEndsAt, end.timeIntervalSince(now) <= settings.fnWarning.timeInterval {
            alerts.append(.init(kind: "fn-expiring", detail: "the fiscal drive ends \(stamp(end))", since: since))
        }
        if let end = times.contractEndsAt, end.timeIntervalSince(now) <= settings.contractWarning.timeInterval {
            alerts.append(.init(kind: "contract-expiring", detail: "the OFD contract ends \(stamp(end))", since: since))
        }
        if let received = times.lastDocReceivedAt {
            if now.timeIntervalSince(received) >= settings.noDocumentsAfter.timeInterval {
                alerts.append(
                    .init(kind: "no-documents", detail: "no document received by the operator since \(stamp(received))", since: since))
            }
        } else {
            alerts.append(.init(kind: "no-documents", detail: "the operator has received no document", since: since))
        }
        return alerts
    }

    private func publish(_ state: KktState, alerts: [KktAlerts.Alert]) async throws {
        let topic = kktPrefix + TopicID.encode(state.rnm)
        try await context.publishState(topic, state)
        // An alert keeps the time it was first raised.
        let previous = try await context.store.retained.payload(topic: "\(topic)/alerts")
            .flatMap { try? JSONDecoder().decode(KktAlerts.self, from: $0) }
        let merged = alerts.map { alert in
            var alert = alert
            if let earlier = previous?.alerts.first(where: { $0.kind == alert.kind }) { alert.since = earlier.since }
            return alert
        }
        try await context.publishState("\(topic)/alerts", KktAlerts(alerts: merged))
    }

    /// Clears the registers of `inns` not in `present`; with `unowned`, also those whose state
    /// names no INN (known only from an apply-code).
    private func clearMissing(inns: Set<String>, present: Set<String>, unowned: Bool) async throws {
        for (topic, payload) in try await context.store.retained.all(matching: kktPrefix) where !topic.hasSuffix("/alerts") {
            guard let state = try? JSONDecoder().decode(KktState.self, from: payload), !present.contains(state.rnm),
                state.inn.map(inns.contains) ?? unowned
            else { continue }
            logger.info("OFD: register \(state.rnm) is no longer listed; clearing its topics")
            try await context.clearState(topic)
            try await context.clearState("\(topic)/alerts")
        }
    }

    // MARK: activations

    func load() async {
        guard let data = try? await context.store.cursors.value(adapter: "ofd", key: "activations"),
            let stored = try? JSONDecoder().decode([String: Activation].self, from: data)
        else { return }
        activations.withLock { $0 = stored }
    }

    private func save() async {
        let all = activations.withLock { $0 }
        do {
            try await context.store.cursors.set(adapter: "ofd", key: "activations", value: JSONEncoder().encode(all))
        } catch {
            logger.error("OFD: cannot store the followed activations: \(error)")
        }
    }

    private func activation(for rnm: String) -> ActivationState? {
        activations.withLock { $0[rnm] }.map {
            ActivationState(status: $0.status, appliedAt: Timestamp.rfc3339($0.appliedAt, in: tz), activatedAt: $0.activatedAt)
        }
    }

    /// The register's activation whose outcome is unknown (a pay without an answer, status
    /// `Undefined`) and still followed, if any.
    func inDoubt(rnm: String) -> Activation? {
        activations.withLock { $0[rnm] }.flatMap { !$0.done && $0.status == "Undefined" ? $0 : nil }
    }

    /// Starts following a code just applied on a register.
    func follow(inn: String, rnm: String, code: String, status: String) async {
        let final = status == "Payed" || status == "Cancelled"
        activations.withLock {
            $0[rnm] = Activation(inn: inn, rnm: rnm, code: code, appliedAt: Date(), status: status, activatedAt: nil, done: final)
        }
        await save()
        await republish(rnm: rnm)
    }

    /// One round of following: asks the pay status for every code not yet final.
    func followOnce(now: Date = Date()) async {
        let open = activations.withLock { $0.values.filter { !$0.done } }
        guard let oldest = open.map(\.appliedAt).min() else { return }
        // From the oldest open code on, however long ago: the spec limits no period.
        let from = oldest.addingTimeInterval(-3600)
        let items: [OFDWire.PayStatus]
        do {
            items = try await client.payStatus(from: from, to: now)
        } catch {
            logger.warning("OFD: cannot follow activations: \(error)")
            return
        }
        for var activation in open {
            if let item = items.last(where: { $0.Rnm == activation.rnm && $0.ActivationCode == activation.code }),
                let status = item.Status
            {
                activation.status = status
                activation.activatedAt = time(item.ActivationDateUtc) ?? activation.activatedAt
            }
            let expired = now.timeIntervalSince(activation.appliedAt) > settings.followFor.timeInterval
            activation.done = activation.status == "Payed" || activation.status == "Cancelled" || expired
            let updated = activation
            activations.withLock { $0[updated.rnm] = updated }
            await republish(rnm: activation.rnm)
        }
        await save()
    }

    /// Puts the current activation into the register's retained state.
    private func republish(rnm: String) async {
        let topic = kktPrefix + TopicID.encode(rnm)
        var state = (try? await context.store.retained.payload(topic: topic)).flatMap { $0 }
            .flatMap { try? JSONDecoder().decode(KktState.self, from: $0) } ?? KktState(rnm: rnm)
        state.activation = activation(for: rnm)
        do {
            try await context.publishState(topic, state)
        } catch {
            logger.error("OFD: cannot publish register \(rnm): \(error)")
        }
    }
}
