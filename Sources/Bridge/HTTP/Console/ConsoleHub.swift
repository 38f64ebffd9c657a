import Foundation
import NIOCore
import Synchronization
import Topics

/// The console's latest-value cache and the browsers watching it, under one lock: a browser that
/// connects gets the snapshot and then every later update, nothing lost or doubled in between.
///
/// Nothing here waits. Each browser has a bounded buffer; one that falls behind (a slow link, a
/// sleeping laptop) is disconnected instead of being waited for, and its EventSource reconnects
/// and starts again from a fresh snapshot. So a browser never slows the console's MQTT reader.
final class ConsoleHub: Sendable {
    /// Topics remembered at most: a client with write access to the base tree could otherwise
    /// grow the cache without end by publishing to made-up room ids.
    static let maxTopics = 10_000
    static let logLines = 50
    /// Frames a browser may be behind (on top of its snapshot) before it is disconnected.
    static let clientBuffer = 256

    typealias Sink = AsyncStream<ByteBuffer>.Continuation

    private struct State {
        var latest: [String: Latest] = [:]
        var log: [ByteBuffer] = []
        var status: ConsoleStatus?
        var statusFrame: ByteBuffer?
        var clients: [UInt64: Sink] = [:]
        var nextID: UInt64 = 0
        var closed = false
    }

    /// A small message is kept as received and rendered only when a browser wants it: at 1,000
    /// recognitions a second nobody may be watching, and rendering each one cost 8 % of the
    /// bridge's CPU. A large one (a picture inside) is kept rendered, without the picture.
    private enum Latest {
        case message(MQTTMessage)
        case frame(ByteBuffer)

        static let keptAsReceived = 2048
    }

    private let state = Mutex(State())
    private let logTopic: String
    private let timeZone: TimeZone

    init(logTopic: String, timeZone: TimeZone) {
        self.logTopic = logTopic
        self.timeZone = timeZone
    }

    var clientCount: Int { state.withLock { $0.clients.count } }

    /// Remembers a message from the console's connection and passes it to every browser.
    func receive(_ message: MQTTMessage) {
        if message.topic == logTopic {
            // Passed on as it is, so it must be a JSON object: anyone allowed to publish there could send junk.
            guard message.payload.count <= ConsoleEvent.maxPayloadBytes, case .object? = try? JSONValue.parse(message.payload)
            else { return }
            let frame = ConsoleEvent.frame("log", json: message.payload)
            publish({ frame }) { state in
                state.log.append(frame)
                if state.log.count > Self.logLines { state.log.removeFirst(state.log.count - Self.logLines) }
                return true
            }
        } else if message.payload.isEmpty {
            publish({ ConsoleEvent.frame("clear", ConsoleEvent.Cleared(topic: message.topic)) }) { state in
                state.latest[message.topic] = nil
                return true
            }
        } else {
            let rendered = message.payload.count > Latest.keptAsReceived ? ConsoleEvent.state(message, timeZone: timeZone) : nil
            publish({ rendered ?? ConsoleEvent.state(message, timeZone: timeZone) }) { state in
                guard state.latest[message.topic] != nil || state.latest.count < Self.maxTopics else { return false }
                state.latest[message.topic] = rendered.map(Latest.frame) ?? .message(message)
                return true
            }
        }
    }

    /// Shows a new status; an unchanged one is not sent again.
    func update(_ status: ConsoleStatus) {
        let frame = ConsoleEvent.frame("status", status)
        publish({ frame }) { state in
            guard state.status != status else { return false }
            state.status = status
            state.statusFrame = frame
            return true
        }
    }

    func heartbeat() { publish({ ConsoleEvent.heartbeat }) { _ in true } }

    /// A new browser: its stream starts with `hello`, then the snapshot, then `ready`, then live
    /// updates. Nil once the console has shut down.
    func attach(hello: ByteBuffer) -> (id: UInt64, frames: AsyncStream<ByteBuffer>)? {
        state.withLock { state in
            guard !state.closed else { return nil }
            var snapshot = [ConsoleEvent.retry, hello]
            for latest in state.latest.values {
                switch latest {
                case .message(let message): snapshot.append(ConsoleEvent.state(message, timeZone: timeZone))
                case .frame(let frame): snapshot.append(frame)
                }
            }
            snapshot.append(contentsOf: state.log)
            if let status = state.statusFrame { snapshot.append(status) }
            snapshot.append(ConsoleEvent.ready)
            let (frames, sink) = AsyncStream.makeStream(
                of: ByteBuffer.self, bufferingPolicy: .bufferingOldest(snapshot.count + Self.clientBuffer))
            for frame in snapshot { sink.yield(frame) }
            let id = state.nextID
            state.nextID += 1
            state.clients[id] = sink
            return (id, frames)
        }
    }

    /// Ends one browser's stream (it left, or the listener is shutting down).
    func detach(_ id: UInt64) {
        state.withLock { $0.clients.removeValue(forKey: id) }?.finish()
    }

    /// Ends every stream and refuses new ones.
    func close() {
        let sinks = state.withLock { state -> [Sink] in
            state.closed = true
            defer { state.clients = [:] }
            return Array(state.clients.values)
        }
        sinks.forEach { $0.finish() }
    }

    /// Applies `change` and, when it returns true, yields the frame `render` makes to every browser
    /// (made only if one is watching), all under the lock so the order of frames is the order of
    /// changes. Streams are finished outside the lock: `finish` runs termination handlers, which
    /// could take the lock again.
    private func publish(_ render: () -> ByteBuffer, _ change: (inout State) -> Bool) {
        let lagging = state.withLock { state -> [Sink] in
            guard change(&state), !state.clients.isEmpty else { return [] }
            let frame = render()
            var lagging: [Sink] = []
            for (id, sink) in state.clients {
                switch sink.yield(frame) {
                case .enqueued: continue
                case .dropped, .terminated: break
                @unknown default: break
                }
                state.clients[id] = nil
                lagging.append(sink)
            }
            return lagging
        }
        lagging.forEach { $0.finish() }
    }
}
