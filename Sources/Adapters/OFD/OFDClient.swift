import AdapterSupport
import AsyncHTTPClient
import Bridge
import Foundation
import Logging
import NIOHTTP1
import Topics

/// The OFD.ru partner API. The operator reports many errors with HTTP 200 (see OFDFailure): those
/// are errors carrying its text. Reads are retried on 429/5xx/network errors; `kkt/pay` never is
/// (an activation code can be spent once).
final class OFDClient: Sendable {
    private let settings: OFDSettings
    private let http: HTTPClient
    private let logger: Logger
    private let baseURL: String
    let tokens: OFDTokens

    /// A register list: the usable rows, and why each other row was skipped.
    struct KktList {
        var kkts: [OFDWire.Kkt]
        var skipped: [String]
    }

    init(settings: OFDSettings, http: HTTPClient, logger: Logger) {
        self.settings = settings
        self.http = http
        self.logger = logger
        baseURL = vendorBaseURL(settings.url)
        let base = baseURL
        let timeout = settings.timeout
        tokens = OFDTokens(renewAhead: settings.renewAhead, logger: logger) {
            let body = try JSONEncoder().encode(
                OFDWire.Credentials(Login: settings.login.reveal(), Password: settings.password.reveal()))
            let answer = try await OFDHTTP.send(http, .POST, "\(base)/api/Authorization/CreateAuthToken", body, timeout)
            guard answer.status == 200 else {
                if answer.status == 401 || answer.status == 403 {
                    throw GatehouseError(.unauthorized, "the operator refused the login (HTTP \(answer.status))")
                }
                throw GatehouseError(.upstreamUnavailable, "CreateAuthToken answered HTTP \(answer.status)")
            }
            if let failure = OFDFailure(answer.body) { throw failure.error }
            guard let token = try? JSONDecoder().decode(OFDWire.Token.self, from: answer.body),
                let expires = OFDTime.parse(token.ExpirationDateUtc)
            else { throw GatehouseError(.upstreamUnavailable, "CreateAuthToken sent an unreadable answer") }
            logger.info("OFD: new AuthToken, valid until \(token.ExpirationDateUtc) UTC")
            return OFDTokens.Token(value: token.AuthToken, expires: expires)
        }
    }

    func pay(_ request: OFDWire.Pay) async throws -> OFDWire.PayAnswer {
        try await call(.POST, "/api/integration/partner/v1/kkt/pay", query: [:], body: JSONEncoder().encode(request), retries: 0)
    }

    func payStatus(from: Date, to: Date, retries: Int? = nil) async throws -> [OFDWire.PayStatus] {
        let list: OFDWire.DataList<OFDWire.PayStatus> = try await call(
            .GET, "/api/integration/partner/v1/kkt/paystatus",
            query: ["DateFromUtc": OFDTime.format(from), "DateToUtc": OFDTime.format(to)], body: nil,
            retries: retries ?? settings.readRetries)
        guard let items = list.Data else {
            throw GatehouseError(.upstreamUnavailable, "the operator's pay status answer has no Data")
        }
        return items
    }

    func kkts(inn: String) async throws -> KktList {
        let list: OFDWire.DataList<OFDWire.Row<OFDWire.Kkt>> = try await call(
            .GET, "/api/integration/partner/v1/inn/\(inn)/kkts", query: [:], body: nil, retries: settings.readRetries)
        // The list decides which registers' topics are cleared: only an explicit, successful list
        // counts. An answer without `Data`, or an empty one not marked `Success: true`, is not
        // "no registers" (it once cleared every register's retained topics).
        guard let rows = list.Data, !rows.isEmpty || list.Success == true else {
            throw GatehouseError(.upstreamUnavailable, "the operator's register list for INN \(inn) is not one (no Data, or empty without Success)")
        }
        var result = KktList(kkts: [], skipped: [])
        for (index, row) in rows.enumerated() {
            switch row {
            case .item(let kkt) where !kkt.KktRegId.isEmpty: result.kkts.append(kkt)
            case .item: result.skipped.append("row \(index + 1): empty KktRegId")
            case .unreadable(let why): result.skipped.append("row \(index + 1): \(why)")
            }
        }
        return result
    }

    /// One API call with the token: renewed once when the operator refuses it (401/403, or an
    /// error about the token in a 200 body); retried `retries` times on 429/5xx/network.
    private func call<Answer: Decodable>(
        _ method: HTTPMethod, _ path: String, query: [String: String], body: Data?, retries: Int
    ) async throws -> Answer {
        var rejected: String?
        var attempt = 0
        while true {
            let token = try await tokens.current(rejected: rejected)
            let url = try self.url(path, query: query, token: token)
            let answer: OFDHTTP.Answer
            do {
                answer = try await OFDHTTP.send(http, method, url, body, settings.timeout)
            } catch {
                if attempt < retries {
                    attempt += 1
                    try await Task.sleep(for: settings.retryDelay * attempt)
                    continue
                }
                // Never the URL: it carries the token.
                let failure = VendorCallFailure(error)
                logger.warning("OFD \(path): \(failure)")
                // A POST that may have reached the operator (no answer, a reset) has an unknown
                // outcome: never "unavailable", which a requester would simply send again.
                if method == .POST, !failure.neverSent {
                    throw GatehouseError(
                        .timeout, "the operator did not answer (\(failure)); the pay status will tell whether the code was applied",
                        inDoubt: true)
                }
                throw GatehouseError(.upstreamUnavailable, "the operator is not reachable: \(failure)")
            }
            let status = answer.status
            switch status {
            case 200:
                if let failure = OFDFailure(answer.body) {
                    // A refused token was not acted on (a pay included): renewed and sent once more.
                    guard failure.aboutToken else { throw failure.error }
                    guard rejected == nil else {
                        throw GatehouseError(.unauthorized, "the operator refused the renewed AuthToken: \(failure.error.message)", vendor: failure.error.vendor)
                    }
                    rejected = token
                    continue
                }
                do {
                    return try JSONDecoder().decode(Answer.self, from: answer.body)
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
                try await Task.sleep(for: retryDelay(attempt: attempt, asked: status == 429 ? answer.retryAfter : nil))
            default:
                throw GatehouseError(.upstreamUnavailable, "the operator answered HTTP \(status) to \(path)")
            }
        }
    }

    /// The operator's `Retry-After` when it sent one (bounded by `timeout`: a read that waits an
    /// hour helps nobody), else the growing default delay.
    private func retryDelay(attempt: Int, asked: Duration?) -> Duration {
        asked.map { min($0, settings.timeout) } ?? settings.retryDelay * attempt
    }

    /// The URL with the token first. Paths carry validated identifiers only; a URL that still
    /// cannot be built is refused, never a trap.
    private func url(_ path: String, query: [String: String], token: String) throws -> String {
        var items = query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        items.insert(URLQueryItem(name: "AuthToken", value: token), at: 0)
        guard var components = URLComponents(string: baseURL + path) else {
            throw GatehouseError.invalidRequest(field: "inn", problem: "cannot be placed in the operator's URL")
        }
        components.queryItems = items
        guard let url = components.string else {
            throw GatehouseError.invalidRequest(field: "query", problem: "cannot be placed in the operator's URL")
        }
        return url
    }
}
