import Foundation
import Hummingbird
import Logging
import NIOCore
import Topics

/// Gatehouse's HTTP listener: `/healthz`, `/metrics`, `/images/…` and the operator console (`/`).
public enum BridgeHTTPServer {
    /// An application (a Service) serving the bridge's endpoints. `onListening` receives the bound
    /// port, which matters when the config asks for port 0.
    public static func application(
        bridge: GatehouseBridge, logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let settings = bridge.context.config.http
        let router = Router()
        router.add(middleware: ListenerErrorMiddleware(maxBodyBytes: settings.listener.limits.maxBodyBytes) { status, message in
            Response(
                status: status, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(data: JSONValue.object(["error": .string(message)]).jsonData())))
        })
        // Pictures are open by default: the vendor's operators open them in a browser that has no
        // key, and their names are random UUIDs (122 bits), never a device's id. Plate photos are
        // personal data, so `imagesRequireKey` closes them (a browser then asks for the key).
        router.add(middleware: APIKeyMiddleware(
            apiKey: settings.apiKey?.reveal(), open: ["/healthz"], openPrefixes: settings.imagesRequireKey ? [] : ["/images/"]))
        // Open and unauthenticated: many callers at once share one check (see HealthCheckCache).
        let health = HealthCheckCache(maxAge: .seconds(2)) { await bridge.checkHealth() }
        router.get("healthz") { _, _ -> Response in
            let result = await health.result()
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
        router.get("images/:name") { _, context -> Response in
            try await image(named: context.parameters.get("name") ?? "", store: bridge.context.store)
        }
        // The console's feed runs with the listener: no listener, no console connection.
        let console = ConsoleFeed(context: bridge.context, logger: logger)
        ConsoleRoutes.register(on: router, feed: console, requests: consoleRequests(bridge, logger: logger), bridge: bridge)
        return try ListenerApplication.make(
            name: "http", settings: settings.listener, router: router, serverName: "gatehouse", services: [console],
            logger: logger,
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? settings.listen.port) })
    }

    /// The console's request form sends through a reply mailbox of its own, subscribed from now on.
    private static func consoleRequests(_ bridge: GatehouseBridge, logger: Logger) -> ConsoleRequests {
        let context = bridge.context
        let client = RequestClient(context: context, name: "console")
        client.start()
        return ConsoleRequests(
            enabled: context.config.http.apiKey != nil, client: client, topics: context.topics,
            timeout: context.config.requests.handlerTimeout + .seconds(5),
            maxPayloadBytes: context.config.requests.maxPayloadBytes, logger: logger)
    }

    /// `/images/<uuid>.jpg`: a stored picture with its content type.
    static func image(named name: String, store: Store) async throws -> Response {
        let id = name.hasSuffix(".jpg") ? String(name.dropLast(4)) : name
        guard UUID(uuidString: id) != nil, let image = try await store.images.get(id: id.lowercased()) else {
            return Response(
                status: .notFound, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"error":"no such image"}"#)))
        }
        return Response(
            status: .ok, headers: [.contentType: image.contentType, .cacheControl: "private, max-age=86400"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: image.data)))
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
