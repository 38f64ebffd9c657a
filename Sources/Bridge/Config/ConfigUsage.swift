import Foundation

/// How a reader used a key, strongest last: `finish()` skips read keys, descends into opened
/// sections, and leaves handed-over sections to their new reader.
enum ConfigKeyUse: Int, Sendable, Comparable {
    case read, opened, handedOver

    static func < (a: ConfigKeyUse, b: ConfigKeyUse) -> Bool { a.rawValue < b.rawValue }
}

/// The record of which keys and environment variables the readers of one configuration used.
final class ConfigUsage: @unchecked Sendable {
    // @unchecked: all three stored dictionaries/sets are accessed only while holding `lock`.
    private let lock = NSLock()
    private var uses: [ConfigPath: ConfigKeyUse] = [:]
    private var keysByParent: [ConfigPath: Set<String>] = [:]
    private var environmentNames: Set<String> = []

    func record(_ use: ConfigKeyUse, key: String, in parent: ConfigPath) {
        let path = parent.appending(key)
        lock.withLock {
            uses[path] = max(uses[path] ?? use, use)
            keysByParent[parent, default: []].insert(key)
        }
    }

    func use(of path: ConfigPath) -> ConfigKeyUse? {
        lock.withLock { uses[path] }
    }

    /// Every key some reader asked for under `parent`, whether or not the file has it.
    func keysAsked(in parent: ConfigPath) -> Set<String> {
        lock.withLock { keysByParent[parent] ?? [] }
    }

    func noteEnvironment(_ name: String) {
        _ = lock.withLock { environmentNames.insert(name) }
    }

    var environmentNamesUsed: Set<String> { lock.withLock { environmentNames } }
}

/// What every section of one configuration shares.
final class ConfigReadContext: Sendable {
    let environment: [String: String]
    let problems: ConfigProblemLog
    let usage = ConfigUsage()

    init(environment: [String: String], problems: ConfigProblemLog) {
        self.environment = environment
        self.problems = problems
    }
}
