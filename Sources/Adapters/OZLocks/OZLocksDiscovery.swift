import Bridge
import Topics

/// Each configured WR (online) lock as a Home Assistant device: a `lock` entity whose commands go
/// to `…/locks/<room>/set`, and battery and door sensors on the retained lock state. Series H
/// (offline) locks are not announced: nothing polls them, so every entity they could have would
/// stay `unknown` for ever, and a lock entity's commands could only fail.
extension OZLocksAdapter {
    public var discoveryKinds: Set<String> { ["lock"] }

    func announceLocks(_ bridge: BridgeContext) async {
        await bridge.homeAssistant.replace(
            kind: "lock", with: settings.locks.lazy.filter { $0.series == .wr }.map { Self.device($0, topics: bridge.topics) })
    }

    static func device(_ lock: OZLocksSettings.Lock, topics: TopicTree) -> HomeAssistantDevice {
        let lockTopics = topics.lock(lock.room)
        let state = lockTopics.state
        // The Web-API reports one `Opened` flag: the bolt and the door are read from it alike.
        var components: [HomeAssistantDevice.Component] = [
            .binarySensor(key: "battery", name: "Battery", deviceClass: "battery", stateTopic: state, field: "lowBattery", on: "value_json.lowBattery"),
            .binarySensor(key: "door", name: "Door", deviceClass: "door", stateTopic: state, field: "opened", on: "value_json.opened"),
        ]
        // Series H locks are offline: nothing can be sent to them but a card, so no lock entity
        // (its commands could only fail) and no availability topic (nobody polls them).
        let online = lock.series == .wr
        if online {
            components.insert(
                HomeAssistantDevice.Component(
                    key: "lock", platform: "lock",
                    options: [
                        "name": .null, "command_topic": .string(lockTopics.set), "state_topic": .string(state),
                        "value_template": """
                            {% if value_json.opened is defined %}{{ 'UNLOCKED' if value_json.opened else 'LOCKED' }}{% else %}None{% endif %}
                            """,
                        "payload_lock": "LOCK", "payload_unlock": "UNLOCK", "payload_open": "OPEN",
                        "state_locked": "LOCKED", "state_unlocked": "UNLOCKED", "retain": false, "optimistic": false,
                    ]),
                at: 0)
        }
        return HomeAssistantDevice(
            kind: "lock", id: lock.room, name: "Room \(lock.room) lock", manufacturer: "OZLocks", model: lock.series.rawValue,
            availability: online ? [.init(topic: lockTopics.availability)] : [], components: components)
    }
}
