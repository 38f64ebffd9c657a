import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Simulators
import Testing

let vankeAppId = "99848791"
let vankeSecret = "eV7spoA0rr7EyjGuJxQFOa3Vs5wvcRUo"
let vankeLot = "PL-0001"

/// The spec's token, computed here (swift-crypto directly), independently of the simulator's code.
func vankeToken(_ time: String, appId: String = vankeAppId, secret: String = vankeSecret) -> String {
    Insecure.MD5.hash(data: Data((time + "&" + appId + "&" + secret).utf8)).map { String(format: "%02x", $0) }.joined()
}

/// A date as `yyyyMMdd HH:mm:ss` in Asia/Shanghai, written with DateFormatter (not the simulator's code).
func vankeTime(_ date: Date = Date(), zone: String = "Asia/Shanghai") -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: zone)
    formatter.dateFormat = "yyyyMMdd HH:mm:ss"
    return formatter.string(from: date)
}

/// A good push's members (before signing), per endpoint; tests change or remove some.
enum VankeTestPush {
    static func plate(_ plate: String = "粤B12345", uuid: String = UUID().uuidString) -> [String: Any] {
        ["deviceNo": "CAM-01", "uuid": uuid, "recognitionTime": vankeTime(), "image": "http://cam/1.jpg",
         "plateNumber": plate, "color": "blue", "reliability": 80]
    }

    static func crossing(_ plate: String = "粤B12345", uuid: String = UUID().uuidString) -> [String: Any] {
        ["deviceNo": "CAM-01", "uuid": uuid, "plateNumber": plate, "color": "yellow", "crossTime": vankeTime()]
    }

    static func abnormal() -> [String: Any] {
        ["abnormalCode": "1201", "deviceNo": "CAM-02", "msg": "东二门01道的车牌识别器【CAM-02】连接异常！"]
    }
}

/// An HTTP answer as the tests see it.
struct VankeTestReply: Sendable {
    let status: Int
    let contentType: String?
    let body: Data
    var raw: String { String(decoding: body, as: UTF8.self) }
    /// The body's top-level members when it is a JSON object (decoded by Foundation).
    var object: [String: String]? {
        guard let any = try? JSONSerialization.jsonObject(with: body), let object = any as? [String: Any] else { return nil }
        return object.mapValues { "\($0)" }
    }
    var respCode: String? { (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["respCode"] as? String }
    var respDesc: String? { (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["respDesc"] as? String }
}

/// Pushes over URLSession, as the supplier (the adapter) would send them.
struct VankeTestClient: Sendable {
    let port: Int

    /// Adds whatever common member is missing (version, appId, parkingLotId, time, then a token over
    /// that time and appId), serialises and POSTs to `/<endpoint>`.
    func push(_ endpoint: String, _ members: [String: Any], timeout: TimeInterval = 10) async throws -> VankeTestReply {
        try await post("/" + endpoint, Self.signed(members), timeout: timeout)
    }

    static func signed(_ members: [String: Any]) -> Data {
        var all = members
        all["version"] = all["version"] ?? "1.0"
        all["appId"] = all["appId"] ?? vankeAppId
        all["parkingLotId"] = all["parkingLotId"] ?? vankeLot
        all["time"] = all["time"] ?? vankeTime()
        all["token"] = all["token"] ?? vankeToken("\(all["time"]!)")
        return try! JSONSerialization.data(withJSONObject: all.compactMapValues { $0 is NSNull ? nil : $0 })
    }

    func post(_ path: String, _ body: Data, contentType: String? = "application/json; charset=utf-8",
              method: String = "POST", timeout: TimeInterval = 10) async throws -> VankeTestReply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        request.timeoutInterval = timeout
        if method == "POST" { request.httpBody = body }
        return try await withCheckedThrowingContinuation { continuation in
            Self.session.dataTask(with: request) { data, response, error in
                guard let response = response as? HTTPURLResponse else {
                    continuation.resume(throwing: error ?? URLError(.badServerResponse))
                    return
                }
                let type = response.value(forHTTPHeaderField: "Content-Type")
                continuation.resume(returning: VankeTestReply(status: response.statusCode, contentType: type, body: data ?? Data()))
            }.resume()
        }
    }

    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        return URLSession(configuration: configuration)
    }()
}

/// Fixture: appId/secret of the spec's token example, lot PL-0001, listening on a free port.
func withVankeSimulator(_ body: (VankePlatformSimulator, VankeTestClient) async throws -> Void) async throws {
    let simulator = VankePlatformSimulator(appId: vankeAppId, appSecret: vankeSecret, parkingLotId: vankeLot)
    let port = try await simulator.start()
    do {
        try await body(simulator, VankeTestClient(port: port))
    } catch {
        await simulator.stop()
        throw error
    }
    await simulator.stop()
}

struct VankeTestTimeout: Error, CustomStringConvertible { let description: String }

/// Waits (polling, with a deadline) until the condition holds; fails loudly naming what was awaited.
func vankeEventually(_ what: String, timeout: Duration = .seconds(5), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else { throw VankeTestTimeout(description: "timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(5))
    }
}
