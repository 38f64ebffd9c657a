import AsyncHTTPClient
import Bridge
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Topics

/// The OFD.ru partner API. The operator reports many errors with HTTP 200 (`Success: false` or an
/// error object): those are errors carrying its text. Reads are retried on 429/5xx/network errors;
/// `kkt/pay` never is (an activation code can be spent once).
final class OFDClient: Sendable {
    private let settings: OFDSettings
    private let http: HTTPClient
    private let logger: Logger
    private let baseURL: String
    let tokens: OFDTokens

    init(settings: OFDSettings, http: HTTPClient, logger: Logger) {
        self.settings = settings
        self.http = http
        self.logger = logger
        baseURL = settings.url.hasSuffix("/") ? String(settings.url.dropLast()) : settings.url
        let base = baseURL
        let timeout = settings.timeout
        tokens = OFDTokens(renewAhead: settings.renewAhead) {
            let body = try JSONEncoder().encode(
                OFDWire.Credentials(Login: settings.login.reveal(), Password: settings.password.reveal()))
            let (status, data) = try await OFDClient.send(http, .POST, "\(base)/api/Authorization/CreateAuthToken", body, timeout)
            guard status == 200 else {
                if status == 401 || status == 403 {
                    throw GatehouseError(.unauthorized, "the operator refused the login (HTTP \(status))")
                }
                throw GatehouseError(.upstreamUnavailable, "CreateAuthToken answered HTTP \(status)")
            }
            if let failure = OFDClient.failure(in: data) { throw failure }
            guard let token = try? JSONDecoder().decode(OFDWire.Token.self, from: data),
                let expires = OFDTime.parse(token.ExpirationDateUtc)
            else { throw GatehouseError(.upstreamUnavailable, "CreateAuthToken sent an unreadable answer") }
            logger.info("OFD: new AuthToken, valid until \(token.ExpirationDateUtc) UTC")
            return OFDTokens.Token(value: token.AuthToken, expires: expires)
        }
    }

    func pay(_ request: OFDWire.Pay) async throws -> OFDWire.PayAnswer {
        try await call(.POST, "/api/integration/partner/v1/kkt/pay", query: [:], body: JSONEncoder().encode(request), retries: 0)
    }

    func payStatus(from: Date, to: Date) async throws -> [OFDWire.PayStatus] {
        let list: OFDWire.DataList<OFDWire.PayStatus> = try await call(
            .GET, "/api/integration/partner/v1/kkt/paystatus",
            query: ["DateFromUtc": OFDTime.format(from), "DateToUtc": OFDTime.format(to)], body: nil,
            retries: settings.readRetries)
        guard let items = list.Data else {
            throw GatehouseError(.upstreamUnavailable, "the operator's pay status answer has no Data")
        }
        return items
    }

    func kkts(inn: String) async throws -> [OFDWire.Kkt] {
        let list: OFDWire.DataList<OFDWire.Kkt> = try await call(
            .GET, "/api/integration/partner/v1/inn/\(inn)/kkts", query: [:], body: nil, retries: settings.readRetries)
        // The list decides which registers' topics are cleared: only an explicit, successful list
        // counts. An answer without `Data`, or an empty one not marked `Success: true`, is not
        // "no registers" (it once cleared every register's retained topics).
        guard let kkts = list.Data, !kkts.isEmpty || list.Success == true else {
            throw GatehouseError(.upstreamUnavailable, "the operator's register list for INN \(inn) is not one (no Data, or empty without Success)")
        }
        return kkts
    }

    /// One API call with the token: renewed once on 401/403; retried `retries` times on 429/5xx/network.
    private func call<Answer: Decodable>(
        _ method: HTTPMethod, _ path: String, query: [String: String], body: Data?, retries: Int
    ) async throws -> Answer {
        var rejected: String?
        var attempt = 0
        while true {
            let token = try await tokens.current(rejected: rejected)
            var items = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
            items.insert(URLQueryItem(name: "AuthToken", value: token), at: 0)
            // Paths carry validated identifiers only; a URL that still cannot be built is refused, never a trap.
            guard var components = URLComponents(string: baseURL + path) else {
                throw GatehouseError.invalidRequest(field: "inn", problem: "cannot be placed in the operator's URL")
            }
            components.queryItems = items
            guard let url = components.string else {
                throw GatehouseError.invalidRequest(field: "query", problem: "cannot be placed in the operator's URL")
            }
            let status: Int
            let data: Data
            do {
                (status, data) = try await Self.send(http, method, url, body, settings.timeout)
            } catch {
                if attempt < retries {
                    attempt += 1
                    try await Task.sleep(for: settings.retryDelay * attempt)
                    continue
                }
                // Never the URL: it carries the token.
                logger.warning("OFD \(path): \(Self.describe(error))")
                // A POST that may have reached the operator (no answer, a reset) has an unknown
                // outcome: never "unavailable", which a requester would simply send again.
                if method == .POST, !Self.neverSent(error) {
                    throw GatehouseError(
                        .timeout, "the operator did not answer (\(Self.describe(error))); the pay status will tell whether the code was applied",
                        inDoubt: true)
                }
                throw GatehouseError(.upstreamUnavailable, "the operator is not reachable: \(Self.describe(error))")
            }
            switch status {
            case 200:
                if let failure = Self.failure(in: data) { throw failure }
                do {
                    return try JSONDecoder().decode(Answer.self, from: data)
                } catch {
                    throw GatehouseError(.upstreamUnavailable, "the operator sent an unreadable answer to \(path)")
                }
            case 401, 403:
                // A `where` on a multi-pattern case binds to the last pattern only: test explicitly.
                guard rejected == nil else {
                    throw GatehouseError(.unauthorized, "the operator refused the AuthToken (HTTP \(status))")
                }
                rejected = token  // renew once
            case 500...599 where method == .POST:
                // The operator may have applied the code before failing: in doubt, followed, not re-sent.
                throw GatehouseError(
                    .timeout, "the operator answered HTTP \(status) to \(path); the pay status will tell whether the code was applied",
                    inDoubt: true)
            case 429, 500...599:
                guard attempt < retries else {
                    throw GatehouseError(.upstreamUnavailable, "the operator answered HTTP \(status) to \(path)")
                }
                attempt += 1
                try await Task.sleep(for: settings.retryDelay * attempt)
            default:
                throw GatehouseError(.upstreamUnavailable, "the operator answered HTTP \(status) to \(path)")
            }
        }
    }

    static func send(_ http: HTTPClient, _ method: HTTPMethod, _ url: String, _ body: Data?, _ timeout: Duration)
        async throws -> (Int, Data)
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            request.body = .bytes(ByteBuffer(data: body))
        }
        let response = try await http.execute(request, timeout: .nanoseconds(Int64(timeout.timeInterval * 1e9)))
        return (Int(response.status.code), Data(buffer: try await response.body.collect(upTo: 8 << 20)))
    }

    /// An error the operator reported in a 200 body, with its text.
    static func failure(in data: Data) -> GatehouseError? {
        guard let failure = try? JSONDecoder().decode(OFDWire.Failure.self, from: data) else { return nil }
        if let error = failure.Error {
            let text = error.Message ?? "error \(error.Code ?? "?")"
            return GatehouseError(.invalidRequest, "the operator refused: \(text)", vendor: VendorError(code: error.Code ?? "error", message: text))
        }
        let errors = (failure.Errors ?? []).joined(separator: "; ").nonEmpty
        // Not only `Success: false`: an `Errors` list, or a lone `Message` without data, is an error
        // too. Taken as success, one became a pay status and another an empty register list.
        if failure.Success == false || errors != nil || (failure.Message != nil && failure.Success != true && failure.Data == nil) {
            let text = errors ?? failure.Message ?? "Success: false"
            let code = failure.Success == false ? "Success:false" : errors != nil ? "Errors" : "Message"
            return GatehouseError(.invalidRequest, "the operator refused: \(text)", vendor: VendorError(code: code, message: text))
        }
        return nil
    }

    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("refused") { return "connection refused" }
        if text.contains("eadline") || text.contains("imeout") { return "timeout" }
        return text.count > 100 ? String(text.prefix(100)) : text
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

extension OFDClient {
    /// The connection was never made (refused, no route, connect timeout): nothing reached the
    /// operator. Anything else after sending began may have.
    static func neverSent(_ error: any Error) -> Bool {
        let text = "\(error)".lowercased()
        return ["refused", "connecttimeout", "connect timeout", "no route", "unreachable", "dns"].contains { text.contains($0) }
    }
}
