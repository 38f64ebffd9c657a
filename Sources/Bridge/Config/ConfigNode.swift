/// The configuration file as a tree that remembers lines. Scalars keep their text as written:
/// `${…}` substitution and typing happen when a key is read, so a value nobody reads (a
/// disabled adapter's) cannot fail.
public indirect enum ConfigNode: Sendable, Equatable {
    case scalar(String, line: Int?)
    /// `null`, `~` or nothing after the colon.
    case null(line: Int?)
    case sequence([ConfigNode], line: Int?)
    case mapping([ConfigEntry], line: Int?)

    /// Parses YAML text; nil for an empty document. The error carries the line.
    public static func parse(yaml: String) throws(ConfigProblem) -> ConfigNode? {
        try ConfigYAML.parse(yaml).get()
    }

    /// Line in the file, 1-based.
    public var line: Int? {
        switch self {
        case .scalar(_, let line), .null(let line), .sequence(_, let line), .mapping(_, let line): line
        }
    }

    /// The entry for `key` when this is a mapping that has it.
    public func entry(_ key: String) -> ConfigEntry? {
        guard case .mapping(let entries, _) = self else { return nil }
        return entries.first { $0.key == key }
    }

    /// "a string", "a list", "a mapping" or "null", for problem messages.
    var kindName: String {
        switch self {
        case .scalar: "a string"
        case .null: "null"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}

/// One `key: value` pair of a mapping, in file order.
public struct ConfigEntry: Sendable, Equatable {
    public var key: String
    /// Line of the key.
    public var line: Int?
    public var value: ConfigNode

    /// Creates an entry.
    public init(key: String, line: Int?, value: ConfigNode) {
        self.key = key
        self.line = line
        self.value = value
    }
}
