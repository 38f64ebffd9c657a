import Foundation

/// A scalar value found for a key, with where it came from.
struct ConfigScalarValue {
    var text: String
    var path: ConfigPath
    var line: Int?
    /// The override variable, when the value came from the environment.
    var source: String?
    /// How a problem message may quote the value: substituted values are quoted as the file
    /// wrote them (`${PORT}`), since the variable might hold something secret.
    var quoted: String
    /// Whether a `${…}` variable went into the text.
    var fromVariable = false

    /// How a problem may show the converted value: as the file wrote it when a variable went in.
    func shown(_ value: some CustomStringConvertible) -> String {
        fromVariable ? quoted : value.description
    }
}

enum ConfigLookup {
    case absent
    case scalar(ConfigScalarValue)
    /// A list or mapping where a scalar was expected.
    case structured(ConfigNode)
    /// Unusable, and the problem is already reported (e.g. an unset `${VAR}`).
    case failed
}

extension ConfigSection {
    /// Finds `key`'s value: an environment override first, then the file's, with `${…}` resolved.
    func lookup(_ key: String) -> ConfigLookup {
        let path = location.appending(key)
        context.usage.record(.read, key: key, in: location)
        if let override = ConfigEnvironmentOverrides.lookup(path, in: context.environment) {
            context.usage.noteEnvironment(override.name)
            return .scalar(
                ConfigScalarValue(
                    text: override.value, path: path, source: override.name, quoted: quote(override.value)))
        }
        switch node?.entry(key)?.value {
        case nil, .null: return .absent
        case .scalar(let text, let line): return resolve(text, path: path, line: line)
        case let structured?: return .structured(structured)
        }
    }

    /// Applies `${…}` substitution to a scalar written in the file.
    func resolve(_ text: String, path: ConfigPath, line: Int?) -> ConfigLookup {
        for name in ConfigSubstitution.references(in: text) { context.usage.noteEnvironment(name) }
        switch ConfigSubstitution.apply(text, environment: context.environment) {
        case .text(let resolved, let substituted):
            return .scalar(
                ConfigScalarValue(
                    text: resolved, path: path, line: line, quoted: quote(substituted ? text : resolved),
                    fromVariable: substituted))
        case .missing(let names):
            for name in names {
                report("environment variable \(name) is not set", at: path, line: line)
            }
            return .failed
        case .malformed(let message):
            report(message, at: path, line: line)
            return .failed
        }
    }

    /// Reads `key` as a scalar and converts it; reports a mismatch as `expected <what>`, echoing
    /// the value unless it is secret.
    func typed<T>(
        _ key: String, expected: String, secret: Bool = false, _ convert: (String) -> T?
    ) -> (value: T, found: ConfigScalarValue)? {
        switch lookup(key) {
        case .absent, .failed:
            return nil
        case .structured(let node):
            report("expected \(expected); got \(node.kindName)", at: location.appending(key), line: node.line)
            return nil
        case .scalar(let found):
            if let value = convert(found.text) { return (value, found) }
            report(secret ? "expected \(expected)" : "expected \(expected); got \(found.quoted)", found)
            return nil
        }
    }

    func report(_ message: String, _ found: ConfigScalarValue, severity: ConfigProblem.Severity = .error) {
        report(message, at: found.path, line: found.line, source: found.source, severity: severity)
    }

    private func quote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
