import Foundation

extension GatehouseConfig {
    /// Reads every core key from the root section, reporting problems to its log and keeping
    /// defaults where a value is missing or wrong. Adapter sections are handed over unread but
    /// for `enabled`. Call `root.finish()` afterwards to report unknown keys.
    public init(from root: ConfigSection) {
        self.init()
        if let found = root.typed("instance", expected: "a string", { $0 }) {
            if found.value.range(of: "^[A-Za-z0-9_-]+$", options: .regularExpression) != nil {
                instance = found.value
            } else {
                root.report("must be letters, digits, _ or -; got \(found.found.quoted)", found.found)
            }
        }
        site = SiteSettings(from: root.section("site"))
        mqtt = MQTTSettings(from: root.section("mqtt"), instance: instance)
        store.path = root.section("store").string("path", default: store.path)
        http = HTTPSettings(from: root.section("http"))
        homeAssistant = HomeAssistantSettings(from: root.section("homeassistant"))
        requests = RequestSettings(from: root.section("requests"))
        health.interval = root.section("health").duration(
            "interval", default: health.interval, range: .seconds(1)...(.seconds(86_400)))
        log.level = root.section("log").enumValue("level", default: log.level)
        decodeAdapters(root.section("adapters"))
    }

    /// Every section under `adapters`, and every adapter the environment alone enables
    /// (`GATEHOUSE_ADAPTERS_FIAS_ENABLED=true`), is handed over unread but for `enabled`.
    private mutating func decodeAdapters(_ adapters: ConfigSection) {
        let prefix = ConfigEnvironmentOverrides.prefix + "ADAPTERS_"
        let fromEnvironment = adapters.context.environment.keys.compactMap { name -> String? in
            guard name.hasPrefix(prefix), name.hasSuffix("_ENABLED") else { return nil }
            let adapter = name.dropFirst(prefix.count).dropLast("_ENABLED".count)
            return adapter.isEmpty || adapter.contains("_") ? nil : adapter.lowercased()
        }
        for name in Set(adapters.keys + fromEnvironment).sorted() {
            let section = adapters.handOver(name)
            // A section in the file means enabled unless it says otherwise.
            let enabled = section.bool("enabled", default: section.isPresent)
            if section.isPresent || enabled { adapterSections[name] = section }
            if enabled { enabledAdapters.append(name) }
        }
    }
}

extension GatehouseConfig.SiteSettings {
    init(from section: ConfigSection) {
        self.init()
        timeZone = section.timeZone("timeZone", default: timeZone)
    }
}

extension GatehouseConfig.HTTPSettings {
    init(from section: ConfigSection) {
        self.init()
        listener = section.listener(default: listen)
        apiKey = section.secret("apiKey")
        if apiKey?.isBlank == true {
            section.report("must not be empty (leave it out to turn API keys off)", key: "apiKey")
            apiKey = nil
        }
        imagesRequireKey = section.bool("imagesRequireKey", default: imagesRequireKey)
        if listener.isExposed, apiKey == nil {
            section.report(
                "listens on \(listen.host), beyond loopback, without apiKey: /metrics and the console are open to the network",
                key: "apiKey", severity: .warning)
        }
        if imagesRequireKey, apiKey == nil {
            section.report("needs http.apiKey: without a key there is nothing to require", key: "imagesRequireKey")
        }
    }
}

extension GatehouseConfig.HomeAssistantSettings {
    init(from section: ConfigSection) {
        self.init()
        enabled = section.bool("enabled", default: enabled)
        supportUrl = section.string("supportUrl", default: supportUrl)
        if let found = section.typed("prefix", expected: "a string", { $0 }) {
            if let problem = GatehouseConfig.topicProblem(found.value) {
                section.report(problem, found.found)
            } else {
                prefix = found.value
            }
        }
    }
}

extension GatehouseConfig.RequestSettings {
    init(from section: ConfigSection) {
        self.init()
        let day = Duration.seconds(86_400)
        lifetime = section.duration("lifetime", default: lifetime, range: .milliseconds(100)...day)
        handlerTimeout = section.duration("handlerTimeout", default: handlerTimeout, range: .milliseconds(100)...day)
        maxPayloadBytes = section.int("maxPayloadBytes", default: maxPayloadBytes, range: 64...268_435_455)
        maxInFlight = section.int("maxInFlight", default: maxInFlight, range: 1...1_000_000)
        journalRetention = section.duration("journalRetention", default: journalRetention, range: .zero...(day * 365))
        if handlerTimeout > lifetime {
            section.report(
                "is longer than requests.lifetime, so a slow handler's answer arrives after the request expired",
                key: "handlerTimeout", severity: .warning)
        }
    }
}

extension GatehouseConfig {
    /// Why `topic` cannot be a base topic or prefix, or nil when it can.
    static func topicProblem(_ topic: String) -> String? {
        if topic.isEmpty { return "must not be empty" }
        if topic.contains(where: { "+#\0".contains($0) }) { return "must not contain +, # or NUL" }
        if topic.hasPrefix("$") { return "must not start with $" }
        if topic.hasPrefix("/") || topic.hasSuffix("/") { return "must not start or end with /" }
        return nil
    }
}
