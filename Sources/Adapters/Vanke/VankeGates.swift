import Foundation
import Topics

/// What Gatehouse knows of each gate while it runs: its mode, the vehicle recognised last, the
/// ground loop, and the refused recognition being sent again. One actor, so "is this recognition
/// still the current one" and "stop re-sending it" are decided atomically.
actor VankeGates {
    struct Recognition: Codable, Equatable {
        var uuid: String
        var plate: String
        /// When it was received (seconds since 1970); nil in what an earlier version stored.
        var at: Double?

        init(uuid: String, plate: String, at: Date = Date()) {
            self.uuid = uuid
            self.plate = plate
            self.at = at.timeIntervalSince1970
        }

        /// Its stored form (the latest recognition's cursor).
        var stored: Data { (try? JSONEncoder().encode(self)) ?? Data() }

        /// Older than `maxAge` (or of unknown age): no longer the vehicle at the gate.
        func isStale(maxAge: Duration, now: Date = Date()) -> Bool {
            guard let at else { return true }
            return now.timeIntervalSince1970 - at > maxAge.timeInterval
        }
    }

    private struct Gate {
        var mode: GateMode.Mode = .normal
        var latest: Recognition?
        /// nil: the loop never reported; treated as occupied (DESIGN §3).
        var loopOccupied: Bool?
        /// The outbox entry of a refused recognition being sent again, and its uuid.
        var resending: (entry: Int64, uuid: String)?
        /// The last refusal published for the resending uuid, so each re-send does not repeat it.
        var refusalShown: String?
    }

    private var gates: [String: Gate] = [:]

    func mode(_ gate: String) -> GateMode.Mode { gates[gate]?.mode ?? .normal }
    func setMode(_ gate: String, _ mode: GateMode.Mode) { gates[gate, default: Gate()].mode = mode }
    func latest(_ gate: String) -> Recognition? { gates[gate]?.latest }
    func restoreLatest(_ gate: String, _ recognition: Recognition) { gates[gate, default: Gate()].latest = recognition }

    /// A new recognition: it becomes the current one and ends any re-send, whose entry is returned to drop.
    func recognized(_ gate: String, _ recognition: Recognition) -> Int64? {
        gates[gate, default: Gate()].latest = recognition
        return endResend(gate)
    }

    /// A vehicle crossed: nobody waits at the gate any more.
    func crossed(_ gate: String) -> Int64? {
        gates[gate, default: Gate()].latest = nil
        return endResend(gate)
    }

    /// The platform opened the gate itself (receiveOpenGate): no need to ask again.
    func opened(_ gate: String) -> Int64? { endResend(gate) }

    /// The loop's state; an empty loop also ends a re-send (the vehicle left).
    func loop(_ gate: String, occupied: Bool) -> Int64? {
        gates[gate, default: Gate()].loopOccupied = occupied
        return occupied ? nil : endResend(gate)
    }

    /// The plate of the vehicle at the gate now: the latest recognition, unless the loop has
    /// emptied since (the vehicle left) or it is older than `maxAge`. What openMode 2 opens for.
    func vehicleAtGate(_ gate: String, maxAge: Duration) -> Recognition? {
        guard let state = gates[gate], state.loopOccupied != false, let latest = state.latest, !latest.isStale(maxAge: maxAge)
        else { return nil }
        return latest
    }

    /// Whether the gate's loop has reported at all (a gate may have none).
    func loopReported(_ gate: String) -> Bool { gates[gate]?.loopOccupied != nil }

    /// True only when the loop said it is empty.
    func loopEmpty(_ gate: String) -> Bool { gates[gate]?.loopOccupied == false }

    func isCurrent(_ gate: String, uuid: String) -> Bool { gates[gate]?.latest?.uuid == uuid }

    /// A newer recognition came for the gate (not: the vehicle crossed, which leaves none).
    func isSuperseded(_ gate: String, uuid: String) -> Bool {
        guard let latest = gates[gate]?.latest else { return false }
        return latest.uuid != uuid
    }

    /// The platform refused `uuid`: it will be sent again, unless it is no longer current.
    /// Returns nil when it must not be re-sent, else whether this refusal still has to be published.
    func refused(_ gate: String, entry: Int64, uuid: String, reason: String) -> Bool? {
        guard var state = gates[gate], state.latest?.uuid == uuid, state.loopOccupied != false else { return nil }
        let show = state.resending?.uuid != uuid || state.refusalShown != reason
        state.resending = (entry, uuid)
        state.refusalShown = reason
        gates[gate] = state
        return show
    }

    /// Whether the platform refused `uuid` (its re-send is running).
    func wasRefused(_ gate: String, uuid: String) -> Bool { gates[gate]?.resending?.uuid == uuid }

    /// The re-send of `entry` is over (allowed, given up, failed).
    func finished(_ gate: String, entry: Int64) {
        if gates[gate]?.resending?.entry == entry {
            gates[gate]?.resending = nil
            gates[gate]?.refusalShown = nil
        }
    }

    private func endResend(_ gate: String) -> Int64? {
        defer {
            gates[gate]?.resending = nil
            gates[gate]?.refusalShown = nil
        }
        return gates[gate]?.resending?.entry
    }
}
