import Foundation

public enum MQTTProtocolVersion: String, Sendable {
    case v5 = "5"
    case v311 = "3.1.1"
}

public struct MQTTTLSOptions: Sendable {
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    /// Turns off every check of the broker's certificate (issuer, expiry, host name): the link is
    /// encrypted but anyone on the path can pose as the broker. Development brokers only.
    public var insecure: Bool
    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, insecure: Bool = false) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.insecure = insecure
    }
}

public struct MQTTWill: Sendable {
    public var topic: String
    public var payload: Data
    public var qos: MQTTQoS
    public var retain: Bool
    public init(topic: String, payload: Data, qos: MQTTQoS = .atLeastOnce, retain: Bool = true) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }
}

/// Everything needed to open and keep an MQTT connection.
public struct MQTTOptions: Sendable {
    public var host: String
    public var port: Int
    public var tls: MQTTTLSOptions?
    public var username: String?
    public var password: String?
    public var clientID: String
    public var protocolVersion: MQTTProtocolVersion
    public var keepAlive: Duration
    public var cleanStart: Bool
    /// MQTT 5 Session Expiry Interval; 0 ends the session with the connection.
    public var sessionExpiry: Duration
    public var will: MQTTWill?
    public var reconnectMinDelay: Duration
    public var reconnectMaxDelay: Duration
    /// Largest packet we accept (sent as MQTT 5 Maximum Packet Size).
    public var maxPacketSize: Int
    /// Messages held between libmosquitto's thread and Swift before back-pressure starts.
    public var inboundCapacity: Int

    public init(
        host: String = "127.0.0.1", port: Int = 1883, tls: MQTTTLSOptions? = nil,
        username: String? = nil, password: String? = nil, clientID: String,
        protocolVersion: MQTTProtocolVersion = .v5, keepAlive: Duration = .seconds(30),
        cleanStart: Bool = true, sessionExpiry: Duration = .zero, will: MQTTWill? = nil,
        reconnectMinDelay: Duration = .seconds(1), reconnectMaxDelay: Duration = .seconds(30),
        maxPacketSize: Int = 4_194_304, inboundCapacity: Int = 10_000
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.username = username
        self.password = password
        self.clientID = clientID
        self.protocolVersion = protocolVersion
        self.keepAlive = keepAlive
        self.cleanStart = cleanStart
        self.sessionExpiry = sessionExpiry
        self.will = will
        self.reconnectMinDelay = reconnectMinDelay
        self.reconnectMaxDelay = reconnectMaxDelay
        self.maxPacketSize = maxPacketSize
        self.inboundCapacity = inboundCapacity
    }

    /// Parses `mqtt://host:port` or `mqtts://host:port` into host, port and TLS on/off.
    public static func endpoint(fromURL url: String) -> (host: String, port: Int, tls: Bool)? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { return nil }
        switch scheme {
        case "mqtt", "tcp": return (host, components.port ?? 1883, false)
        case "mqtts", "ssl", "tls": return (host, components.port ?? 8883, true)
        default: return nil
        }
    }
}

extension Duration {
    /// Whole seconds, rounded down, for C APIs that take integers.
    var wholeSeconds: Int { Int(components.seconds) }
}
