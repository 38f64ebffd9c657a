import Foundation
import Topics

/// Gatehouse's own configuration, decoded from the YAML file and `GATEHOUSE_*` overrides.
/// The defaults run against a local broker with no file at all.
public struct GatehouseConfig: Sendable {
    /// Names this process in the client id and discovery ids; `[A-Za-z0-9_-]+`.
    public var instance = "gatehouse"
    public var site = SiteSettings()
    public var mqtt = MQTTSettings()
    public var store = StoreSettings()
    public var http = HTTPSettings()
    public var homeAssistant = HomeAssistantSettings()
    public var requests = RequestSettings()
    public var health = HealthSettings()
    public var log = LogSettings()
    /// Each adapter section (present in the file, or enabled from the environment), for the
    /// adapter to read and `finish()`. Which names exist is the `Adapters` registry's business: it
    /// reports the unknown ones (`AdapterCatalog.check`).
    public var adapterSections: [String: ConfigSection] = [:]
    /// Adapters whose section exists and whose `enabled` is not false, sorted by name.
    public var enabledAdapters: [String] = []

    /// The defaults.
    public init() {}

    /// The section of adapter `name`, if it is configured.
    public func adapterSection(_ name: String) -> ConfigSection? { adapterSections[name] }

    /// `site`: where the property is.
    public struct SiteSettings: Sendable {
        /// Time zone for vendor formats that carry local time.
        public var timeZone = TimeZone.gmt
        public init() {}
    }

    /// `store`: the SQLite database.
    public struct StoreSettings: Sendable {
        public var path = "./data/gatehouse.sqlite"
        public init() {}
    }

    /// `http`: health, metrics, images and console.
    public struct HTTPSettings: Sendable {
        public var listener = ListenerSettings(listen: ConfigHostPort(host: "127.0.0.1", port: 8080))
        public var listen: ConfigHostPort {
            get { listener.listen }
            set { listener.listen = newValue }
        }
        /// When set, required on every request but `/healthz` (and `/images/…` unless `imagesRequireKey`).
        public var apiKey: Secret?
        /// Plate photos are personal data: with a key set, `/images/…` may require it too.
        public var imagesRequireKey = false
        public init() {}
    }

    /// `homeassistant`: MQTT discovery.
    public struct HomeAssistantSettings: Sendable {
        public var enabled = true
        public var prefix = "homeassistant"
        /// `origin.support_url` of the discovery messages: where an operator finds help.
        public var supportUrl = GatehouseVersion.supportURL
        public init() {}
    }

    /// `requests`: the request/response protocol.
    public struct RequestSettings: Sendable {
        /// How long a request stays answerable (its message expiry and journal wait).
        public var lifetime: Duration = .seconds(30)
        /// How long a handler may take before the requester gets `timeout`.
        /// Between the vendor call it wraps (OZLocks `timeout`, 6 s) and the budget of whoever
        /// waits for the answer (FIAS `answerTimeout` − 1.5 s, the facade's `timeout`): checked by
        /// `AdapterCatalog.check`, so an unknown outcome is reported as one, not as "retry".
        public var handlerTimeout: Duration = .seconds(8)
        public var maxPayloadBytes = 65_536
        /// Requests accepted and not yet answered, across all request topics; beyond it `busy`.
        public var maxInFlight = 1000
        /// How long answered requests are kept to answer retries by transaction.
        public var journalRetention: Duration = .seconds(24 * 3600)
        public init() {}
    }

    /// `health`: the `bridge/health` topic.
    public struct HealthSettings: Sendable {
        public var interval: Duration = .seconds(60)
        public init() {}
    }

    /// `log`.
    public struct LogSettings: Sendable {
        public var level: LogLevel = .info
        public init() {}
    }

    /// Log levels, spelled as swift-log's `Logger.Level` raw values.
    public enum LogLevel: String, Sendable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }
}
