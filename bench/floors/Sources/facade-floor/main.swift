import AsyncHTTPClient
import CMosquitto
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import Synchronization

// The least a facade must do on the stack the brief mandates, and nothing of Gatehouse's: an HTTP
// request (Hummingbird) becomes an MQTT 5 request with Response Topic and Correlation Data (QoS 1,
// libmosquitto); the same connection receives it, as the adapter does, calls the vendor's
// ReadState (AsyncHTTPClient) and publishes the vendor's bytes back; the waiting HTTP request
// answers with them. No validation, no JSON, no router, no store, no logging: the latency floor
// of the facade round trip (docs/performance.md, "The facade's floor"). Run by gatehouse-bench
// with `--facade-floor <this binary>`.
//
//   facade-floor --broker-port P --upstream http://127.0.0.1:S --upstream-key K --ready-file F
//
// Prints `facade floor listening on http://127.0.0.1:<port>` once subscribed and listening. Same tuning as `gatehouse run`: TCP_NODELAY,
// NIO's event loops as Swift concurrency's executor, `GATEHOUSE_EVENT_LOOPS` of them.

if let loops = ProcessInfo.processInfo.environment["GATEHOUSE_EVENT_LOOPS"].flatMap(Int.init), loops > 0 {
    NIOSingletons.groupLoopCountSuggestion = loops
}
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

func argument(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

guard let brokerPort = argument("--broker-port").flatMap(Int32.init), let upstream = argument("--upstream"),
    let upstreamKey = argument("--upstream-key")
else {
    FileHandle.standardError.write(Data("usage: facade-floor --broker-port P --upstream URL --upstream-key K\n".utf8))
    exit(2)
}

/// libmosquitto's handle. Safe to share: with `mosquitto_loop_start` running, publish and
/// subscribe lock the handle's own mutexes and may be called from any thread.
struct Handle: @unchecked Sendable { let pointer: OpaquePointer }

final class Floor: Sendable {
    let handle: Handle
    let http = HTTPClient(eventLoopGroupProvider: .singleton)
    let upstream: String
    let upstreamKey: String
    let requestFilter: String
    let replyTopic: String
    let waiting = Mutex<[UInt64: CheckedContinuation<ByteBuffer, Never>]>([:])
    let nextCorrelation = Atomic<UInt64>(0)
    let subscribed = Mutex<CheckedContinuation<Void, Never>?>(nil)

    init(handle: Handle, upstream: String, upstreamKey: String) {
        self.handle = handle
        self.upstream = upstream
        self.upstreamKey = upstreamKey
        let base = "facade-floor/\(getpid())"
        requestFilter = base + "/locks/+/request/read-state"
        replyTopic = base + "/clients/floor"
    }

    /// The facade's side: publish the request, wait for the answer on the reply topic.
    func call(room: String, body: ByteBuffer) async -> ByteBuffer {
        let id = nextCorrelation.add(1, ordering: .relaxed).newValue
        let topic = "facade-floor/\(getpid())/locks/\(room)/request/read-state"
        return await withCheckedContinuation { continuation in
            waiting.withLock { $0[id] = continuation }
            publish(topic, body, responseTopic: replyTopic, correlation: id)
        }
    }

    /// The adapter's side: the vendor's ReadState, its bytes published to the Response Topic.
    func serve(_ body: ByteBuffer, responseTopic: String, correlation: UInt64) async {
        var request = HTTPClientRequest(url: upstream + "/ReadState")
        request.method = .GET
        request.headers.add(name: "X-API-Key", value: upstreamKey)
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.body = .bytes(body)
        var answer = ByteBuffer(string: #"{"error":"upstream"}"#)
        if let response = try? await http.execute(request, timeout: .seconds(5)),
            let bytes = try? await response.body.collect(upTo: 1 << 20)
        {
            answer = bytes
        }
        publish(responseTopic, answer, responseTopic: nil, correlation: correlation)
    }

    func publish(_ topic: String, _ payload: ByteBuffer, responseTopic: String?, correlation: UInt64) {
        var properties: OpaquePointer? = nil
        if let responseTopic { mosquitto_property_add_string(&properties, Int32(MQTT_PROP_RESPONSE_TOPIC.rawValue), responseTopic) }
        withUnsafeBytes(of: correlation) { raw in
            _ = mosquitto_property_add_binary(
                &properties, Int32(MQTT_PROP_CORRELATION_DATA.rawValue), raw.baseAddress, UInt16(raw.count))
        }
        payload.withUnsafeReadableBytes { raw in
            _ = mosquitto_publish_v5(
                handle.pointer, nil, topic, Int32(raw.count), raw.baseAddress, 1, false, properties)
        }
        mosquitto_property_free_all(&properties)
    }

    /// On libmosquitto's thread: answers resume the waiting HTTP request, requests start a task.
    func received(_ message: mosquitto_message, _ properties: OpaquePointer?) {
        var correlation: UInt64 = 0
        var value: UnsafeMutableRawPointer? = nil
        var length: UInt16 = 0
        if mosquitto_property_read_binary(
            properties, Int32(MQTT_PROP_CORRELATION_DATA.rawValue), &value, &length, false) != nil, let value
        {
            if length == 8 { correlation = value.loadUnaligned(as: UInt64.self) }
            free(value)
        }
        let payload = ByteBuffer(
            bytes: UnsafeRawBufferPointer(start: message.payload, count: Int(message.payloadlen)))
        let topic = String(cString: message.topic)
        if topic == replyTopic {
            waiting.withLock { $0.removeValue(forKey: correlation) }?.resume(returning: payload)
            return
        }
        var responseTopic: UnsafeMutablePointer<CChar>? = nil
        guard mosquitto_property_read_string(properties, Int32(MQTT_PROP_RESPONSE_TOPIC.rawValue), &responseTopic, false)
            != nil, let responseTopic
        else { return }
        let reply = String(cString: responseTopic)
        free(responseTopic)
        Task { await self.serve(payload, responseTopic: reply, correlation: correlation) }
    }
}

private func floor(_ userdata: UnsafeMutableRawPointer?) -> Floor? {
    userdata.map { Unmanaged<Floor>.fromOpaque($0).takeUnretainedValue() }
}

private func onMessage(
    _ handle: OpaquePointer?, _ userdata: UnsafeMutableRawPointer?, _ message: UnsafePointer<mosquitto_message>?,
    _ properties: OpaquePointer?
) {
    guard let message else { return }
    floor(userdata)?.received(message.pointee, properties)
}

private func onConnect(
    _ handle: OpaquePointer?, _ userdata: UnsafeMutableRawPointer?, _ rc: Int32, _ flags: Int32, _ properties: OpaquePointer?
) {
    guard let handle, let floor = floor(userdata), rc == 0 else { return }
    mosquitto_subscribe_v5(handle, nil, floor.requestFilter, 1, 0, nil)
    mosquitto_subscribe_v5(handle, nil, floor.replyTopic, 1, 0, nil)
}

private func onSubscribe(
    _ handle: OpaquePointer?, _ userdata: UnsafeMutableRawPointer?, _ mid: Int32, _ count: Int32,
    _ granted: UnsafePointer<Int32>?, _ properties: OpaquePointer?
) {
    // Two subscriptions; the second SUBACK means both are in place (the broker answers in order).
    guard mid == 2, let floor = floor(userdata) else { return }
    floor.subscribed.withLock { c in
        defer { c = nil }
        return c
    }?.resume()
}

mosquitto_lib_init()
guard let raw = mosquitto_new("facade-floor-\(getpid())", true, nil) else { fatalError("mosquitto_new failed") }
let floorState = Floor(handle: Handle(pointer: raw), upstream: upstream, upstreamKey: upstreamKey)
mosquitto_user_data_set(raw, Unmanaged.passRetained(floorState).toOpaque())
mosquitto_int_option(raw, MOSQ_OPT_PROTOCOL_VERSION, Int32(MQTT_PROTOCOL_V5))
mosquitto_int_option(raw, MOSQ_OPT_TCP_NODELAY, 1)
mosquitto_connect_v5_callback_set(raw, onConnect)
mosquitto_message_v5_callback_set(raw, onMessage)
mosquitto_subscribe_v5_callback_set(raw, onSubscribe)
await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
    floorState.subscribed.withLock { $0 = continuation }
    guard mosquitto_connect_bind_v5(raw, "127.0.0.1", brokerPort, 60, nil, nil) == MOSQ_ERR_SUCCESS.rawValue else {
        fatalError("cannot connect to the broker on port \(brokerPort)")
    }
    mosquitto_loop_start(raw)
}

let router = Router()
router.get("/ReadState") { request, _ -> Response in
    let body = try await request.body.collect(upTo: 1 << 20)
    // The room only names the topic; a real facade parses the JSON (the floor reads digits).
    let room = body.getString(at: body.readerIndex, length: body.readableBytes)?
        .split(separator: "\"").dropFirst(3).first.map(String.init) ?? "0"
    let answer = await floorState.call(room: room, body: body)
    return Response(
        status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: answer))
}
let app = Application(
    router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
    onServerRunning: { channel in
        FileHandle.standardOutput.write(Data("facade floor listening on http://127.0.0.1:\(channel.localAddress?.port ?? 0)\n".utf8))
    },
    logger: { () -> Logger in
        var logger = Logger(label: "facade-floor")
        logger.logLevel = .warning
        return logger
    }())
try await app.runService()
