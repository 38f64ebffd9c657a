import Foundation

extension GatehouseConfig.MQTTSettings {
    init(from section: ConfigSection, instance: String) {
        self.init()
        decodeURL(section)
        protocolVersion = section.enumValue("protocol", default: protocolVersion)
        username = section.optionalString("username")
        password = section.secret("password")
        if username != nil, password?.isBlank == true {
            section.report("must not be empty when mqtt.username is set (leave it out for a broker without passwords)", key: "password")
        }
        clientId = section.string("clientId", default: "gatehouse-\(instance)")
        if clientId.isEmpty { section.report("must not be empty", key: "clientId") }
        if protocolVersion == .v311 && clientId.utf8.count > 23 {
            section.report(
                "is longer than 23 bytes, which MQTT 3.1.1 brokers may refuse", key: "clientId", severity: .warning)
        }
        if let found = section.typed("baseTopic", expected: "a string", { $0 }) {
            if let problem = GatehouseConfig.topicProblem(found.value) {
                section.report(problem, found.found)
            } else {
                baseTopic = found.value
            }
        }
        decodeSharedGroup(section)
        keepAlive = section.duration("keepAlive", default: keepAlive, range: .zero...(.seconds(65_535)))
        cleanStart = section.bool("cleanStart", default: cleanStart)
        sessionExpiry = section.duration(
            "sessionExpiry", default: sessionExpiry, range: .zero...(.seconds(Int64(UInt32.max))))
        if cleanStart || (protocolVersion == .v5 && sessionExpiry == .zero) {
            section.report(
                "the broker keeps nothing for the bridge while it restarts: events field devices publish meanwhile are lost (docs/broker.md, \"Persistent session\")",
                key: cleanStart ? "cleanStart" : "sessionExpiry", severity: .warning)
        }
        maxPacketSize = section.int("maxPacketSize", default: maxPacketSize, range: 1024...268_435_455)
        tls = TLS(from: section.section("tls"), usesTLS: usesTLS)
        reconnect = Reconnect(from: section.section("reconnect"))
        inboundBuffer = section.int("inboundBuffer", default: inboundBuffer, range: 1...10_000_000)
        qos = section.int("qos", default: qos, range: 0...2)
    }

    private mutating func decodeURL(_ section: ConfigSection) {
        guard let (text, found) = section.typed("url", expected: "a string", { $0 }) else { return }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            ["mqtt", "mqtts"].contains(scheme), let rawHost = components.host, !rawHost.isEmpty,
            components.path.isEmpty || components.path == "/", components.query == nil, components.fragment == nil
        else {
            // The text may hold credentials (`mqtt://user:pass@host`): quote it only without them.
            let shown = text.contains("@") ? "" : "; got \(found.quoted)"
            section.report("expected mqtt://host:port or mqtts://host:port\(shown)", found)
            return
        }
        guard components.user == nil && components.password == nil else {
            section.report("must not contain credentials; use mqtt.username and mqtt.password", found)
            return
        }
        let defaultPort = scheme == "mqtts" ? 8883 : 1883
        guard (1...65_535).contains(components.port ?? defaultPort) else {
            section.report("port must be between 1 and 65535; got \(found.quoted)", found)
            return
        }
        url = text
        host = rawHost.hasPrefix("[") ? String(rawHost.dropFirst().dropLast()) : rawHost
        port = components.port ?? defaultPort
        usesTLS = scheme == "mqtts"
    }

    private mutating func decodeSharedGroup(_ section: ConfigSection) {
        guard let found = section.typed("sharedGroup", expected: "a string", { $0 }), !found.value.isEmpty else {
            return
        }
        if found.value.contains(where: { "/+#\0".contains($0) }) {
            section.report("must not contain /, +, # or NUL; got \(found.found.quoted)", found.found)
        } else {
            sharedGroup = found.value
        }
    }
}

extension GatehouseConfig.MQTTSettings.TLS {
    init(from section: ConfigSection, usesTLS: Bool) {
        self.init()
        ca = section.optionalString("ca")
        cert = section.optionalString("cert")
        key = section.optionalString("key")
        insecure = section.bool("insecure", default: insecure)
        if (cert == nil) != (key == nil) {
            section.report("cert and key must be given together", key: cert == nil ? "key" : "cert")
        }
        let configured = ca != nil || cert != nil || key != nil || insecure
        if configured && !usesTLS {
            section.report("is ignored because mqtt.url is not mqtts://", severity: .warning)
        } else if insecure {
            section.report(
                "turns off every check of the broker's certificate (issuer, expiry, host name), so anyone on the path can pose as the broker; use only with development brokers",
                key: "insecure",
                severity: .warning)
        }
    }
}

extension GatehouseConfig.MQTTSettings.Reconnect {
    init(from section: ConfigSection) {
        self.init()
        let hour = Duration.seconds(3600)
        minDelay = section.duration("minDelay", default: minDelay, range: .milliseconds(10)...hour)
        maxDelay = section.duration("maxDelay", default: maxDelay, range: .milliseconds(10)...hour)
        if maxDelay < minDelay {
            section.report("must not be shorter than minDelay", key: "maxDelay")
        }
    }
}
