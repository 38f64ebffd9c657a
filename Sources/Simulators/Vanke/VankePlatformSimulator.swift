import Foundation
import Hummingbird
import Logging
import Synchronization

// An independent reading of the parking integration standard V1.7 (`specs/002_658918d522ecfcc4.txt`),
// playing the Vanke platform: it receives the supplier's three pushes and calls the supplier's
// interfaces on demand. Where the spec is silent or unclear, this simulator chooses:
//
// - Pushes are POST JSON with `Content-Type: application/json` (a charset is fine); any path ending
//   in /receivePlateNumber, /receiveCrossGate or /receiveAbnormal is served, so the platform's base
//   URL may carry a prefix. Other paths answer 404 and other methods 405; neither counts as a call.
// - Every refusal is HTTP 200 `{"respCode":"1","respDesc":"…"}` naming the first problem, checked in
//   this order: Content-Type, body is a JSON object, version is "1.0", time is `yyyyMMdd HH:mm:ss`,
//   appId, parkingLotId, token (lower-case MD5 of time&appId&appSecret), then the endpoint's members
//   in the spec's table order. String members must be JSON strings (a number is "类型错误");
//   reliability must be a JSON integer 0–100. plateNumber and image may be empty strings (nothing
//   recognised, no picture); a crossing's plate may be empty too. color is one of the six of
//   "字段说明". receiveCrossGate accepts appId or the table's `appld`. Unknown members are ignored.
// - The request time is not compared with the platform's clock: the spec names no window.
// - Success is `{"respCode":"0"}`; a refused plate adds its respDesc. Rules decide
//   receivePlateNumber by exact plate text; an empty plate is always allowed.
// - Faults come after routing and call counting, before the checks, and apply to all three pushes
//   or to one endpoint, for every call or a number of calls. A push that passes the checks is
//   recorded (with its answer) even under respCode1 and acceptThenDrop (processed, then the
//   connection is dropped unanswered); garbage, httpStatus and hang answers record nothing.
// - Strict checks beyond the spec's letter are off unless switched on (`VankeStrictness`): a
//   non-empty image, an image URL that opens to a JPEG, a `time` close to the platform's clock.

/// A simulation of the Vanke parking platform ("泊时易"): receives receivePlateNumber,
/// receiveCrossGate and receiveAbnormal, and calls the supplier's interfaces. Tests steer it directly.
public final class VankePlatformSimulator: Sendable {
    let state = Mutex(VankeState())
    let checks: VankePushCheck
    let appId: String
    let appSecret: String
    let parkingLotId: String
    let time: VankeTime
    /// Told about every call to the supplier (see `onSupplierExchange`).
    /// In a struct: a bare closure as a `Mutex`'s value gains two thunks on every `withLock`.
    let exchangeObserver = Mutex<ExchangeObserver?>(nil)
    struct ExchangeObserver: Sendable { let observe: @Sendable (VankeSupplierExchange) -> Void }
    private let server: SimulatorHTTPServer

    /// A platform that knows one supplier (appId/appSecret, "由万科分配") and one parking lot.
    public init(appId: String, appSecret: String, parkingLotId: String,
                timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!) {
        self.appId = appId
        self.appSecret = appSecret
        self.parkingLotId = parkingLotId
        time = VankeTime(timeZone: timeZone)
        checks = VankePushCheck(appId: appId, appSecret: appSecret, parkingLotId: parkingLotId, time: time)
        var logger = Logger(label: "gatehouse.simulator.vanke.http")
        // stop() cancels the server, which Hummingbird logs as an error; requests are answered, not logged.
        logger.logLevel = .critical
        server = SimulatorHTTPServer(serverName: "Vanke-Simulator", logger: logger)
    }

    /// Starts listening (port 0: any free port) and returns the bound port; already running: its port.
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        try await server.start(host: host, port: port, responder: VankeResponder(simulator: self))
    }

    /// Stops listening: afterwards connections are refused, as with a platform that is down. Held
    /// (hang) requests are dropped. The state is kept, so start() again is a restart.
    public func stop() async {
        let held = state.withLock { state in
            state.stops += 1
            return state.releaseHung()
        }
        held.forEach { $0.resume() }
        await server.stop()
    }

    /// The bound port while running.
    public var port: Int? { server.port }

    /// The spec's token for a time text, as both sides compute it.
    public static func token(time: String, appId: String, appSecret: String) -> String {
        VankeToken.make(time: time, appId: appId, appSecret: appSecret)
    }

    /// A date in the standard's `yyyyMMdd HH:mm:ss`, in this platform's time zone.
    public func timeText(_ date: Date) -> String { time.string(from: date) }
}
