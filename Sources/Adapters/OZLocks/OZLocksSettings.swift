import Bridge
import Foundation

/// The `adapters.ozlocks` section.
public struct OZLocksSettings: Sendable {
    public enum Series: String, Sendable, CaseIterable, Codable {
        case h = "H", wr = "WR"
    }

    public struct Lock: Sendable, Equatable {
        public var room: String
        public var series: Series
        public init(room: String, series: Series) {
            self.room = room
            self.series = series
        }
    }

    public struct Facade: Sendable {
        public var listener: ListenerSettings
        public var listen: ConfigHostPort {
            get { listener.listen }
            set { listener.listen = newValue }
        }
        public var apiKeys: [Secret]
        /// The header the PMS sends its key in; nil: the same as the upstream `apiKeyHeader`
        /// (the vendor leaves the name to each installation, so the two may differ).
        public var apiKeyHeader: String?
        /// How long the facade waits for the MQTT answer.
        public var timeout: Duration
        /// An identical change (IssueCard, IssueLockCode, CheckOut, …) POSTed again within this
        /// window (sliding) is answered from the journal, not run again.
        public var duplicateWindow: Duration = .seconds(60)

        public init(listen: ConfigHostPort, apiKeys: [Secret], timeout: Duration = .seconds(30)) {
            listener = ListenerSettings(listen: listen)
            self.apiKeys = apiKeys
            self.timeout = timeout
        }
    }

    public var url = "http://127.0.0.1:8091"
    public var apiKey = Secret("")
    public var apiKeyHeader = "X-API-Key"
    /// One HTTP call; shorter than `requests.handlerTimeout` (checked), so the call ends, one way or
    /// the other, before its requester is told anything.
    public var timeout: Duration = .seconds(6)
    /// Calls that may wait for a card on an encoder (IssueCard, CheckOut, ReadCard, ReadLogLock):
    /// long enough for a clerk to put the card on it.
    public var encoderTimeout: Duration = .seconds(25)
    /// The handler budget of requests that may wait for a card: the call plus a margin.
    public var encoderRequestTimeout: Duration { encoderTimeout + .seconds(2) }
    public var workstation = "GATEHOUSE"
    public var pollInterval: Duration = .seconds(60)
    public var pollConcurrency = 8
    public var pollLogs = true
    /// An unchanged lock state is published again after this, so its `lastSeen` moves; 0 never.
    public var lastSeenRefresh: Duration = .seconds(300)
    /// An encoder operation still running after this shows the encoder `waiting-for-card`.
    public var cardPrompt: Duration = .seconds(1)
    /// Empty: serve every room on the broker, with `defaultSeries`.
    public var locks: [Lock] = []
    public var defaultSeries: Series = .wr
    /// Empty: serve every encoder.
    public var encoders: [String] = []
    public var facade: Facade?

    public init() {}

    /// Reads the section; problems go to the config's problem log with their key paths.
    public init(section: ConfigSection) {
        _ = section.bool("enabled", default: true)
        url = section.string("url", default: url)
        if URL(string: url)?.host == nil { section.report("expected an http:// or https:// URL", key: "url") }
        apiKey = section.requiredSecret("apiKey")
        apiKeyHeader = section.string("apiKeyHeader", default: apiKeyHeader)
        timeout = section.duration("timeout", default: timeout)
        encoderTimeout = section.duration("encoderTimeout", default: encoderTimeout, range: .seconds(1)...(.seconds(600)))
        workstation = section.string("workstation", default: workstation)
        pollInterval = section.duration("pollInterval", default: pollInterval)
        pollConcurrency = section.int("pollConcurrency", default: pollConcurrency, range: 1...256)
        pollLogs = section.bool("pollLogs", default: pollLogs)
        lastSeenRefresh = section.duration("lastSeenRefresh", default: lastSeenRefresh, range: .zero...(.seconds(86_400)))
        cardPrompt = section.duration("cardPrompt", default: cardPrompt, range: .milliseconds(100)...(.seconds(60)))
        defaultSeries = section.enumValue("defaultSeries", default: defaultSeries)
        locks = section.sectionList("locks").map { lock in
            Lock(room: lock.requiredString("room"), series: lock.enumValue("series", default: .wr))
        }
        encoders = section.stringList("encoders")
        let facadeSection = section.section("facade")
        if facadeSection.isPresent {
            let keys = facadeSection.stringList("apiKeys").map(Secret.init)
            if keys.isEmpty { facadeSection.report("at least one API key is required", key: "apiKeys") }
            // `[ "${OZLOCKS_FACADE_KEY}" ]` with the variable empty answered 200 to a request with no key.
            if keys.contains(where: \.isBlank) {
                facadeSection.report("must not contain an empty key: a blank key would let any request in", key: "apiKeys")
            }
            facade = Facade(
                listen: ConfigHostPort(host: "127.0.0.1", port: 8092), apiKeys: keys,
                timeout: facadeSection.duration("timeout", default: .seconds(30)))
            facade?.listener = facadeSection.listener(default: ConfigHostPort(host: "127.0.0.1", port: 8092))
            facade?.apiKeyHeader = facadeSection.optionalString("apiKeyHeader")
            facade?.duplicateWindow = facadeSection.duration(
                "duplicateWindow", default: .seconds(60), range: .zero...(.seconds(86_400)))
        }
    }

    /// The series of a room, or nil when this adapter does not serve it.
    func series(of room: String) -> Series? {
        if locks.isEmpty { return defaultSeries }
        return locks.first { $0.room == room }?.series
    }

    func serves(encoder: String) -> Bool { encoders.isEmpty || encoders.contains(encoder) }
}
