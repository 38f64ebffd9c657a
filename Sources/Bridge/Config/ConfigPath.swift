/// Where a value sits in the configuration tree.
struct ConfigPath: Hashable, Sendable, CustomStringConvertible {
    enum Element: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    static let root = ConfigPath(elements: [])

    var elements: [Element]

    func appending(_ key: String) -> ConfigPath { ConfigPath(elements: elements + [.key(key)]) }
    func appending(index: Int) -> ConfigPath { ConfigPath(elements: elements + [.index(index)]) }

    /// The key names, or nil when the path goes through a list (no env override reaches there).
    var keys: [String]? {
        var keys: [String] = []
        for element in elements {
            guard case .key(let key) = element else { return nil }
            keys.append(key)
        }
        return keys
    }

    /// `adapters.ozlocks.locks[1].room`.
    var description: String {
        var text = ""
        for element in elements {
            switch element {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}
