extension GatehouseConfig {
    /// `mqtt`: the broker connection.
    public struct MQTTSettings: Sendable {
        /// `mqtt://host:port` or `mqtts://host:port`; host, port and `usesTLS` are parsed from it.
        public var url = "mqtt://127.0.0.1:1883"
        public var host = "127.0.0.1"
        public var port = 1883
        public var usesTLS = false
        /// The `protocol` key.
        public var protocolVersion: MQTTProtocol = .v5
        public var username: String?
        public var password: Secret?
        /// Defaults to `gatehouse-<instance>`.
        public var clientId = "gatehouse-gatehouse"
        public var baseTopic = "gatehouse"
        /// When set, request topics are subscribed as `$share/<group>/…`.
        public var sharedGroup: String?
        public var keepAlive: Duration = .seconds(30)
        /// Off by default: the broker keeps the bridge's subscriptions and queues the events field
        /// devices publish while it restarts (docs/broker.md, "Persistent session").
        public var cleanStart = false
        /// MQTT 5 Session Expiry Interval; 0 ends the session with the connection. A day by default,
        /// so a restart or a crash finds the events published meanwhile queued at the broker.
        public var sessionExpiry: Duration = .seconds(86_400)
        public var maxPacketSize = 4_194_304
        public var tls = TLS()
        public var reconnect = Reconnect()
        /// Messages held between the MQTT client thread and Swift before back-pressure.
        public var inboundBuffer = 10_000
        /// Default QoS of publications and subscriptions.
        public var qos = 1
        public init() {}

        /// `mqtt.tls`: used when the url is `mqtts://`.
        public struct TLS: Sendable {
            /// CA bundle file; the system's when nil.
            public var ca: String?
            /// Client certificate and key files, for brokers that authenticate clients by certificate.
            public var cert: String?
            public var key: String?
            /// Turns off every check of the broker's certificate (issuer, expiry, host name), not only
            /// the host name; development brokers only.
            public var insecure = false
            public init() {}
        }

        /// `mqtt.reconnect`: exponential back-off between connection attempts.
        public struct Reconnect: Sendable {
            public var minDelay: Duration = .seconds(1)
            public var maxDelay: Duration = .seconds(30)
            public init() {}
        }
    }

    /// MQTT protocol versions, spelled as in the configuration.
    public enum MQTTProtocol: String, Sendable, CaseIterable {
        case v5 = "5"
        case v311 = "3.1.1"
    }
}
