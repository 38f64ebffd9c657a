import Foundation

/// One thing wrong with the configuration, located by key path and, when known, line or
/// environment variable. Messages never contain secret values.
public struct ConfigProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// Errors stop Gatehouse from starting; warnings are only shown.
    public enum Severity: String, Sendable {
        case error, warning
    }

    /// Dotted key path such as `mqtt.protocol` or `adapters.ozlocks.locks[1].room`; empty for
    /// problems with the file as a whole.
    public var path: String
    /// Line in the YAML file, 1-based.
    public var line: Int?
    /// The environment variable the offending value came from, when it was an override.
    public var source: String?
    public var message: String
    public var severity: Severity

    /// Creates a problem.
    public init(
        path: String, line: Int? = nil, source: String? = nil, message: String, severity: Severity = .error
    ) {
        self.path = path
        self.line = line
        self.source = source
        self.message = message
        self.severity = severity
    }

    /// `mqtt.protocol (line 4): expected one of 5, 3.1.1; got "six"`.
    public var description: String {
        let location: String?
        switch (line, source) {
        case let (line?, _): location = path.isEmpty ? "line \(line)" : "\(path) (line \(line))"
        case let (nil, source?): location = path.isEmpty ? source : "\(path) (\(source))"
        case (nil, nil): location = path.isEmpty ? nil : path
        }
        return location.map { "\($0): \(message)" } ?? message
    }
}

/// Collects the problems found by every reader of one configuration: the core's and the
/// adapters', which read their sections later.
public final class ConfigProblemLog: @unchecked Sendable {
    // @unchecked: `entries` is the only mutable state and is touched only while holding `lock`.
    private let lock = NSLock()
    private var entries: [ConfigProblem] = []

    /// Creates an empty log.
    public init() {}

    /// Problems in the order found.
    public var problems: [ConfigProblem] { lock.withLock { entries } }

    /// Whether any problem is an error.
    public var hasErrors: Bool { lock.withLock { entries.contains { $0.severity == .error } } }

    /// Adds a problem unless the same one is already there (a key read twice reports once).
    public func report(_ problem: ConfigProblem) {
        lock.withLock {
            if !entries.contains(problem) { entries.append(problem) }
        }
    }
}
