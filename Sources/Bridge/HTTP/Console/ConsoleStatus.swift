import Foundation
import Topics

/// What the console shows besides MQTT states: the bridge's and the console's own broker links,
/// the outbox depth per stream, and the latest failed pushes (dead letters). Read from the store,
/// so it is polled, and only while a browser is watching.
struct ConsoleStatus: Encodable, Equatable {
    struct Link: Encodable, Equatable {
        var connected: Bool
        var reconnects: Int
    }

    struct Depth: Encodable, Equatable {
        var pending: Int
        var failed: Int
    }

    /// A dead letter without its payload: payloads hold plates and guest data the table has no use for.
    struct FailedPush: Encodable, Equatable {
        var id: Int64
        var stream: String
        var key: String
        var attempts: Int
        var lastError: String
        var failedAt: String
    }

    var bridge: Link
    var console: Link
    var outbox: Depth?
    var streams: [String: Depth]
    var failedPushes: [FailedPush]
    /// Why the outbox could not be read (the store is closed or broken).
    var storeError: String?

    static let failedPushesShown = 20

    static func read(context: BridgeContext, console: MQTTClient?) async -> ConsoleStatus {
        var status = ConsoleStatus(
            bridge: Link(connected: context.mqtt.isConnected, reconnects: context.mqtt.reconnectCount),
            console: Link(connected: console?.isConnected ?? false, reconnects: console?.reconnectCount ?? 0),
            outbox: nil, streams: [:], failedPushes: [])
        var deadLetters: [OutboxDeadLetter] = []
        do {
            let outbox = context.store.outbox
            let total = try await outbox.depth()
            status.outbox = Depth(pending: total.pending, failed: total.failed)
            for (stream, depth) in try await outbox.depthByStream() {
                status.streams[stream] = Depth(pending: depth.pending, failed: depth.failed)
                guard depth.failed > 0 else { continue }
                // Dead letters page oldest first: the newest are at the end.
                deadLetters += try await outbox.deadLetters(
                    stream: stream, limit: failedPushesShown, offset: max(0, depth.failed - failedPushesShown))
            }
        } catch {
            status.storeError = "cannot read the outbox: \(error)"
        }
        deadLetters.sort { ($0.failedAt, $0.id) > ($1.failedAt, $1.id) }
        status.failedPushes = deadLetters.prefix(failedPushesShown).map {
            FailedPush(
                id: $0.id, stream: $0.stream, key: $0.key, attempts: $0.attempts,
                lastError: String($0.lastError.prefix(300)), failedAt: Timestamp.rfc3339($0.failedAt, in: context.timeZone))
        }
        return status
    }
}
