/// A mapping of the configuration, read key by key. Reads take environment overrides into
/// account, record the key as known, and report problems (with key path and line) to the shared
/// `ConfigProblemLog` instead of throwing, so one pass finds every problem. A key that is absent,
/// null, or wrong yields the default. Call `finish()` when done to report unknown keys.
public struct ConfigSection: Sendable {
    let node: ConfigNode?
    let location: ConfigPath
    let context: ConfigReadContext
    /// Line of the key that introduced this section.
    let keyLine: Int?

    /// A root section over a parsed tree (nil for no file), for tests and tools.
    public init(root: ConfigNode?, environment: [String: String], problems: ConfigProblemLog = ConfigProblemLog()) {
        self.init(node: root, location: .root, context: ConfigReadContext(environment: environment, problems: problems))
    }

    init(node: ConfigNode?, location: ConfigPath, context: ConfigReadContext, keyLine: Int? = nil) {
        self.node = node
        self.location = location
        self.context = context
        self.keyLine = keyLine
    }

    /// Dotted path of this section; empty for the root.
    public var path: String { location.description }
    /// Line where the section starts in the file.
    public var line: Int? { keyLine ?? node?.line }
    /// Whether the file has this section (as a mapping, possibly empty, or null).
    public var isPresent: Bool { node != nil }
    /// The keys the file gives, in file order.
    public var keys: [String] {
        guard case .mapping(let entries, _) = node else { return [] }
        return entries.map(\.key)
    }
    /// Where this configuration's problems go.
    public var problemLog: ConfigProblemLog { context.problems }

    /// Reports a problem found by the caller's own validation, located at `key` (or the section).
    public func report(_ message: String, key: String? = nil, severity: ConfigProblem.Severity = .error) {
        let entry = key.flatMap { node?.entry($0) }
        let source = key.flatMap {
            ConfigEnvironmentOverrides.lookup(location.appending($0), in: context.environment)?.name
        }
        report(
            message, at: key.map(location.appending) ?? location,
            line: source == nil ? (key == nil ? line : entry?.line ?? entry?.value.line) : nil,
            source: source, severity: severity)
    }

    func report(
        _ message: String, at path: ConfigPath, line: Int?, source: String? = nil,
        severity: ConfigProblem.Severity = .error
    ) {
        context.problems.report(
            ConfigProblem(path: path.description, line: line, source: source, message: message, severity: severity))
    }

    /// Reports every key in this section, and in the sections opened from it, that no reader
    /// asked for, suggesting a close known key. Sections handed over are left to their reader.
    public func finish() {
        guard case .mapping(let entries, _) = node else { return }
        let known = context.usage.keysAsked(in: location)
        for entry in entries {
            let path = location.appending(entry.key)
            switch context.usage.use(of: path) {
            case .handedOver, .read:
                continue
            case .opened:
                finishOpened(entry.value, at: path)
            case nil:
                let hint = ConfigKeySuggestion.closest(to: entry.key, among: known).map { " (did you mean \($0)?)" }
                report("unknown key" + (hint ?? ""), at: path, line: entry.line)
            }
        }
    }

    private func finishOpened(_ value: ConfigNode, at path: ConfigPath) {
        switch value {
        case .mapping:
            ConfigSection(node: value, location: path, context: context).finish()
        case .sequence(let items, _):
            for (index, item) in items.enumerated() {
                ConfigSection(node: item, location: path.appending(index: index), context: context).finish()
            }
        case .scalar, .null:
            break
        }
    }
}
