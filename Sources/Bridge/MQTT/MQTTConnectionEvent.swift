/// What the connection did, in the order libmosquitto reported it.
public enum MQTTConnectionEvent: Sendable, Equatable {
    case connected(sessionPresent: Bool)
    /// The broker answered CONNECT with a refusal (bad credentials, not authorised, …).
    case refused(reason: String)
    case disconnected(reason: String)
}

public enum MQTTError: Error, Equatable, CustomStringConvertible {
    case notConnected
    case payloadTooLarge(Int)
    case invalidTopic(String)
    case library(code: Int32, message: String)
    case timeout
    /// TLS cannot be set up: a file named by `mqtt.tls.*` cannot be read, or libmosquitto refused a setting.
    case tls(String)

    public var description: String {
        switch self {
        case .notConnected: "not connected to the broker"
        case .payloadTooLarge(let size): "payload of \(size) bytes exceeds the maximum packet size"
        case .invalidTopic(let topic): "invalid topic '\(topic)'"
        case .library(let code, let message): "libmosquitto error \(code): \(message)"
        case .timeout: "the broker did not acknowledge in time"
        case .tls(let message): "TLS: \(message)"
        }
    }
}
