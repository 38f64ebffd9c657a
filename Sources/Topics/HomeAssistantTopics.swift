/// Home Assistant MQTT discovery topics (device-based discovery).
public struct HomeAssistantTopics: Hashable, Sendable {
    /// The discovery prefix, `homeassistant` unless configured.
    public let prefix: String

    /// Topics under `prefix`.
    public init(prefix: String = "homeassistant") {
        self.prefix = prefix
    }

    /// `<prefix>/status`: Home Assistant's birth/will; `online` asks for discovery to be republished.
    public var status: String { "\(prefix)/status" }

    /// `<prefix>/device/gatehouse_<instance>_<kind>_<id>/config` (R).
    public func deviceConfig(instance: String, kind: String, id: String) -> String {
        "\(prefix)/device/\(Self.objectID(instance: instance, kind: kind, id: id))/config"
    }

    /// What every discovery topic of `instance` starts with: `<prefix>/device/gatehouse_<instance>_`.
    public func deviceConfigPrefix(instance: String) -> String {
        "\(prefix)/device/gatehouse_\(Self.sanitised(instance))_"
    }

    /// The kind of one of `instance`'s discovery topics (kinds hold no `_`), or nil for any other topic.
    public func kind(ofDeviceConfig topic: String, instance: String) -> String? {
        let start = deviceConfigPrefix(instance: instance)
        guard topic.hasPrefix(start), topic.hasSuffix("/config") else { return nil }
        let rest = topic.dropFirst(start.count)
        guard let end = rest.firstIndex(of: "_") else { return nil }
        return String(rest[..<end])
    }

    /// `gatehouse_<instance>_<kind>_<id>`, each part restricted to `[a-zA-Z0-9_-]`; also usable as
    /// a `unique_id`.
    public static func objectID(instance: String, kind: String, id: String) -> String {
        "gatehouse_\(sanitised(instance))_\(sanitised(kind))_\(sanitised(id))"
    }

    /// Other characters become `_`; when any was replaced, a hash of the original is appended so
    /// that ids differing only there (Cyrillic room names) stay distinct.
    static func sanitised(_ part: String) -> String {
        var lossy = false
        let kept = part.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-":
                return Character(scalar)
            default:
                lossy = true
                return "_"
            }
        }
        guard lossy else { return part }
        return String(kept) + "_" + fnv1a(part)
    }

    /// FNV-1a, 32 bits, as 8 hex digits: stable across runs and platforms, unlike `hashValue`.
    private static func fnv1a(_ text: String) -> String {
        var hash: UInt32 = 0x811C_9DC5
        for byte in text.utf8 {
            hash = (hash ^ UInt32(byte)) &* 0x0100_0193
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
