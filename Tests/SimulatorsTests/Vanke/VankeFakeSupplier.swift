import Foundation
import Hummingbird
import Logging
import Synchronization
@testable import Simulators

/// A stand-in for Gatehouse's supplier interfaces: records each call and checks its token with the
/// spec's formula (computed by the tests' own signer), answering respCode 0 or 1.
final class VankeFakeSupplier: Sendable {
    struct Call: Sendable {
        let path: String
        let contentType: String?
        let body: Data
        /// The body's members as Foundation decodes them, each as "\(value)".
        let members: [String: String]
        /// The JSON type of each member: "string", "number", "array", "object"…
        let kinds: [String: String]
        let tokenValid: Bool
    }

    private let recorded = Mutex<[Call]>([])
    private let server = SimulatorHTTPServer(serverName: "Fake-Supplier", logger: {
        var logger = Logger(label: "vanke.fake-supplier")
        logger.logLevel = .critical
        return logger
    }())
    /// A raw answer instead of the normal one (e.g. to test chunked bodies or other statuses).
    let answer: @Sendable (Call) -> Response?

    init(answer: @escaping @Sendable (Call) -> Response? = { _ in nil }) { self.answer = answer }

    var calls: [Call] { recorded.withLock { $0 } }

    func start() async throws -> Int { try await server.start(host: "127.0.0.1", port: 0, responder: Responder(fake: self)) }
    func stop() async { await server.stop() }

    fileprivate func record(_ request: Request) async throws -> Response {
        let body = Data(try await request.body.collect(upTo: 1 << 20).readableBytesView)
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        let time = object["time"] as? String ?? ""
        let token = object["token"] as? String
        let call = Call(
            path: request.uri.path, contentType: request.headers[.contentType], body: body,
            members: object.mapValues { "\($0)" }, kinds: object.mapValues(Self.kind),
            tokenValid: token == vankeToken(time))
        recorded.withLock { $0.append(call) }
        if let answer = answer(call) { return answer }
        let json = call.tokenValid ? #"{"respCode":"0"}"# : #"{"respCode":"1","respDesc":"token 校验失败"}"#
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    private static func kind(_ value: Any) -> String {
        switch value {
        case is String: "string"
        case is [Any]: "array"
        case is [String: Any]: "object"
        case is NSNumber: "number"
        default: "other"
        }
    }

    private struct Responder: HTTPResponder {
        typealias Context = BasicRequestContext
        let fake: VankeFakeSupplier
        func respond(to request: Request, context: Context) async throws -> Response { try await fake.record(request) }
    }
}

/// A platform simulator and a started fake supplier; the supplier's URL carries a path prefix.
func withVankeFakeSupplier(answer: @escaping @Sendable (VankeFakeSupplier.Call) -> Response? = { _ in nil },
                           _ body: (VankePlatformSimulator, VankeFakeSupplier, String) async throws -> Void) async throws {
    let simulator = VankePlatformSimulator(appId: vankeAppId, appSecret: vankeSecret, parkingLotId: vankeLot)
    let supplier = VankeFakeSupplier(answer: answer)
    let port = try await supplier.start()
    do {
        try await body(simulator, supplier, "http://127.0.0.1:\(port)/vanke")
    } catch {
        await supplier.stop()
        throw error
    }
    await supplier.stop()
}
