/// One thing Gatehouse announces to Home Assistant with device-based discovery: a lock, a parking
/// place, a gate, a fiscal register or the bridge itself, with its entities.
///
/// Adapters describe what they know in these terms; ``HomeAssistantDevice/config(instance:origin:bridgeState:)``
/// turns it into the retained payload of `homeassistant/device/<object id>/config`.
public struct HomeAssistantDevice: Sendable, Equatable {
    /// `lock`, `place`, `gate`, `register` or `bridge`: a word without `_`, so the kind can be
    /// read back out of an object id.
    public var kind: String
    public var id: String
    public var name: String
    /// The vendor whose adapter serves the device.
    public var manufacturer: String
    /// Lock series, device kind or register model.
    public var model: String
    /// The device's own availability (besides the bridge's): the entities are available only
    /// when every listed topic says so.
    public var availability: [Availability]
    public var components: [Component]

    public init(
        kind: String, id: String, name: String, manufacturer: String, model: String, availability: [Availability] = [],
        components: [Component]
    ) {
        self.kind = kind
        self.id = id
        self.name = name
        self.manufacturer = manufacturer
        self.model = model
        self.availability = availability
        self.components = components
    }

    /// A topic that says whether the device is reachable, and how to read `online`/`offline` out of it.
    public struct Availability: Sendable, Equatable {
        public var topic: String
        public var valueTemplate: String
        public init(topic: String, valueTemplate: String = "{{ value_json.state }}") {
            self.topic = topic
            self.valueTemplate = valueTemplate
        }
    }

    /// One entity: its platform (`lock`, `binary_sensor`, `button`, `sensor`) and its options.
    public struct Component: Sendable, Equatable {
        /// Short and stable (`battery`, `door`): it ends the entity's `unique_id`.
        public var key: String
        public var platform: String
        /// Home Assistant's option names, e.g. `state_topic`, `device_class`.
        public var options: [String: JSONValue]
        public init(key: String, platform: String, options: [String: JSONValue]) {
            self.key = key
            self.platform = platform
            self.options = options
        }
    }

    /// Who publishes the discovery messages (Home Assistant shows it in the device's info).
    public struct Origin: Sendable, Equatable {
        public var name: String
        public var version: String
        public var supportURL: String
        public init(name: String = "Gatehouse", version: String = GatehouseVersion.string, supportURL: String) {
            self.name = name
            self.version = version
            self.supportURL = supportURL
        }
    }

    public func objectID(instance: String) -> String {
        HomeAssistantTopics.objectID(instance: instance, kind: kind, id: id)
    }

    /// The discovery payload. Every device but the bridge names the bridge as `via_device`, and
    /// lists the bridge's state first in `availability`, with `availability_mode: all`.
    public func config(instance: String, origin: Origin, bridgeState: String) -> JSONValue {
        let objectID = objectID(instance: instance)
        let bridgeID = HomeAssistantTopics.objectID(instance: instance, kind: "bridge", id: instance)
        var device: [String: JSONValue] = [
            "identifiers": [.string(objectID)], "name": .string(name), "manufacturer": .string(manufacturer),
            "model": .string(model), "sw_version": .string(origin.version),
        ]
        if kind != "bridge" { device["via_device"] = .string(bridgeID) }
        let topics = [Availability(topic: bridgeState)] + availability
        var components: [String: JSONValue] = [:]
        for component in self.components {
            var options = component.options
            options["platform"] = .string(component.platform)
            options["unique_id"] = .string("\(objectID)_\(component.key)")
            components["\(objectID)_\(component.key)"] = .object(options)
        }
        return [
            "device": .object(device),
            "origin": ["name": .string(origin.name), "sw_version": .string(origin.version), "support_url": .string(origin.supportURL)],
            "availability": .array(topics.map { ["topic": .string($0.topic), "value_template": .string($0.valueTemplate)] }),
            "availability_mode": "all",
            "payload_available": "online",
            "payload_not_available": "offline",
            "qos": 1,
            "components": .object(components),
        ]
    }
}

extension HomeAssistantDevice.Component {
    /// A `binary_sensor` on a JSON state topic; `on` is a Jinja condition over `value_json`,
    /// and a state without the field reads as unknown rather than off.
    public static func binarySensor(
        key: String, name: String?, deviceClass: String, stateTopic: String, field: String, on condition: String
    ) -> Self {
        Self(
            key: key, platform: "binary_sensor",
            options: [
                "name": name.map(JSONValue.string) ?? .null, "device_class": .string(deviceClass), "state_topic": .string(stateTopic),
                "value_template": .string(
                    "{% if value_json.\(field) is defined %}{{ 'ON' if \(condition) else 'OFF' }}{% else %}None{% endif %}"),
            ])
    }

    /// A numeric `sensor` reading one field of a JSON state topic.
    public static func sensor(key: String, name: String, stateTopic: String, field: String, unit: String? = nil, icon: String? = nil)
        -> Self
    {
        var options: [String: JSONValue] = [
            "name": .string(name), "state_topic": .string(stateTopic),
            "value_template": .string("{{ value_json.\(field) if value_json.\(field) is defined else None }}"),
            "state_class": "measurement",
        ]
        if let unit { options["unit_of_measurement"] = .string(unit) }
        if let icon { options["icon"] = .string(icon) }
        return Self(key: key, platform: "sensor", options: options)
    }
}
