import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Simulators
import Testing

/// A JSON value as the tests see it, decoded by Foundation (not by the simulator's own code).
enum OFDTestJSON: Decodable, Equatable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral {
    case null, bool(Bool), number(Double), string(String), array([OFDTestJSON]), object([String: OFDTestJSON])

    init(stringLiteral value: String) { self = .string(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }

    init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { self = .null }
        else if let value = try? single.decode(Bool.self) { self = .bool(value) }
        else if let value = try? single.decode(Double.self) { self = .number(value) }
        else if let value = try? single.decode(String.self) { self = .string(value) }
        else if let value = try? single.decode([OFDTestJSON].self) { self = .array(value) }
        else { self = .object(try single.decode([String: OFDTestJSON].self)) }
    }

    subscript(key: String) -> OFDTestJSON? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    var keys: Set<String> {
        guard case .object(let members) = self else { return [] }
        return Set(members.keys)
    }

    var items: [OFDTestJSON] {
        guard case .array(let items) = self else { return [] }
        return items
    }

    var text: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }
}

/// An HTTP answer: status, headers, raw body and the body as JSON when it is JSON.
struct OFDTestReply: Sendable {
    let status: Int
    let headers: [String: String]
    let body: Data
    var raw: String { String(decoding: body, as: UTF8.self) }
    var json: OFDTestJSON { (try? JSONDecoder().decode(OFDTestJSON.self, from: body)) ?? .null }
    subscript(key: String) -> OFDTestJSON? { json[key] }
    /// The `Data` array of a successful answer.
    var data: [OFDTestJSON] { json["Data"]?.items ?? [] }

    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// The partner API over URLSession (no caching, no cookies: each request stands alone).
struct OFDTestClient: Sendable {
    let port: Int

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.timeoutIntervalForRequest = 10
        return URLSession(configuration: configuration)
    }()

    func post(_ path: String, _ body: String) async throws -> OFDTestReply {
        var request = URLRequest(url: url(path))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        return try await send(request)
    }

    func get(_ path: String) async throws -> OFDTestReply {
        try await send(URLRequest(url: url(path)))
    }

    /// CreateAuthToken with these credentials.
    func createToken(login: String = "partner", password: String = "s3cret") async throws -> OFDTestReply {
        try await post("/api/Authorization/CreateAuthToken", #"{"Login":"\#(login)","Password":"\#(password)"}"#)
    }

    /// A fresh token for the fixture's credentials.
    func token() async throws -> String {
        let reply = try await createToken()
        return try #require(reply["AuthToken"]?.text, "CreateAuthToken answered \(reply.status) \(reply.raw)")
    }

    /// kkt/pay with the spec's example fields, replaced as given.
    func pay(token: String, inn: String = ofdTestINN, rnm: String = ofdTestRNM, code: String = "PSZ7D1Lq",
             email: String = "skala.judo@gmail.com") async throws -> OFDTestReply {
        try await post(
            "/api/integration/partner/v1/kkt/pay?AuthToken=\(token)",
            #"{"Inn":"\#(inn)","Kpp":"804845377","Rnm":"\#(rnm)","ActivationCode":"\#(code)","Email":"\#(email)"}"#)
    }

    func payStatus(token: String, from: String, to: String) async throws -> OFDTestReply {
        try await get("/api/integration/partner/v1/kkt/paystatus?AuthToken=\(token)&DateFromUtc=\(from)&DateToUtc=\(to)")
    }

    func kkts(token: String, inn: String = ofdTestINN) async throws -> OFDTestReply {
        try await get("/api/integration/partner/v1/inn/\(inn)/kkts?AuthToken=\(token)")
    }

    private func url(_ path: String) -> URL {
        URL(string: "http://127.0.0.1:\(port)\(path)")!
    }

    private func send(_ request: URLRequest) async throws -> OFDTestReply {
        try await withCheckedThrowingContinuation { continuation in
            Self.session.dataTask(with: request) { data, response, error in
                guard let response = response as? HTTPURLResponse else {
                    continuation.resume(throwing: error ?? URLError(.badServerResponse))
                    return
                }
                var headers: [String: String] = [:]
                for case (let name as String, let value as String) in response.allHeaderFields { headers[name] = value }
                continuation.resume(returning: OFDTestReply(status: response.statusCode, headers: headers, body: data ?? Data()))
            }.resume()
        }
    }
}

let ofdTestINN = "0182021620"
let ofdTestRNM = "0005792715046206"

/// Fixture: login partner / s3cret; INN 0182021620 with register 0005792715046206; code PSZ7D1Lq.
func withOFDSimulator(
    tokenLifetime: Duration = .seconds(3600), _ body: (OFDSimulator, OFDTestClient) async throws -> Void
) async throws {
    let simulator = OFDSimulator(login: "partner", password: "s3cret", tokenLifetime: tokenLifetime)
    simulator.addRegister(inn: ofdTestINN, .init(rnm: ofdTestRNM))
    simulator.addActivationCode("PSZ7D1Lq")
    let port = try await simulator.start()
    do {
        try await body(simulator, OFDTestClient(port: port))
    } catch {
        await simulator.stop()
        throw error
    }
    await simulator.stop()
}

/// A UTC date from its parts.
func ofdUTC(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))!
}

/// The operator's date text for a Date, in UTC (or Moscow time for the fields without `Utc`),
/// written independently of the simulator's formatter.
func ofdText(_ date: Date, moscow: Bool = false) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: moscow ? "Europe/Moscow" : "UTC")
    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
    return formatter.string(from: date)
}
