import Foundation

extension ConfigSection {
    /// A string; `default` when absent or null.
    public func string(_ key: String, default defaultValue: String) -> String {
        optionalString(key) ?? defaultValue
    }

    /// A string, or nil when absent or null.
    public func optionalString(_ key: String) -> String? {
        typed(key, expected: "a string") { $0 }?.value
    }

    /// A string the configuration must give; reports `missing required key` and returns "".
    public func requiredString(_ key: String) -> String {
        if let value = optionalString(key) { return value }
        reportMissing(key)
        return ""
    }

    /// An integer (`1_048_576` allowed), checked against `range` when given.
    public func int(_ key: String, default defaultValue: Int, range: ClosedRange<Int>? = nil) -> Int {
        let parse = { (text: String) in Int(text.replacingOccurrences(of: "_", with: "")) }
        guard let (value, found) = typed(key, expected: "an integer", parse) else { return defaultValue }
        if let range, !range.contains(value) {
            report("must be between \(range.lowerBound) and \(range.upperBound); got \(found.shown(value))", found)
            return defaultValue
        }
        return value
    }

    /// A boolean: true/false, yes/no or on/off, in any case.
    public func bool(_ key: String, default defaultValue: Bool) -> Bool {
        typed(key, expected: "true or false") { text in
            switch text.lowercased() {
            case "true", "yes", "on": true
            case "false", "no", "off": false
            default: nil
            }
        }?.value ?? defaultValue
    }

    /// A floating-point number, checked against `range` when given.
    public func double(_ key: String, default defaultValue: Double, range: ClosedRange<Double>? = nil) -> Double {
        guard let (value, found) = typed(key, expected: "a number", { Double($0).flatMap { $0.isFinite ? $0 : nil } })
        else { return defaultValue }
        if let range, !range.contains(value) {
            report("must be between \(range.lowerBound) and \(range.upperBound); got \(found.shown(value))", found)
            return defaultValue
        }
        return value
    }

    /// A duration such as `250ms`, `60s`, `5m`, `1h`, `1d`, or a bare number of seconds.
    public func duration(
        _ key: String, default defaultValue: Duration, range: ClosedRange<Duration>? = nil
    ) -> Duration {
        guard
            let (value, found) = typed(
                key, expected: "a duration like 250ms, 60s, 5m, 1h or 1d", ConfigDuration.parse)
        else { return defaultValue }
        if let range, !range.contains(value) {
            let (low, high) = (ConfigDuration.format(range.lowerBound), ConfigDuration.format(range.upperBound))
            report("must be between \(low) and \(high); got \(found.shown(ConfigDuration.format(value)))", found)
            return defaultValue
        }
        return value
    }

    /// A secret, or nil when absent or null. Problems about it never quote the value.
    public func secret(_ key: String) -> Secret? {
        typed(key, expected: "a string", secret: true) { Secret($0) }?.value
    }

    /// A secret the configuration must give; reports `missing required key` and returns an empty
    /// one. An empty or blank value is reported too (`${VAR}` with VAR set but empty): a blank
    /// key, password or signing secret would switch authentication off.
    public func requiredSecret(_ key: String) -> Secret {
        if let value = secret(key) {
            if value.isBlank { report("must not be empty: a blank secret would switch authentication off", key: key) }
            return value
        }
        reportMissing(key)
        return Secret("")
    }

    /// One of an enumeration's raw values (exact, else ignoring case).
    public func enumValue<E: RawRepresentable & CaseIterable>(_ key: String, default defaultValue: E) -> E
    where E.RawValue == String {
        let choices = E.allCases.map(\.rawValue).joined(separator: ", ")
        return typed(key, expected: "one of \(choices)") { text in
            E(rawValue: text) ?? E.allCases.first { $0.rawValue.lowercased() == text.lowercased() }
        }?.value ?? defaultValue
    }

    /// A `host:port` or `[ipv6]:port` address, or nil when the key is absent.
    public func optionalHostPort(_ key: String) -> ConfigHostPort? {
        typed(key, expected: "host:port", ConfigHostPort.init(parsing:))?.value
    }

    /// An IANA time zone such as `Europe/Moscow`; an unknown one is reported.
    public func timeZone(_ key: String, default defaultValue: TimeZone) -> TimeZone {
        typed(key, expected: "a time zone identifier like Europe/Moscow", TimeZone.init(identifier:))?.value ?? defaultValue
    }

    /// A `host:port` or `[ipv6]:port` address.
    public func hostPort(_ key: String, default defaultValue: ConfigHostPort) -> ConfigHostPort {
        typed(key, expected: "host:port", ConfigHostPort.init(parsing:))?.value ?? defaultValue
    }

    /// Reports a required key as missing, unless reading it already reported something.
    private func reportMissing(_ key: String) {
        let path = location.appending(key)
        guard !context.problems.problems.contains(where: { $0.path == path.description }) else { return }
        // The section's line points at the mapping that lacks the key; the root has no such line.
        report("missing required key", at: path, line: location.elements.isEmpty ? nil : line)
    }
}
