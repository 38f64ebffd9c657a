import Bridge
import Foundation
import Topics

extension OFDAdapter {
    public var discoveryKinds: Set<String> { ["register"] }
}

/// Each register the operator lists as a Home Assistant device: days left on the fiscal drive
/// and on the OFD contract, and a problem sensor that is on while any alert is raised.
extension OFDRegisters {
    /// From the stored states, so the devices are exactly the registers that have topics.
    func announceRegisters() async {
        guard let stored = try? await context.store.retained.all(matching: kktPrefix) else { return }
        let devices = stored.compactMap { entry -> HomeAssistantDevice? in
            guard !entry.topic.hasSuffix("/alerts"), let state = try? JSONDecoder().decode(KktState.self, from: entry.payload) else {
                return nil
            }
            return Self.device(state, topic: entry.topic, link: context.topics.bridge.adapter("ofd"))
        }
        await context.homeAssistant.replace(kind: "register", with: devices)
    }

    static func device(_ state: KktState, topic: String, link: String) -> HomeAssistantDevice {
        HomeAssistantDevice(
            kind: "register", id: state.rnm, name: "Register \(state.rnm)", manufacturer: "OFD.ru",
            model: state.model ?? "fiscal register",
            // Stale figures are worse than none: shown only while the operator's API answers.
            availability: [.init(topic: link, valueTemplate: "{{ 'online' if value_json.state == 'connected' else 'offline' }}")],
            components: [
                .sensor(key: "fn_days", name: "Fiscal drive days left", stateTopic: topic, field: "fnDaysLeft", unit: "d", icon: "mdi:sd"),
                .sensor(
                    key: "contract_days", name: "Contract days left", stateTopic: topic, field: "contractDaysLeft", unit: "d",
                    icon: "mdi:file-sign"),
                HomeAssistantDevice.Component(
                    key: "alerts", platform: "binary_sensor",
                    options: [
                        "name": "Alerts", "device_class": "problem", "state_topic": .string("\(topic)/alerts"),
                        "value_template": "{{ 'ON' if value_json.alerts | length > 0 else 'OFF' }}",
                        "json_attributes_topic": .string("\(topic)/alerts"),
                    ]),
            ])
    }
}
