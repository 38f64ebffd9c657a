import Bridge
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization
import Topics

/// An OZLocks-compatible Web-API: the nine endpoints, same JSON, status codes and API-key check,
/// answered by publishing the matching MQTT request and waiting for the response. A PMS written
/// for OZLocks points here unchanged; whoever serves the encoder or lock on MQTT answers.
final class OZLocksFacade: Sendable {
    private let settings: OZLocksSettings.Facade
    private let apiKeyHeader: String
    private let context: BridgeContext
    private let requests: RequestClient
    /// An identical change POSTed again within `duplicateWindow` gets the first one's transaction.
    private let duplicates: DuplicateWindow
    private let translation: FacadeTranslation
    private let logger: Logger
    private let boundPort = Mutex<Int?>(nil)
    private let listener = GracefulListener()

    init(settings: OZLocksSettings.Facade, apiKeyHeader: String, context: BridgeContext, logger: Logger) {
        self.settings = settings
        self.apiKeyHeader = apiKeyHeader.lowercased()
        self.context = context
        self.logger = logger
        requests = RequestClient(context: context, name: "ozlocks-facade")
        duplicates = DuplicateWindow(store: context.store, scope: "ozlocks-facade", window: settings.duplicateWindow)
        translation = FacadeTranslation(
            topics: context.topics, dates: OZLocksDate(timeZone: context.timeZone), timeZone: context.timeZone)
    }

    /// The port it listens on once running (the config may ask for port 0).
    var port: Int? { boundPort.withLock { $0 } }

    func run() async {
        requests.start()
        let router = Router()
        for operation in OZLocksOperation.allCases {
            let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { [self] request, _ in
                try await self.handle(operation, request)
            }
            router.on(RouterPath(operation.rawValue), method: operation.isGet ? .get : .post, use: handler)
        }
        // Unknown paths, wrong methods and oversize bodies get the vendor's ECode/EMessage too.
        router.add(middleware: ListenerErrorMiddleware(maxBodyBytes: settings.listener.limits.maxBodyBytes) { status, message in
            Self.response(FacadeError(status: status.code, code: String(status.code), message: message))
        })
        do {
            let app = try ListenerApplication.make(
                name: "ozlocks-facade", settings: settings.listener, router: router, serverName: "gatehouse-ozlocks",
                logger: logger,
                onServerRunning: { [self] channel in
                    let port = channel.localAddress?.port ?? self.settings.listen.port
                    self.boundPort.withLock { $0 = port }
                    let scheme = self.settings.listener.tls == nil ? "http" : "https"
                    self.logger.info("OZLocks facade listening on \(scheme)://\(self.settings.listen.host):\(port)")
                })
            try await listener.run(app, logger: logger)
        } catch {
            logger.error("OZLocks facade stopped: \(error)")
        }
    }

    /// Closes the listener gracefully; `run` returns once requests in flight are answered.
    func stop() async { await listener.stop() }

    private func handle(_ operation: OZLocksOperation, _ request: Request) async throws -> Response {
        let presented = request.headers.first { $0.name.canonicalName == apiKeyHeader }?.value ?? ""
        // Blank keys never match (check-config refuses them too): an empty key must not let an empty header in.
        guard !presented.isEmpty, ConstantTime.matchesAny(presented, of: settings.apiKeys.filter { !$0.isBlank }.map { $0.reveal() }) else {
            logger.warning("OZLocks facade: refused \(operation.rawValue) with a missing or unknown API key")
            return Self.response(FacadeError(status: 401, code: "401", message: "unknown API key"))
        }
        let body: Data
        do {
            body = Data(buffer: try await request.body.collect(upTo: settings.listener.limits.maxBodyBytes))
        } catch {
            // Over the limit without a Content-Length (chunked), or the client went away mid-body.
            return Self.response(FacadeError(status: 413, code: "413", message: "body over \(settings.listener.limits.maxBodyBytes) bytes"))
        }
        do {
            let call = try translation.translate(operation, LenientJSON.repair(body))
            var payload = call.payload
            if !operation.isGet {
                // Changes carry a transaction, so neither a redelivered MQTT request nor the PMS
                // POSTing the same change again (after a timeout) cuts a second card: an identical
                // one within the window is answered from the journal.
                let identity = operation.rawValue + "\u{0}" + call.topic + "\u{0}" + JSONValue.object(payload).jsonString
                payload["transaction"] = .string(await duplicates.transaction(for: identity, prefix: "ozlocks-facade"))
            }
            let envelope: ResponseEnvelope
            do {
                envelope = try await requests.request(
                    call.topic, payload: JSONValue.object(payload).jsonData(), timeout: settings.timeout)
            } catch {
                throw FacadeError(error, change: !operation.isGet)
            }
            if let error = envelope.error { throw FacadeError(error, change: !operation.isGet) }
            let answer = JSONValue.object(call.answer(envelope.data))
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(data: answer.jsonData())))
        } catch let error as FacadeError {
            return Self.response(error)
        }
    }

    private static func response(_ error: FacadeError) -> Response {
        Response(
            status: HTTPResponse.Status(code: error.status), headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: error.body)))
    }
}
