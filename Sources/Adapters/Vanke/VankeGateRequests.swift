import Bridge
import Foundation
import Topics

/// `…/parking/<lot>/gates/<gate>/request/open`: an operator, or Home Assistant's "open" button,
/// opens a gate through the same path as the platform's receiveOpenGate.
extension VankeAdapter {
    func serveGateRequests(_ bridge: BridgeContext, opener: VankeGateOpener) {
        let prefix = bridge.topics.parking(settings.parkingLotId).gatesPrefix
        let gateLevel = prefix.split(separator: "/").count
        let known = Set(gateIDs)
        bridge.serve(
            RequestRoute(prefix + "+/request/+", serializationKey: { $0.topicLevel(gateLevel) }) { request in
                let gate = request.topicLevel(gateLevel) ?? ""
                guard request.operation == "open" else {
                    throw GatehouseError.unsupported(operation: request.operation, reason: "a gate serves only open")
                }
                guard known.isEmpty || known.contains(gate) else {
                    throw GatehouseError(.invalidRequest, "gate \(gate) is not a recognizer of lot \(self.settings.parkingLotId)")
                }
                let fields = try request.decode(GateOpenRequest.self)
                let mode = fields.mode ?? .force
                let plate = fields.plate?.trimmingCharacters(in: .whitespaces)
                if mode == .normal && (plate ?? "").isEmpty {
                    throw GatehouseError.invalidRequest(field: "plate", problem: "required when mode is normal")
                }
                do {
                    return try JSONValue(encoding: try await opener.open(gate, mode: mode == .force ? .force : .normal, plate: plate))
                } catch let refusal as VankeRefusal {
                    throw GatehouseError.invalidRequest(field: "plate", problem: refusal.description)
                }
            })
    }

    /// Gates are keyed by their plate camera (V1.4): the configured recognizers.
    var gateIDs: [String] { settings.devices.filter { $0.kind == .recognizer }.map(\.deviceNo) }
}
