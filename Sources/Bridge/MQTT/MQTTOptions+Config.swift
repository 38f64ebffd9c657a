import Foundation
import Topics

extension MQTTOptions {
    /// The connection the config describes, with the bridge's Last Will `{"state":"offline"}`.
    public init(config: GatehouseConfig, topics: TopicTree) {
        let mqtt = config.mqtt
        self.init(
            host: mqtt.host, port: mqtt.port,
            tls: mqtt.usesTLS
                ? MQTTTLSOptions(caFile: mqtt.tls.ca, certFile: mqtt.tls.cert, keyFile: mqtt.tls.key, insecure: mqtt.tls.insecure)
                : nil,
            username: mqtt.username, password: mqtt.password?.reveal(), clientID: mqtt.clientId,
            protocolVersion: mqtt.protocolVersion == .v5 ? .v5 : .v311, keepAlive: mqtt.keepAlive,
            cleanStart: mqtt.cleanStart, sessionExpiry: mqtt.sessionExpiry,
            will: MQTTWill(topic: topics.bridge.state, payload: BridgeStatePayload.offline, qos: .atLeastOnce, retain: true),
            reconnectMinDelay: mqtt.reconnect.minDelay, reconnectMaxDelay: mqtt.reconnect.maxDelay,
            maxPacketSize: mqtt.maxPacketSize, inboundCapacity: mqtt.inboundBuffer)
    }
}

extension MQTTOptions {
    /// The connection that consumes events (`BridgeContext.consume`): client id
    /// `<mqtt.clientId>-intake`, the configured session (persistent by default), no Last Will. Its
    /// own connection, because a store that cannot write must drop it unacknowledged (the broker
    /// keeps the events), which must not take requests and state with it.
    public static func intake(config: GatehouseConfig, topics: TopicTree) -> MQTTOptions {
        var options = MQTTOptions(config: config, topics: topics)
        options.clientID = config.mqtt.clientId + "-intake"
        options.will = nil
        options.inboundCapacity = 64
        return options
    }
}

enum BridgeStatePayload {
    static let online = Data(#"{"state":"online"}"#.utf8)
    static let offline = Data(#"{"state":"offline"}"#.utf8)
}
