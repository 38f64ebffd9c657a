import Foundation
import Logging
import Synchronization
import Topics

/// Forwards warnings and errors to `gatehouse/bridge/log` while a bridge is running.
///
/// swift-log is bootstrapped once per process, before any bridge exists, so the handler talks to
/// this relay and the bridge attaches its publisher when it starts.
public final class BridgeLogRelay: Sendable {
    public static let shared = BridgeLogRelay()
    /// In a struct: a bare closure as a `Mutex`'s value gains two thunks on every `withLock`
    /// (docs/performance.md, "Closures in a Mutex").
    private struct Sink: Sendable { let publish: @Sendable (LogRecord) -> Void }
    private let sink = Mutex<Sink?>(nil)

    func attach(_ publish: @escaping @Sendable (LogRecord) -> Void) { sink.withLock { $0 = Sink(publish: publish) } }
    func detach() { sink.withLock { $0 = nil } }

    func forward(level: Logger.Level, label: String, message: String) {
        // The MQTT layer's own complaints would loop back through MQTT: keep them local.
        guard level >= .warning, !label.hasPrefix("gatehouse.mqtt"), let publish = sink.withLock({ $0 })?.publish else { return }
        let adapter = label.hasPrefix("gatehouse.adapter.") ? String(label.dropFirst("gatehouse.adapter.".count)) : nil
        publish(LogRecord(level: level >= .error ? .error : .warning, adapter: adapter, message: message, at: Timestamp.rfc3339(Date(), in: .gmt)))
    }
}

/// A log handler that feeds `BridgeLogRelay`; combine it with a console handler via `MultiplexLogHandler`.
public struct BridgeLogRelayHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .warning
    private let label: String

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        BridgeLogRelay.shared.forward(level: event.level, label: label, message: event.message.description)
    }
}
