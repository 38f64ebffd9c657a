import AdapterSupport
import AsyncHTTPClient
import Bridge
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Topics

/// The OZLocks Web-API over AsyncHTTPClient (pooled keep-alive connections).
final class OZLocksClient: Sendable {
    private let baseURL: String
    private let apiKey: Secret
    private let apiKeyHeader: String
    private let timeout: Duration
    private let encoderTimeout: Duration
    private let http: HTTPClient
    private let logger: Logger

    init(settings: OZLocksSettings, http: HTTPClient, logger: Logger) {
        baseURL = vendorBaseURL(settings.url)
        apiKey = settings.apiKey
        apiKeyHeader = settings.apiKeyHeader
        timeout = settings.timeout
        encoderTimeout = settings.encoderTimeout
        self.http = http
        self.logger = logger
    }

    /// Calls `operation` with `body` and decodes the 200 answer, or throws the mapped contract error.
    func call<Answer: Decodable>(_ operation: OZLocksOperation, _ body: some Encodable, as: Answer.Type = Answer.self)
        async throws(GatehouseError) -> Answer
    {
        var request = HTTPClientRequest(url: "\(baseURL)/\(operation.rawValue)")
        request.method = operation.isGet ? .GET : .POST
        request.headers.add(name: apiKeyHeader, value: apiKey.reveal())
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "Accept", value: "application/json")
        do {
            request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(body)))
        } catch {
            throw GatehouseError(.internal, "cannot encode the \(operation.rawValue) request")
        }
        let status: Int
        let data: Data
        do {
            let budget = operation.waitsForCard ? encoderTimeout : timeout
            let response = try await http.execute(request, timeout: budget.timeAmount)
            status = Int(response.status.code)
            // The vendor's own examples carry trailing and missing commas: answers are read with
            // the same leniency the facade gives its callers.
            data = LenientJSON.repair(Data(buffer: try await response.body.collect(upTo: 4 << 20)))
        } catch {
            let failure = VendorCallFailure(error)
            logger.warning("OZLocks \(operation.rawValue) failed: \(failure)")
            // A change that may have reached the server (no answer in time, a dropped connection)
            // may have been done: a card may be cut. "Unavailable" would make a PMS retry and cut
            // a second one, so it is an unknown outcome. Only a connection never made is not.
            if !operation.isGet && !failure.neverSent {
                throw GatehouseError(
                    .timeout,
                    "the OZLocks server did not answer \(operation.rawValue) (\(failure)): it may have done it; read the card or the lock before trying again",
                    inDoubt: true)
            }
            throw GatehouseError(
                .upstreamUnavailable, "the OZLocks server did not answer \(operation.rawValue): \(failure)")
        }
        guard status == 200 else { throw OZLocksErrors.map(status: status, body: data, operation: operation) }
        do {
            return try JSONDecoder().decode(Answer.self, from: data)
        } catch {
            logger.warning("OZLocks \(operation.rawValue): unreadable answer: \(error)")
            throw GatehouseError(.upstreamUnavailable, "the OZLocks server sent an unreadable \(operation.rawValue) answer")
        }
    }
}
