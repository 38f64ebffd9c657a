import Foundation

/// Loads Gatehouse's configuration: the YAML file (optional), `${…}` substitution and
/// `GATEHOUSE_*` overrides from the given environment (see `ConfigEnvironmentOverrides` for
/// precedence), then the core's validation.
public enum ConfigLoader {
    /// Loads the file at `path`, or only defaults and overrides when `path` is nil.
    public static func load(path: String?, environment: [String: String]) -> ConfigLoadResult {
        guard let path else { return decode(root: nil, environment: environment, fileProblem: nil) }
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return load(yaml: text, environment: environment)
        } catch {
            let message =
                FileManager.default.fileExists(atPath: path)
                ? "cannot read config file \(path) (is it a UTF-8 file?)"
                : "config file \(path) not found"
            return decode(root: nil, environment: environment, fileProblem: ConfigProblem(path: "", message: message))
        }
    }

    /// Loads configuration from YAML text.
    public static func load(yaml: String, environment: [String: String]) -> ConfigLoadResult {
        switch ConfigYAML.parse(yaml) {
        case .failure(let problem):
            return decode(root: nil, environment: environment, fileProblem: problem)
        case .success(let root?) where !isMapping(root):
            let problem = ConfigProblem(path: "", line: root.line, message: "expected a mapping at the top level")
            return decode(root: nil, environment: environment, fileProblem: problem)
        case .success(let root):
            return decode(root: root, environment: environment, fileProblem: nil)
        }
    }

    private static func decode(
        root: ConfigNode?, environment: [String: String], fileProblem: ConfigProblem?
    ) -> ConfigLoadResult {
        let log = ConfigProblemLog()
        if let fileProblem { log.report(fileProblem) }
        let section = ConfigSection(root: root, environment: environment, problems: log)
        let config = GatehouseConfig(from: section)
        section.finish()
        return ConfigLoadResult(bestEffort: config, root: section, valid: !log.hasErrors)
    }

    private static func isMapping(_ node: ConfigNode) -> Bool {
        if case .mapping = node { return true }
        return false
    }
}

/// What `ConfigLoader` found: the configuration when it is usable, and every problem.
public struct ConfigLoadResult: Sendable {
    /// The configuration, or nil when the core found errors.
    public let config: GatehouseConfig?
    /// The configuration with defaults wherever the file was wrong, so `check-config` can go on
    /// to check the adapters' sections; never run with it when `config` is nil.
    public let bestEffort: GatehouseConfig
    let root: ConfigSection

    init(bestEffort: GatehouseConfig, root: ConfigSection, valid: Bool) {
        self.config = valid ? bestEffort : nil
        self.bestEffort = bestEffort
        self.root = root
    }

    /// The shared log: adapters reading their sections later add to it.
    public var problemLog: ConfigProblemLog { root.problemLog }
    /// Every problem found so far, the adapters' included once they have read their sections.
    public var problems: [ConfigProblem] { problemLog.problems }
    /// Whether any problem found so far is an error.
    public var hasErrors: Bool { problemLog.hasErrors }

    /// `GATEHOUSE_*` variables in the environment that no read used (as an override or in
    /// `${…}`), probably misspelt. Meaningful once every adapter has read its section.
    public func unusedOverrides(ignoring ignored: Set<String> = []) -> [String] {
        let used = root.context.usage.environmentNamesUsed
        return root.context.environment.keys
            .filter { $0.hasPrefix(ConfigEnvironmentOverrides.prefix) && !used.contains($0) && !ignored.contains($0) }
            .sorted()
    }
}
