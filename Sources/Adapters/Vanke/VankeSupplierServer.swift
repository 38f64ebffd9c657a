import Bridge
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization
import Topics

/// The supplier's HTTP listener: POST JSON to `/<endpoint>`. Every request must carry a valid
/// signature: token = MD5(time&appId&appSecret) compared in constant time, `time` within the
/// window, our parkingLotId. Refusals are HTTP 200 with respCode "1" and a respDesc that says
/// why, as the platform expects; they never quote the secret or the expected token.
final class VankeSupplierServer: Sendable {
    private let settings: VankeSettings
    private let endpoints: VankeSupplierEndpoints
    private let clock: VankeTime
    private let logger: Logger
    private let boundPort = Mutex<Int?>(nil)
    private let listener = GracefulListener()

    init(settings: VankeSettings, endpoints: VankeSupplierEndpoints, timeZone: TimeZone, logger: Logger) {
        self.settings = settings
        self.endpoints = endpoints
        clock = VankeTime(timeZone: timeZone)
        self.logger = logger
    }

    var port: Int? { boundPort.withLock { $0 } }

    func run() async {
        let router = Router()
        router.post(":endpoint") { [self] request, context -> Response in
            await self.handle(context.parameters.get("endpoint") ?? "", request)
        }
        // Wrong methods and oversize bodies get respCode 1 too; unknown paths are answered above.
        router.add(middleware: ListenerErrorMiddleware(maxBodyBytes: settings.listener.limits.maxBodyBytes) { status, message in
            Self.answer(["respCode": "1", "respDesc": .string(message)], status: status)
        })
        do {
            let app = try ListenerApplication.make(
                name: "vanke", settings: settings.listener, router: router, serverName: "gatehouse-vanke", logger: logger,
                onServerRunning: { [self] channel in
                    let port = channel.localAddress?.port ?? self.settings.listen.port
                    self.boundPort.withLock { $0 = port }
                    let scheme = self.settings.listener.tls == nil ? "http" : "https"
                    self.logger.info("Vanke supplier endpoints listening on \(scheme)://\(self.settings.listen.host):\(port)")
                })
            try await listener.run(app, logger: logger)
        } catch {
            logger.error("Vanke supplier endpoints stopped: \(error)")
        }
    }

    /// Closes the listener; requests in flight get their answers.
    func stop() async { await listener.stop() }

    func handle(_ endpoint: String, _ request: Request) async -> Response {
        guard let route = VankeSupplierEndpoints.routes[endpoint] else {
            return Self.answer(["respCode": "1", "respDesc": .string("unknown endpoint /\(endpoint)")], status: .notFound)
        }
        do {
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: settings.listener.limits.maxBodyBytes)
            } catch {
                throw VankeRefusal("body over \(settings.listener.limits.maxBodyBytes) bytes")
            }
            let fields = try VankeRequestFields(Data(buffer: body))
            try authenticate(fields)
            var members = try await route(endpoints, fields)
            members["respCode"] = "0"
            return Self.answer(members)
        } catch let refusal as VankeRefusal {
            logger.warning("Vanke \(endpoint) refused: \(refusal.description)")
            return Self.answer(["respCode": "1", "respDesc": .string(refusal.description)])
        } catch {
            logger.error("Vanke \(endpoint) failed: \(error)")
            return Self.answer(["respCode": "1", "respDesc": "internal error"])
        }
    }

    /// Signature first (so an unsigned caller learns nothing about lots), then freshness, then the
    /// lot, then the interface version.
    func authenticate(_ fields: VankeRequestFields) throws(VankeRefusal) {
        let token = try fields.string("token")
        let timeText = try fields.string("time")
        let lot = try fields.string("parkingLotId")
        guard VankeToken.verify(token, time: timeText, appId: settings.appId, secret: settings.appSecret) else {
            throw VankeRefusal("token invalid")
        }
        guard let time = clock.parse(timeText) else {
            throw VankeRefusal("field 'time': expected yyyyMMdd HH:mm:ss, got \"\(timeText)\"")
        }
        let skew = abs(time.timeIntervalSinceNow)
        guard skew <= settings.timeWindow.timeInterval else {
            throw VankeRefusal(
                "field 'time': \(timeText) is \(Int(skew)) s away from our clock (allowed ±\(Int(settings.timeWindow.timeInterval)) s)")
        }
        guard lot == settings.parkingLotId else {
            throw VankeRefusal("field 'parkingLotId': unknown parking lot")
        }
        // 必填, "默认为 1.0": another version may mean other fields; one left out is taken as the default.
        if let version = try fields.optionalString("version"), version != VankeWire.version {
            throw VankeRefusal("field 'version': \"\(version)\" is not supported, expected \(VankeWire.version)")
        }
    }

    private static func answer(_ members: [String: JSONValue], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(data: JSONValue.object(members).jsonData())))
    }
}
