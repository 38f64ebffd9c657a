import Foundation

/// `{"state":"online"|"offline"}`: `bridge/state` and its Last Will; the same shape serves the
/// `…/availability` topics of locks and parking devices.
public struct BridgeState: Codable, Sendable, Hashable {
    public enum State: String, Codable, Sendable, CaseIterable {
        case online, offline
    }

    public var state: State

    /// A payload with the given state.
    public init(_ state: State) {
        self.state = state
    }

    /// `{"state":"online"}`.
    public static let online = BridgeState(.online)
    /// `{"state":"offline"}`.
    public static let offline = BridgeState(.offline)
}

/// `bridge/adapters/<name>` and the per-adapter entries of `bridge/health`.
public struct AdapterStatus: Codable, Sendable, Hashable {
    public enum State: String, Codable, Sendable, CaseIterable {
        case connected, connecting, disconnected, disabled
    }

    public var state: State
    /// RFC 3339 time of the last state change.
    public var since: String
    /// Why, when not connected (e.g. the last upstream error); never a secret.
    public var detail: String?

    /// A status with `since` already formatted.
    public init(state: State, since: String, detail: String? = nil) {
        self.state = state
        self.since = since
        self.detail = detail
    }

    /// A status whose `since` is formatted in the site's time zone.
    public init(state: State, since: Date, in timeZone: TimeZone, detail: String? = nil) {
        self.init(state: state, since: Timestamp.rfc3339(since, in: timeZone), detail: detail)
    }
}

/// A warning or error on `bridge/log`.
public struct LogRecord: Codable, Sendable, Hashable {
    public enum Level: String, Codable, Sendable, CaseIterable {
        case warning, error
    }

    public var level: Level
    /// The adapter concerned; nil for the bridge itself.
    public var adapter: String?
    public var message: String
    /// RFC 3339 time of the event.
    public var at: String

    /// A record with `at` already formatted.
    public init(level: Level, adapter: String? = nil, message: String, at: String) {
        self.level = level
        self.adapter = adapter
        self.message = message
        self.at = at
    }

    /// A record whose `at` is formatted in the site's time zone.
    public init(level: Level, adapter: String? = nil, message: String, at: Date, in timeZone: TimeZone) {
        self.init(level: level, adapter: adapter, message: message, at: Timestamp.rfc3339(at, in: timeZone))
    }
}
