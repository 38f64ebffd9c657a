import Foundation
import Hummingbird
import Logging
import NIOCore

/// Gatehouse's HTTP listener: `/healthz` and `/metrics` (later also images and the console).
public enum BridgeHTTPServer {
    /// An application (a Service) serving the bridge's endpoints. `onListening` receives the bound
    /// port, which matters when the config asks for port 0.
    public static func application(
        bridge: GatehouseBridge, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let settings = bridge.context.config.http
        let router = Router()
        router.add(middleware: APIKeyMiddleware(apiKey: settings.apiKey?.reveal(), open: ["/healthz"]))
        router.get("healthz") { _, _ -> Response in
            let result = await bridge.checkHealth()
            let body = try JSONCoding.encode(HealthzBody(result: result))
            return Response(
                status: result.healthy ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(data: body)))
        }
        router.get("metrics") { _, _ -> Response in
            await bridge.refreshGauges()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: GatehouseMetrics.exposition())))
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(settings.listen.host, port: settings.listen.port), serverName: "gatehouse"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? settings.listen.port) },
            logger: logger)
    }

    struct HealthzBody: Encodable {
        var healthy: Bool
        var failing: [String]
        var checks: HealthCheckResult
        init(result: HealthCheckResult) {
            healthy = result.healthy
            failing = result.failing
            checks = result
        }
    }
}

/// Requires the configured API key (header `X-API-Key` or `Authorization: Bearer …`) on every path
/// but the open ones, compared in constant time.
struct APIKeyMiddleware<Context: Hummingbird.RequestContext>: RouterMiddleware {
    let apiKey: String?
    let open: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let apiKey, !open.contains(request.uri.path) else { return try await next(request, context) }
        let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        let presented = request.headers.first { $0.name.canonicalName == "x-api-key" }?.value ?? bearer ?? ""
        guard ConstantTime.equals(presented, apiKey) else {
            return Response(
                status: .unauthorized, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"error":"missing or wrong API key"}"#)))
        }
        return try await next(request, context)
    }
}
