import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The floor of the facade bench's HTTP client: a loopback HTTP/1.1 server in this process that
/// answers every request at once with a fixed ReadState answer (keep-alive, one blocking thread
/// per connection, no parsing beyond the header end and Content-Length). Latency against it is
/// what the client, the kernel's loopback and the thread wake-ups cost on their own.
final class NullHTTPServer: Sendable {
    let port: Int
    private let listener: Int32
    private let stopped = Atomic<Bool>(false)

    static let answer = Array(
        (#"{"Room":"1","Opened":false,"LowCharge":false,"WorkstationID":"BENCH01"}"#).utf8)

    init() throws {
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw BenchError("socket() failed") }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = listener
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bind(fd, sa, length) == 0 && getsockname(fd, sa, &length) == 0 && listen(fd, 128) == 0
            }
        }
        guard ok else {
            close(listener)
            throw BenchError("cannot listen on a loopback port")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Stops accepting; connection threads end when their client closes.
    func stop() {
        stopped.store(true, ordering: .releasing)
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .acquiring) {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            var yes: Int32 = 1
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            Thread.detachNewThread { Self.serve(connection) }
        }
    }

    /// Answers each complete request (headers + Content-Length body) on one connection until EOF.
    private static func serve(_ fd: Int32) {
        defer { close(fd) }
        let head = Array(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: \(answer.count)\r\n\r\n".utf8)
        let response = head + answer
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            pending.append(contentsOf: buffer[0..<n])
            while let size = requestSize(pending) {
                pending.removeFirst(size)
                var sent = 0
                while sent < response.count {
                    let w = response[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                    if w < 0 && errno == EINTR { continue }
                    guard w > 0 else { return }
                    sent += w
                }
            }
        }
    }

    /// The length of the first complete request in `bytes`, or nil while it is incomplete.
    private static func requestSize(_ bytes: [UInt8]) -> Int? {
        let end: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4, let index = (0...(bytes.count - 4)).first(where: { bytes[$0..<($0 + 4)].elementsEqual(end) })
        else { return nil }
        let header = String(decoding: bytes[..<index], as: UTF8.self).lowercased()
        var bodyLength = 0
        for line in header.split(separator: "\r\n") where line.hasPrefix("content-length:") {
            bodyLength = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        let total = index + 4 + bodyLength
        return bytes.count >= total ? total : nil
    }
}
