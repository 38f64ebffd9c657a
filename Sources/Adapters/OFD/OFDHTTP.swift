import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP exchange with the operator, and what its failures mean.
enum OFDHTTP {
    struct Answer {
        var status: Int
        var body: Data
        /// `Retry-After` in its seconds form; an HTTP date or anything else is ignored.
        var retryAfter: Duration?
    }

    static func send(_ http: HTTPClient, _ method: HTTPMethod, _ url: String, _ body: Data?, _ timeout: Duration) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            request.body = .bytes(ByteBuffer(data: body))
        }
        let response = try await http.execute(request, timeout: .nanoseconds(Int64(timeout.timeInterval * 1e9)))
        let retryAfter = response.headers.first(name: "Retry-After")
            .flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { Duration.seconds(max(0, $0)) }
        return Answer(status: Int(response.status.code), body: Data(buffer: try await response.body.collect(upTo: 8 << 20)), retryAfter: retryAfter)
    }

    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("refused") { return "connection refused" }
        if text.contains("eadline") || text.contains("imeout") { return "timeout" }
        return text.count > 100 ? String(text.prefix(100)) : text
    }

    /// The connection was never made (refused, no route, connect timeout): nothing reached the
    /// operator. Anything else after sending began may have.
    static func neverSent(_ error: any Error) -> Bool {
        let text = "\(error)".lowercased()
        return ["refused", "connecttimeout", "connect timeout", "no route", "unreachable", "dns"].contains { text.contains($0) }
    }
}
