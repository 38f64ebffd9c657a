import Foundation
import Logging
import Synchronization

/// A logger whose every line (at trace level and up, metadata included) is kept for inspection,
/// so tests can prove that secrets never reach the logs.
public final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    public init() {}

    public func logger(_ label: String) -> Logger {
        var logger = Logger(label: label) { [self] label in Handler(label: label, sink: self) }
        logger.logLevel = .trace
        return logger
    }

    public var text: String { lines.withLock { $0.joined(separator: "\n") } }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let label: String
        let sink: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            sink.append("\(event.level) \(label) \(event.message) \(merged)")
        }
    }
}
