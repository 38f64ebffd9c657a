import Foundation

/// MQTT 5 publish properties Gatehouse reads and writes; all optional so 3.1.1 simply leaves them empty.
public struct MQTTProperties: Sendable, Equatable {
    public var responseTopic: String?
    public var correlationData: Data?
    /// Seconds the message stays valid (MQTT 5 Message Expiry Interval).
    public var messageExpiry: UInt32?
    public var contentType: String?
    public var userProperties: [MQTTUserProperty]

    public init(
        responseTopic: String? = nil, correlationData: Data? = nil, messageExpiry: UInt32? = nil,
        contentType: String? = nil, userProperties: [MQTTUserProperty] = []
    ) {
        self.responseTopic = responseTopic
        self.correlationData = correlationData
        self.messageExpiry = messageExpiry
        self.contentType = contentType
        self.userProperties = userProperties
    }

    public var isEmpty: Bool {
        responseTopic == nil && correlationData == nil && messageExpiry == nil && contentType == nil
            && userProperties.isEmpty
    }
}

public struct MQTTUserProperty: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

public enum MQTTQoS: Int32, Sendable, Comparable {
    case atMostOnce = 0, atLeastOnce = 1, exactlyOnce = 2
    public static func < (a: MQTTQoS, b: MQTTQoS) -> Bool { a.rawValue < b.rawValue }
}

/// A message received from the broker, copied out of libmosquitto's callback.
public struct MQTTMessage: Sendable {
    public var topic: String
    public var payload: Data
    public var qos: MQTTQoS
    public var retain: Bool
    public var properties: MQTTProperties
    /// When the bridge received it; the basis for Message Expiry checks.
    public var receivedAt: Date
    /// The payload's size when it was over `mqtt.maxPacketSize`: the payload then holds only what
    /// could be salvaged (`{"uuid":…}` when one was found), so consumers can report it, never act on it.
    public var oversize: Int?

    public init(
        topic: String, payload: Data, qos: MQTTQoS = .atLeastOnce, retain: Bool = false,
        properties: MQTTProperties = MQTTProperties(), receivedAt: Date = Date()
    ) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.properties = properties
        self.receivedAt = receivedAt
    }
}
