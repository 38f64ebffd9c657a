import Foundation
import Synchronization

extension VankePlatformSimulator {
    /// Calls one of the supplier's interfaces ("供应商提供接口") as the platform does: POST JSON to
    /// `<supplierURL>/<endpoint>` with version, token, parkingLotId and time first, then `fields`
    /// (sorted by name). A field named like a generated one replaces it (to send a malformed time,
    /// say); the token still signs the generated time. No appId is sent: these interfaces list none.
    public func callSupplier(_ supplierURL: String, _ endpoint: String, fields: [String: VankeValue] = [:],
                             credentials: VankeCallCredentials = .valid) async throws -> VankeSupplierAnswer {
        try await post(supplierURL, endpoint, body: request(fields, credentials: credentials, now: Date()))
    }

    /// Sends `body` as is (for malformed JSON tests), still as `Content-Type: application/json`.
    public func callSupplierRaw(_ supplierURL: String, _ endpoint: String, body: Data) async throws -> VankeSupplierAnswer {
        try await post(supplierURL, endpoint, body: body)
    }

    /// Has `observe` told about every answered call to the supplier from now on (nil: no longer),
    /// e.g. so a test can record the HTTP traffic. Calls that get no answer are not reported.
    public func onSupplierExchange(_ observe: (@Sendable (VankeSupplierExchange) -> Void)?) {
        exchangeObserver.withLock { $0 = observe.map(ExchangeObserver.init) }
    }

    private func post(_ supplierURL: String, _ endpoint: String, body: Data) async throws -> VankeSupplierAnswer {
        let answer = try await VankeHTTPClient.post(supplierURL, endpoint, body: body)
        if let observe = exchangeObserver.withLock({ $0 })?.observe {
            let base = URLComponents(string: supplierURL)?.path ?? ""
            let path = (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/" + endpoint
            observe(VankeSupplierExchange(endpoint: endpoint, path: path, request: body, answer: answer))
        }
        return answer
    }

    /// The JSON body of a call.
    func request(_ fields: [String: VankeValue], credentials: VankeCallCredentials, now: Date) -> Data {
        var signedAt = now
        var lot = parkingLotId
        switch credentials {
        case .time(let date): signedAt = date
        case .parkingLotId(let other): lot = other
        case .valid, .wrongToken, .missingToken: break
        }
        let timeText = time.string(from: signedAt)
        var members: [(String, VankeJSON)] = [("version", .string("1.0"))]
        switch credentials {
        case .missingToken: break
        case .wrongToken:
            members.append(("token", .string(VankeToken.make(time: timeText, appId: appId, appSecret: appSecret + "-wrong"))))
        default:
            members.append(("token", .string(VankeToken.make(time: timeText, appId: appId, appSecret: appSecret))))
        }
        members += [("parkingLotId", .string(lot)), ("time", .string(timeText))]
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            let json: VankeJSON = switch value {
            case .string(let text): .string(text)
            case .int(let number): .int(number)
            case .raw(let text): .raw(text)
            }
            if let index = members.firstIndex(where: { $0.0 == name }) { members[index].1 = json }
            else { members.append((name, json)) }
        }
        return VankeJSON.object(members).serialized()
    }
}
