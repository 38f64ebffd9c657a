/// `GATEHOUSE_<PATH>` environment variables that override configuration keys.
///
/// Precedence, highest first: an environment override, then the file's value (after `${…}`
/// substitution), then the built-in default. An override applies also when the file lacks the
/// key or the whole file is absent. Override values are taken literally (no `${…}`); lists are
/// comma-separated. Keys inside lists (`locks[0].room`) cannot be overridden.
public enum ConfigEnvironmentOverrides {
    /// Prefix of every override variable.
    public static let prefix = "GATEHOUSE_"

    /// The variables that override a key path, preferred first: each level upper-cased, and a
    /// camelCase level both split and joined, so `mqtt.baseTopic` is `GATEHOUSE_MQTT_BASE_TOPIC`
    /// or `GATEHOUSE_MQTT_BASETOPIC`.
    public static func names(forPath path: String) -> [String] {
        names(forKeys: path.split(separator: ".").map(String.init))
    }

    static func names(forKeys keys: [String]) -> [String] {
        keys.reduce([prefix.dropLast()].map(String.init)) { names, key in
            let spellings = variants(of: key)
            return names.flatMap { name in spellings.map { "\(name)_\($0)" } }
        }
    }

    /// The first override that is set for `path`.
    static func lookup(_ path: ConfigPath, in environment: [String: String]) -> (name: String, value: String)? {
        guard let keys = path.keys, !keys.isEmpty else { return nil }
        for name in names(forKeys: keys) {
            if let value = environment[name] { return (name, value) }
        }
        return nil
    }

    private static func variants(of key: String) -> [String] {
        var split = ""
        var previous: Character?
        for character in key {
            if character.isUppercase, let previous, previous.isLowercase || previous.isNumber {
                split.append("_")
            }
            split.append(character.isASCII && (character.isLetter || character.isNumber) ? character : "_")
            previous = character
        }
        let joined = key.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" }
        let spellings = [split.uppercased(), String(joined).uppercased()]
        return spellings[0] == spellings[1] ? [spellings[0]] : spellings
    }
}
