import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The lock system's end of a FIAS link, over a plain POSIX socket with its own framing code, so
/// the tests see the bytes on the wire and not the simulator's reading of them.
final class FIASTestClient: Sendable {
    enum Failure: Error, Equatable {
        case connect(Int32)
        case write(Int32)
        /// The other side closed the connection.
        case closed
        case timeout
    }

    private let fd: Int32
    /// Bytes read but not yet cut into records.
    private let pending = Mutex<[UInt8]>([])
    private let isClosed = Mutex(false)

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let error = errno
            close()
            throw Failure.connect(error)
        }
    }

    /// Closes the socket once. Not left to deinit: the optimizer may end a client's life right after
    /// its last use while the test still counts on its connection.
    func close() {
        let first = isClosed.withLock { closed in defer { closed = true }; return !closed }
        if first { closeSocket(fd) }
    }

    /// Writes the bytes as they are.
    func sendRaw(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw Failure.write(errno) }
            sent += n
        }
    }

    /// Sends STX, the bytes, ETX.
    func sendRecord(bytes: [UInt8]) throws { try sendRaw([0x02] + bytes + [0x03]) }

    /// Sends an ASCII record (no Cyrillic here: use `sendRecord(bytes:)` with the code page's bytes).
    func send(_ record: String) throws { try sendRecord(bytes: Array(record.utf8)) }

    /// The lock side's link start: LD, one LR per type, LA.
    func sendLinkStart(types: [String] = ["KR", "KD", "KA", "KZ"]) throws {
        try send("LD|DA250904|TI120000|V#1.0|IFDL|")
        for type in types { try send("LR|RI\(type)|FLKCWSDATI|") }
        try send("LA|DA250904|TI120000|")
    }

    /// The bytes between the next STX and ETX (bytes before an STX are skipped).
    func nextFrame(timeout: Duration = .seconds(5)) async throws -> [UInt8] {
        try await nextFrameAfterNoise(timeout: timeout).frame
    }

    /// The next record's bytes, and the bytes that came before its STX.
    func nextFrameAfterNoise(timeout: Duration = .seconds(5)) async throws -> (noise: [UInt8], frame: [UInt8]) {
        try await onOwnThread { try self.readFrame(deadline: .now + timeout) }
    }

    /// The next record, read as ASCII/Latin-1 (one character per byte).
    func nextRecord(timeout: Duration = .seconds(5)) async throws -> String {
        String(decoding: try await nextFrame(timeout: timeout).map { UInt16($0) }, as: UTF16.self)
    }

    /// The next record's type and fields.
    func nextFields(timeout: Duration = .seconds(5)) async throws -> (type: String, fields: [String: String], text: String) {
        let text = try await nextRecord(timeout: timeout)
        var pieces = text.split(separator: "|", omittingEmptySubsequences: false)
        let type = String(pieces.removeFirst())
        var fields = [String: String]()
        for piece in pieces where piece.count >= 2 { fields[String(piece.prefix(2))] = String(piece.dropFirst(2)) }
        return (type, fields, text)
    }

    /// Waits for the server to close the connection and returns the records still sent before.
    func recordsUntilClosed(timeout: Duration = .seconds(5)) async throws -> [String] {
        var records = [String]()
        while true {
            do { records.append(try await nextRecord(timeout: timeout)) }
            catch Failure.closed { return records }
        }
    }

    private func readFrame(deadline: ContinuousClock.Instant) throws -> (noise: [UInt8], frame: [UInt8]) {
        while true {
            if let frame = pending.withLock({ Self.cutFrame(&$0) }) { return frame }
            let left = deadline - .now
            guard left > .zero else { throw Failure.timeout }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
            guard poll(&poller, 1, max(1, milliseconds)) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 8192)
            let n = read(fd, &buffer, buffer.count)
            // A reset counts as closed: the simulator may drop a connection abruptly.
            guard n > 0 else { throw Failure.closed }
            pending.withLock { $0 += buffer[..<n] }
        }
    }

    private static func cutFrame(_ bytes: inout [UInt8]) -> (noise: [UInt8], frame: [UInt8])? {
        guard let start = bytes.firstIndex(of: 0x02), let end = bytes[start...].firstIndex(of: 0x03) else { return nil }
        let cut = (noise: Array(bytes[..<start]), frame: Array(bytes[(start + 1)..<end]))
        bytes.removeSubrange(...end)
        return cut
    }

    /// Blocking socket calls get a thread of their own, away from the Swift concurrency pool.
    private func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}

/// The libc close, out of reach of the client's own `close()` inside the class.
private func closeSocket(_ fd: Int32) { close(fd) }
