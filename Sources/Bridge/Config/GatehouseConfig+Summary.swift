extension GatehouseConfig {
    /// Non-secret configuration by key path, for `bridge/info`; secrets that are set appear as
    /// `<redacted>`. Adapter settings are the adapters' to publish.
    public func redactedSummary() -> [String: String] {
        let format = ConfigDuration.format
        var summary: [String: String] = [
            "instance": instance,
            "site.timeZone": site.timeZone.identifier,
            "mqtt.url": mqtt.url,
            "mqtt.protocol": mqtt.protocolVersion.rawValue,
            "mqtt.clientId": mqtt.clientId,
            "mqtt.baseTopic": mqtt.baseTopic,
            "mqtt.keepAlive": format(mqtt.keepAlive),
            "mqtt.cleanStart": String(mqtt.cleanStart),
            "mqtt.sessionExpiry": format(mqtt.sessionExpiry),
            "mqtt.maxPacketSize": String(mqtt.maxPacketSize),
            "mqtt.tls.insecure": String(mqtt.tls.insecure),
            "mqtt.reconnect.minDelay": format(mqtt.reconnect.minDelay),
            "mqtt.reconnect.maxDelay": format(mqtt.reconnect.maxDelay),
            "mqtt.inboundBuffer": String(mqtt.inboundBuffer),
            "mqtt.qos": String(mqtt.qos),
            "store.path": store.path,
            "http.listen": http.listen.description,
            "homeassistant.enabled": String(homeAssistant.enabled),
            "homeassistant.prefix": homeAssistant.prefix,
            "requests.lifetime": format(requests.lifetime),
            "requests.handlerTimeout": format(requests.handlerTimeout),
            "requests.maxPayloadBytes": String(requests.maxPayloadBytes),
            "requests.maxInFlight": String(requests.maxInFlight),
            "requests.journalRetention": format(requests.journalRetention),
            "health.interval": format(health.interval),
            "log.level": log.level.rawValue,
            "adapters.enabled": enabledAdapters.joined(separator: ","),
        ]
        let optional: [String: String?] = [
            "mqtt.username": mqtt.username,
            "mqtt.password": mqtt.password?.description,
            "mqtt.sharedGroup": mqtt.sharedGroup,
            "mqtt.tls.ca": mqtt.tls.ca,
            "mqtt.tls.cert": mqtt.tls.cert,
            "mqtt.tls.key": mqtt.tls.key,
            "http.apiKey": http.apiKey?.description,
        ]
        for case let (key, value?) in optional { summary[key] = value }
        return summary
    }
}
