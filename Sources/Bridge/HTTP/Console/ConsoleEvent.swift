import Foundation
import NIOCore
import Topics

/// Server-Sent Events frames as the console's page receives them on `/console/events`.
///
/// | event | data |
/// |---|---|
/// | `hello` | `{"base","instance","version","requestFilters","requestsEnabled"}`: first on every connection |
/// | `state` | `{"topic","payload"?,"text"?,"retained","receivedAt"}`: a watched topic's latest message |
/// | `clear` | `{"topic"}`: a retained state was removed |
/// | `log` | one `bridge/log` record |
/// | `status` | `ConsoleStatus`: links, outbox depth, failed pushes |
/// | `ready` | `{}`: the snapshot is complete, live updates follow |
enum ConsoleEvent {
    /// The page drops a payload larger than this (a camera's base64 picture, say) for a placeholder.
    static let maxPayloadBytes = 16 * 1024

    static func frame(_ event: String, json: Data) -> ByteBuffer {
        // JSONEncoder's compact output has no raw line breaks, so the data fits one `data:` line.
        var buffer = ByteBuffer()
        buffer.writeString("event: \(event)\ndata: ")
        buffer.writeBytes(json)
        buffer.writeString("\n\n")
        return buffer
    }

    static func frame(_ event: String, _ value: some Encodable) -> ByteBuffer {
        frame(event, json: (try? JSONCoding.encode(value)) ?? Data("{}".utf8))
    }

    /// A comment: keeps proxies from closing a quiet stream, and a write to a browser that left
    /// fails, which ends its stream.
    static let heartbeat = ByteBuffer(string: ": keep-alive\n\n")
    /// How long the browser waits before reconnecting (EventSource does so by itself).
    static let retry = ByteBuffer(string: "retry: 2000\n\n")
    static let ready = frame("ready", json: Data("{}".utf8))

    struct State: Encodable {
        var topic: String
        var payload: JSONValue?
        var text: String?
        var retained: Bool
        var receivedAt: String
    }

    struct Cleared: Encodable {
        var topic: String
    }

    /// A received message as the page sees it: JSON as JSON, anything else as text, pictures left out.
    static func state(_ message: MQTTMessage, timeZone: TimeZone) -> ByteBuffer {
        var state = State(
            topic: message.topic, retained: message.retain,
            receivedAt: Timestamp.rfc3339(message.receivedAt, in: timeZone))
        if message.payload.count > maxPayloadBytes {
            state.payload = .object(["omitted": .string("\(message.payload.count) bytes")])
        } else if let json = try? JSONValue.parse(message.payload) {
            state.payload = withoutPicture(json)
        } else {
            state.text = String(decoding: message.payload, as: UTF8.self)
        }
        return frame("state", state)
    }

    /// Recognitions and places may carry a base64 JPEG in `image`: it is not for the table.
    private static func withoutPicture(_ json: JSONValue) -> JSONValue {
        guard case .object(var members) = json, case .string(let image)? = members["image"] else { return json }
        members["image"] = .string("\(image.utf8.count) characters")
        return .object(members)
    }
}
