import Foundation
import Simulators
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A JSON value as the tests see it, decoded by Foundation (not by the simulator's own code).
enum OZTestJSON: Decodable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    case null, bool(Bool), int(Int), string(String), array([OZTestJSON]), object([String: OZTestJSON])

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .int(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }

    init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { self = .null }
        else if let value = try? single.decode(Bool.self) { self = .bool(value) }
        else if let value = try? single.decode(Int.self) { self = .int(value) }
        else if let value = try? single.decode(String.self) { self = .string(value) }
        else if let value = try? single.decode([OZTestJSON].self) { self = .array(value) }
        else { self = .object(try single.decode([String: OZTestJSON].self)) }
    }

    subscript(key: String) -> OZTestJSON? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    var keys: Set<String> {
        guard case .object(let members) = self else { return [] }
        return Set(members.keys)
    }

    var items: [OZTestJSON] {
        guard case .array(let items) = self else { return [] }
        return items
    }

    var text: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }
}

/// An HTTP answer: status, raw body and the body as JSON when it is JSON.
struct OZTestReply {
    let status: Int
    let body: Data
    var raw: String { String(decoding: body, as: UTF8.self) }
    var json: OZTestJSON { (try? JSONDecoder().decode(OZTestJSON.self, from: body)) ?? .null }
    subscript(key: String) -> OZTestJSON? { json[key] }
    /// The ECode of a 500 answer.
    var eCode: String? { json["ECode"]?.text }
}

/// A client over a plain POSIX socket: URLSession on Linux refuses a GET with a body ("GET method
/// must not have a body"), and the spec's reads are exactly that.
struct OZTestClient {
    let port: Int
    var key: String? = "secret"
    var keyHeader = "X-API-Key"

    func post(_ path: String, _ body: String) async throws -> OZTestReply { try await send("POST", path, body) }
    func get(_ path: String, _ body: String) async throws -> OZTestReply { try await send("GET", path, body) }

    func send(_ method: String, _ path: String, _ body: String) async throws -> OZTestReply {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
        if let key { head += "\(keyHeader): \(key)\r\n" }
        let request = Data((head + "\r\n" + body).utf8)
        let port = self.port
        // Blocking socket calls get a thread of their own: on Linux Dispatch's global queues share
        // their threads with the Swift concurrency pool, and blocking them starves the server.
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try OZRawHTTP.exchange(port: port, request: request) })
            }.start()
        }
    }
}

/// One HTTP/1.1 exchange with `Connection: close`: write the request, read to EOF, split the answer.
enum OZRawHTTP {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        let errno: Int32
    }

    static func exchange(port: Int, request: Data) throws -> OZTestReply {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket", errno: errno) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect", errno: errno) }
        try request.withUnsafeBytes { bytes in
            var sent = 0
            while sent < bytes.count {
                let n = write(fd, bytes.baseAddress! + sent, bytes.count - sent)
                guard n > 0 else { throw Failure(description: "write", errno: errno) }
                sent += n
            }
        }
        var answer = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            guard n >= 0 else { throw Failure(description: "read", errno: errno) }
            if n == 0 { break }
            answer += buffer[0..<n]
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let split = (0..<max(0, answer.count - 3)).first(where: { Array(answer[$0..<$0 + 4]) == separator }) else {
            throw Failure(description: "no HTTP head in \(answer.count) bytes", errno: 0)
        }
        let head = String(decoding: answer[..<split], as: UTF8.self)
        let statusLine = head.split(separator: "\r\n").first ?? ""
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure(description: "bad status line \(statusLine)", errno: 0) }
        return OZTestReply(status: status, body: Data(answer[(split + 4)...]))
    }
}

/// Fixture: rooms 101 (WR), 102 (H), 103 (WR); encoders 001 and 002; API key "secret".
func withOZSimulator(_ body: (OZLocksSimulator, OZTestClient) async throws -> Void) async throws {
    let simulator = OZLocksSimulator(
        apiKey: "secret",
        rooms: [.init("101", series: .wr), .init("102", series: .h), .init("103", series: .wr)],
        encoders: ["001", "002"])
    let port = try await simulator.start()
    do {
        try await body(simulator, OZTestClient(port: port))
    } catch {
        await simulator.stop()
        throw error
    }
    await simulator.stop()
}

/// Moscow wall-clock time as a Date (the fixture's time zone).
func ozMoscow(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "Europe/Moscow")!
    return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
}

/// The spec's IssueCard example (with the comma it forgot), for room and encoder of choice.
func ozIssueCardBody(room: String = "101", encoder: String = "001", guestID: Int? = nil, newIssue: Bool = true,
                   name: String = "Иванов Иван") -> String {
    let guest = guestID.map { "\"GuestID\": \($0),\n" } ?? ""
    return """
    {
      "Room": "\(room)",
      "CheckIn": "04.09.2025 15:21",
      "CheckOut": "05.09.2025 14:00",
      "GuestName": "\(name)",
      \(guest)"NewIssue": \(newIssue),
      "EncoderID": "\(encoder)",
      "WorkstationID": "ADMIN01",
      "CardIssuer": "Ресепшн"
    }
    """
}
