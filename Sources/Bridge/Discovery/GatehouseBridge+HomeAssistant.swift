import Foundation
import Topics

extension GatehouseBridge {
    /// Home Assistant's birth message (`online` on `<prefix>/status`) means it forgot every
    /// entity: announce them again.
    func followHomeAssistant() {
        let discovery = context.homeAssistant
        guard discovery.enabled else { return }
        context.subscribe(discovery.topics.status, qos: .atLeastOnce) { message in
            let text = String(decoding: message.payload, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if text == "online" { await discovery.republish() }
        }
    }

    /// The bridge as a device of its own, with each adapter's link as an entity; then the configs
    /// of kinds no running adapter claims any more are withdrawn.
    func announceToHomeAssistant() async {
        let discovery = context.homeAssistant
        let claimed = adapters.reduce(into: Set(["bridge"])) { $0.formUnion($1.discoveryKinds) }
        await discovery.sweep(keeping: claimed)
        let links = adapters.map { adapter in
            HomeAssistantDevice.Component(
                key: "link_\(adapter.name)", platform: "sensor",
                options: [
                    "name": .string("\(adapter.name) link"), "state_topic": .string(context.topics.bridge.adapter(adapter.name)),
                    "value_template": "{{ value_json.state }}", "device_class": "enum",
                    "options": .array(AdapterState.allCases.map { .string($0.rawValue) }),
                    "json_attributes_topic": .string(context.topics.bridge.adapter(adapter.name)),
                    "entity_category": "diagnostic",
                ])
        }
        let health = context.topics.bridge.health
        let outbox: [HomeAssistantDevice.Component] = [
            .sensor(key: "outbox_pending", name: "Outbox pending", stateTopic: health, field: "outbox.pending", icon: "mdi:tray-full"),
            .sensor(key: "outbox_failed", name: "Failed pushes", stateTopic: health, field: "outbox.failed", icon: "mdi:tray-alert"),
        ]
        let bridge = HomeAssistantDevice(
            kind: "bridge", id: context.config.instance, name: "Gatehouse \(context.config.instance)",
            manufacturer: "Gatehouse", model: "MQTT bridge", components: outbox + links)
        await discovery.replace(kind: "bridge", with: [bridge])
    }
}
