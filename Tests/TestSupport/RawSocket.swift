import Foundation

/// A plain TCP connection to a loopback port for tests that must misbehave at the byte level
/// (trickle a header, hold a socket idle, send a lying Content-Length) where an HTTP client won't.
public final class RawSocket {
    public let fd: Int32
    private var closed = false

    public init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            Foundation.close(fd)
            throw TestFailure("connect() to \(port) failed: errno \(code)")
        }
    }

    deinit { close() }

    public func close() {
        guard !closed else { return }
        closed = true
        Foundation.close(fd)
    }

    /// Writes all of `text`; false when the peer has closed the connection.
    @discardableResult
    public func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }

    /// Reads until the peer closes or `timeout` passes; `closed` tells which. The wait blocks a
    /// Dispatch thread, never one of Swift concurrency's few: with those blocked, the server
    /// under test (whose handlers run there) could not answer.
    public func readUntilClosed(timeout: Duration) async -> (data: Data, closed: Bool) {
        let fd = fd
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Self.read(fd, timeout: timeout)) }
        }
    }

    private static func read(_ fd: Int32, timeout: Duration) -> (data: Data, closed: Bool) {
        let deadline = ContinuousClock.now + timeout
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = deadline - .now
            guard left > .zero else { return (data, false) }
            var pollfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pollfd, 1, Int32(max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)))
            if ready == 0 { continue }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return (data, true) }
            data.append(contentsOf: buffer[0..<n])
        }
    }

    /// Whether the peer closed the connection within `timeout` (data it sent first is skipped).
    public func closes(within timeout: Duration) async -> Bool { await readUntilClosed(timeout: timeout).closed }
}

/// A raw HTTP answer: status and body, split at the blank line.
public struct RawHTTPAnswer: Sendable {
    public let status: Int
    public let body: String

    public init?(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let parts = text[..<split.lowerBound].split(separator: "\r\n").first?.split(separator: " ") ?? []
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        self.status = status
        body = String(text[split.upperBound...])
    }
}
