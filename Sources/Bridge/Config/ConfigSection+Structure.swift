import Foundation

extension ConfigSection {
    /// The sub-section at `key`; an empty one when absent or null (overrides still apply).
    /// `finish()` on this section also checks the sub-section's keys.
    public func section(_ key: String) -> ConfigSection {
        child(key, use: .opened)
    }

    /// The sub-section at `key`, handed to another reader (an adapter) who reads it and calls
    /// its `finish()`; this section's `finish()` leaves it alone.
    public func handOver(_ key: String) -> ConfigSection {
        child(key, use: .handedOver)
    }

    /// A list of mappings, such as `locks: [ { room: "101", series: WR } ]`; each element's path
    /// is `key[i]`. Elements cannot be overridden from the environment.
    public func sectionList(_ key: String) -> [ConfigSection] {
        context.usage.record(.opened, key: key, in: location)
        let path = location.appending(key)
        switch node?.entry(key)?.value {
        case nil, .null:
            return []
        case .sequence(let items, _):
            return items.enumerated().compactMap { index, item in
                let itemPath = path.appending(index: index)
                switch item {
                case .mapping: return ConfigSection(node: item, location: itemPath, context: context)
                case .null: return ConfigSection(node: nil, location: itemPath, context: context)
                default:
                    report("expected a mapping; got \(item.kindName)", at: itemPath, line: item.line)
                    return nil
                }
            }
        case let other?:
            report("expected a list; got \(other.kindName)", at: path, line: other.line)
            return []
        }
    }

    /// A list of strings; from the environment, comma-separated with blanks trimmed.
    public func stringList(_ key: String, default defaultValue: [String] = []) -> [String] {
        switch lookup(key) {
        case .absent, .failed:
            return defaultValue
        case .scalar(let found) where found.source != nil:
            return found.text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
        case .scalar(let found):
            report("expected a list; got \(found.quoted)", found)
            return defaultValue
        case .structured(let node):
            guard case .sequence(let items, _) = node else {
                report("expected a list; got \(node.kindName)", at: location.appending(key), line: node.line)
                return defaultValue
            }
            return stringItems(items, at: location.appending(key))
        }
    }

    private func stringItems(_ items: [ConfigNode], at path: ConfigPath) -> [String] {
        var strings: [String] = []
        for (index, item) in items.enumerated() {
            let itemPath = path.appending(index: index)
            guard case .scalar(let text, let line) = item else {
                report("expected a string; got \(item.kindName)", at: itemPath, line: item.line)
                continue
            }
            if case .scalar(let found) = resolve(text, path: itemPath, line: line) { strings.append(found.text) }
        }
        return strings
    }

    private func child(_ key: String, use: ConfigKeyUse) -> ConfigSection {
        context.usage.record(use, key: key, in: location)
        let path = location.appending(key)
        let keyLine = node?.entry(key)?.line
        switch node?.entry(key)?.value {
        case let mapping? where isMapping(mapping):
            return ConfigSection(node: mapping, location: path, context: context, keyLine: keyLine)
        case nil:
            return ConfigSection(node: nil, location: path, context: context)
        case .null(let line):
            return ConfigSection(node: .mapping([], line: line), location: path, context: context, keyLine: keyLine)
        case let other?:
            report("expected a mapping; got \(other.kindName)", at: path, line: other.line)
            return ConfigSection(node: nil, location: path, context: context)
        }
    }

    private func isMapping(_ node: ConfigNode) -> Bool {
        if case .mapping = node { return true }
        return false
    }
}
