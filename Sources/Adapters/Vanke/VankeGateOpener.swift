import Bridge
import Foundation
import Topics

/// Opening a gate, whoever asks (the platform's receiveOpenGate, an operator's open request):
/// the barrier gets its command, and the gate's refused recognition stops being re-sent.
struct VankeGateOpener: Sendable {
    let context: BridgeContext
    let gates: VankeGates
    let pusher: VankePusher
    let lot: String
    let lifetime: Duration
    /// A recognition older than this is no longer the vehicle at the gate.
    let plateMaxAge: Duration

    /// Normal: opens only for the vehicle the gate recognised last. Force: opens regardless.
    /// While the bridge is disconnected from the broker the command cannot reach the barrier in
    /// time: refused ("broker unavailable"), never queued to act late.
    func open(_ gate: String, mode: GateCommand.Mode, plate: String?) async throws -> GateCommand {
        if mode == .normal {
            guard let latest = await gates.vehicleAtGate(gate, maxAge: plateMaxAge) else {
                throw VankeRefusal("plate mismatch: no vehicle is recognised at gate \(gate)")
            }
            guard Self.samePlate(latest.plate, plate ?? "") else { throw VankeRefusal("plate mismatch") }
        }
        let command = GateCommand(mode: mode, plate: plate, requestedAt: Timestamp.rfc3339(Date(), in: context.timeZone))
        do {
            try context.publishCommand(context.topics.parking(lot).gate(gate).command, payload: JSONCoding.encode(command), lifetime: lifetime)
        } catch MQTTError.notConnected {
            throw VankeRefusal("broker unavailable: the command cannot reach gate \(gate) now")
        }
        if let resending = await gates.opened(gate) { pusher.drop(resending) }
        return command
    }

    /// Plates compare without spaces and case (`闽 D782WY` is `闽D782WY`).
    static func samePlate(_ a: String, _ b: String) -> Bool {
        func normal(_ s: String) -> String { s.filter { !$0.isWhitespace }.uppercased() }
        return normal(a) == normal(b)
    }
}
