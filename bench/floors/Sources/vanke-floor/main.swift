import AsyncHTTPClient
import CMosquitto
import Crypto
import Foundation
import GRDB
import NIOCore
import NIOPosix
import Synchronization

// The least a Vanke supplier must do per plate recognition on the stack the brief mandates, and
// nothing of Gatehouse's: the recognition arrives on MQTT (libmosquitto, QoS 1), is stored before
// anything else happens (GRDB, WAL, synchronous = FULL, one transaction per batch of arrivals and
// finished pushes), is pushed to receivePlateNumber with its token (AsyncHTTPClient, MD5 from
// swift-crypto), and the platform's respCode becomes the gate's decision on MQTT. No validation
// beyond what the push needs, no JSON parser, no per-gate order, no retries, no router, no
// logging: the CPU and latency floor of the recognition path (docs/performance.md, "The Vanke
// floor"). Run by gatehouse-bench with `--vanke-floor <this binary>`:
//
//   vanke-floor --broker-port P --base B --lot L --platform URL --app-id A --secret S --store F
//
// Once subscribed it publishes the retained `<base>/bridge/adapters/vanke` `running`, as
// `gatehouse run` does, which is what the bench waits for. Same tuning as `gatehouse run`:
// TCP_NODELAY, NIO's event loops as Swift concurrency's executor.

if let loops = ProcessInfo.processInfo.environment["GATEHOUSE_EVENT_LOOPS"].flatMap(Int.init), loops > 0 {
    NIOSingletons.groupLoopCountSuggestion = loops
}
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

func argument(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

guard let brokerPort = argument("--broker-port").flatMap(Int32.init), let base = argument("--base"),
    let lot = argument("--lot"), let platform = argument("--platform"), let appId = argument("--app-id"),
    let secret = argument("--secret"), let storePath = argument("--store")
else {
    FileHandle.standardError.write(
        Data("usage: vanke-floor --broker-port P --base B --lot L --platform URL --app-id A --secret S --store F\n".utf8))
    exit(2)
}

/// libmosquitto's handle. Safe to share: with `mosquitto_loop_start` running, publish and
/// subscribe lock the handle's own mutexes and may be called from any thread.
struct Handle: @unchecked Sendable { let pointer: OpaquePointer }

struct Recognition: Sendable {
    var gate: String
    var uuid: String
    var plate: String
    var color: String
}

/// What the writer commits next: recognitions to store, finished pushes to delete.
struct Pending {
    var arrivals: [Recognition] = []
    var finished: [String] = []
}

final class Floor: Sendable {
    let handle: Handle
    /// As many connections as `gatehouse run`'s default `pushConcurrency` (AsyncHTTPClient's
    /// default of 8 queues the pushes at 2000/s until they time out).
    let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()
    let store: DatabasePool
    let platform: String
    let appId: String
    let secret: String
    let lot: String
    let filter: String
    let gatesPrefix: String
    let pending = Mutex(Pending())
    let doorbell: AsyncStream<Void>.Continuation
    let rings: AsyncStream<Void>
    let subscribed = Mutex<CheckedContinuation<Void, Never>?>(nil)

    init(handle: Handle, store: DatabasePool, base: String, lot: String, platform: String, appId: String, secret: String) {
        self.handle = handle
        self.store = store
        self.platform = platform
        self.appId = appId
        self.secret = secret
        self.lot = lot
        gatesPrefix = "\(base)/parking/\(lot)/gates/"
        filter = gatesPrefix + "+/recognition"
        (rings, doorbell) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// On libmosquitto's thread: hand the recognition to the writer.
    func received(_ message: mosquitto_message) {
        let topic = String(cString: message.topic)
        guard topic.hasPrefix(gatesPrefix), topic.hasSuffix("/recognition") else { return }
        let gate = String(topic.dropFirst(gatesPrefix.count).dropLast("/recognition".count))
        let payload = String(
            decoding: UnsafeRawBufferPointer(start: message.payload, count: Int(message.payloadlen)), as: UTF8.self)
        guard let uuid = Self.member("uuid", in: payload) else { return }
        let recognition = Recognition(
            gate: gate, uuid: uuid, plate: Self.member("plate", in: payload) ?? "",
            color: Self.member("color", in: payload) ?? "blue")
        pending.withLock { $0.arrivals.append(recognition) }
        doorbell.yield()
    }

    /// One transaction per wake-up: store the arrivals, forget the finished; then push the stored.
    func writer() async {
        for await _ in rings {
            let batch = pending.withLock { state -> Pending in
                defer { state = Pending() }
                return state
            }
            if batch.arrivals.isEmpty && batch.finished.isEmpty { continue }
            do {
                try await store.write { db in
                    let insert = try db.cachedStatement(sql: "INSERT INTO outbox (uuid, gate, plate, color) VALUES (?, ?, ?, ?)")
                    for r in batch.arrivals { try insert.execute(arguments: [r.uuid, r.gate, r.plate, r.color]) }
                    let delete = try db.cachedStatement(sql: "DELETE FROM outbox WHERE uuid = ?")
                    for uuid in batch.finished { try delete.execute(arguments: [uuid]) }
                }
            } catch {
                FileHandle.standardError.write(Data("vanke-floor: store failed: \(error)\n".utf8))
                continue
            }
            for recognition in batch.arrivals {
                Task { await self.push(recognition) }
            }
        }
    }

    func push(_ r: Recognition) async {
        let time = Self.vankeTime()
        let token = Insecure.MD5.hash(data: Data("\(time)&\(appId)&\(secret)".utf8))
            .map { String(format: "%02x", $0) }.joined()
        let body = """
            {"version":"1.0","token":"\(token)","appId":"\(appId)","parkingLotId":"\(lot)","time":"\(time)",\
            "deviceNo":"\(r.gate)","uuid":"\(r.uuid)","recognitionTime":"\(time)","image":"",\
            "plateNumber":"\(r.plate)","color":"\(r.color)"}
            """
        var request = HTTPClientRequest(url: platform + "/receivePlateNumber")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.body = .bytes(ByteBuffer(string: body))
        var open = false
        var by = "auto-release"
        if let response = try? await http.execute(request, timeout: .seconds(5)),
            let bytes = try? await response.body.collect(upTo: 1 << 20)
        {
            let text = String(buffer: bytes)
            by = "platform"
            open = text.contains(#""respCode":"0""#)
        }
        let decision = #"{"uuid":"\#(r.uuid)","open":\#(open),"by":"\#(by)"}"#
        publish(gatesPrefix + r.gate + "/decision", decision, retain: false)
        pending.withLock { $0.finished.append(r.uuid) }
        doorbell.yield()
    }

    func publish(_ topic: String, _ payload: String, retain: Bool) {
        var bytes = Array(payload.utf8)
        _ = mosquitto_publish_v5(handle.pointer, nil, topic, Int32(bytes.count), &bytes, 1, retain, nil)
    }

    /// `"name":"value"` without a JSON parse (the bench's payloads have no escapes).
    static func member(_ name: String, in text: String) -> String? {
        guard let start = text.range(of: "\"\(name)\":\"") else { return nil }
        let rest = text[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    /// `yyyyMMdd HH:mm:ss` in the local zone.
    static func vankeTime() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y%m%d %H:%M:%S", &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
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
    floor(userdata)?.received(message.pointee)
}

private func onConnect(
    _ handle: OpaquePointer?, _ userdata: UnsafeMutableRawPointer?, _ rc: Int32, _ flags: Int32, _ properties: OpaquePointer?
) {
    guard let handle, let floor = floor(userdata), rc == 0 else { return }
    mosquitto_subscribe_v5(handle, nil, floor.filter, 1, 0, nil)
}

private func onSubscribe(
    _ handle: OpaquePointer?, _ userdata: UnsafeMutableRawPointer?, _ mid: Int32, _ count: Int32,
    _ granted: UnsafePointer<Int32>?, _ properties: OpaquePointer?
) {
    guard let floor = floor(userdata) else { return }
    floor.subscribed.withLock { c in
        defer { c = nil }
        return c
    }?.resume()
}

var configuration = Configuration()
configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
let store = try DatabasePool(path: storePath, configuration: configuration)
// GRDB's WAL setup resets the writer to NORMAL after prepareDatabase (as in Gatehouse's Store).
try store.writeWithoutTransaction { db in
    try db.execute(sql: "PRAGMA synchronous = FULL")
    try db.execute(sql: "CREATE TABLE IF NOT EXISTS outbox (uuid TEXT PRIMARY KEY, gate TEXT, plate TEXT, color TEXT)")
}

mosquitto_lib_init()
guard let raw = mosquitto_new("vanke-floor-\(getpid())", true, nil) else { fatalError("mosquitto_new failed") }
let floorState = Floor(
    handle: Handle(pointer: raw), store: store, base: base, lot: lot, platform: platform, appId: appId, secret: secret)
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
floorState.publish("\(base)/bridge/adapters/vanke", "running", retain: true)
FileHandle.standardOutput.write(Data("vanke floor subscribed to \(floorState.filter)\n".utf8))
await floorState.writer()
