import AdapterSupport
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
        let response = try await http.execute(request, timeout: timeout.timeAmount)
        let retryAfter = response.headers.first(name: "Retry-After")
            .flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { Duration.seconds(max(0, $0)) }
        return Answer(status: Int(response.status.code), body: Data(buffer: try await response.body.collect(upTo: 8 << 20)), retryAfter: retryAfter)
    }
}
