import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle
import Topics

/// The operator console's endpoints, behind the listener's API key like everything but `/healthz`:
///
/// - `GET /`: the page; `GET /console/app.js`, `GET /console/app.css`: its script and style;
/// - `GET /console/events`: Server-Sent Events (`ConsoleEvent`), a snapshot first, then updates;
/// - `POST /console/request`: `{"topic","payload"}` → the contract response (`ConsoleRequests`).
enum ConsoleRoutes {
    static func register<Context: Hummingbird.RequestContext>(
        on router: Router<Context>, feed: ConsoleFeed, requests: ConsoleRequests, bridge: GatehouseBridge
    ) {
        router.get("/") { _, _ in asset(ConsolePage.html, type: "text/html; charset=utf-8") }
        router.get("console/app.js") { _, _ in asset(ConsoleScript.source, type: "text/javascript; charset=utf-8") }
        router.get("console/app.css") { _, _ in asset(ConsoleStyle.source, type: "text/css; charset=utf-8") }
        router.get("console/events") { _, _ in await events(feed: feed, hello: hello(bridge, requests: requests.enabled)) }
        router.post("console/request") { request, _ -> Response in
            if let refusal = refusal(request) { return refusal }
            let body = try await request.body.collect(upTo: requests.maxPayloadBytes * 2 + 4096)
            let (status, answer) = await requests.send(Data(buffer: body))
            return json(status, answer)
        }
    }

    /// The page is self-contained: no CDN, and a policy that lets it load nothing from elsewhere.
    private static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: type, .cacheControl: "no-cache", .xContentTypeOptions: "nosniff",
                .contentSecurityPolicy: policy,
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    private static let policy = [
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "img-src 'self' data:",
        "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    private struct Hello: Encodable {
        var base: String
        var instance: String
        var version: String
        var requestFilters: [String]
        var requestsEnabled: Bool
    }

    private static func hello(_ bridge: GatehouseBridge, requests: Bool) -> ByteBuffer {
        let context = bridge.context
        let filters = Set(context.router.filters.map(\.filter)).sorted()
        return ConsoleEvent.frame(
            "hello",
            Hello(
                base: context.topics.base, instance: context.config.instance, version: GatehouseVersion.string,
                requestFilters: filters, requestsEnabled: requests))
    }

    private static func events(feed: ConsoleFeed, hello: ByteBuffer) async -> Response {
        await feed.refreshStatus()
        guard let (id, frames) = feed.hub.attach(hello: hello) else {
            return json(.serviceUnavailable, Data(#"{"error":"the console is shutting down"}"#.utf8))
        }
        let hub = feed.hub
        let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-store"]
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                // The stream never ends by itself: without this, a graceful shutdown of the
                // listener would wait for every open console forever.
                defer { hub.detach(id) }
                try await withGracefulShutdownHandler {
                    for await frame in frames { try await writer.write(frame) }
                } onGracefulShutdown: {
                    hub.detach(id)
                }
                try await writer.finish(nil)
            })
    }

    /// Basic auth makes the browser send the key with any request to this origin, also one that
    /// another site's page makes it send: a JSON content type (which a cross-site form cannot set
    /// without a CORS preflight, which is never granted) and a same-origin check refuse those.
    static func refusal(_ request: Request) -> Response? {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/json") else {
            return json(.unsupportedMediaType, Data(#"{"error":"send the form as application/json"}"#.utf8))
        }
        let site = request.headers.first { $0.name.canonicalName == "sec-fetch-site" }?.value
        let origin = request.headers[.origin]
        let host = request.head.authority ?? ""
        let foreignOrigin = origin.map { $0 != "http://\(host)" && $0 != "https://\(host)" } ?? false
        guard site == nil || site == "same-origin" || site == "none", !foreignOrigin else {
            return json(.forbidden, Data(#"{"error":"cross-site requests are refused"}"#.utf8))
        }
        return nil
    }

    private static func json(_ status: HTTPResponse.Status, _ body: Data) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: body)))
    }
}
