import Vanke
import Bridge
import Foundation
import Simulators
import Topics

/// The parking side of the demo: the Vanke platform simulator, the adapter's settings for it, and
/// a scripted car (recognised, refused, re-sent, allowed, crossing), a display text and a place.
struct DemoParking: Sendable {
    static let appId = "99848791"
    static let secret = "demo-vanke-secret"
    static let lot = "lot-1"
    /// The platform signs its `time` in the site's zone, as the bridge does (the demo site is in Moscow).
    let platform = VankePlatformSimulator(
        appId: appId, appSecret: secret, parkingLotId: lot, timeZone: TimeZone(identifier: "Europe/Moscow")!)

    func settings(platformPort: Int, supplierPort: Int) -> VankeSettings {
        var settings = VankeSettings()
        settings.platformUrl = "http://127.0.0.1:\(platformPort)"
        settings.appId = Self.appId
        settings.appSecret = Secret(Self.secret)
        settings.parkingLotId = Self.lot
        settings.listen = ConfigHostPort(host: "127.0.0.1", port: supplierPort)
        settings.repollInterval = .seconds(1)
        settings.devices = [
            .init(deviceNo: "CAM-01", kind: .recognizer, lane: "东二门01道"),
            .init(deviceNo: "DWWE10232", kind: .display, lane: "东二门01道"),
        ]
        return settings
    }

    func play(_ client: MQTTClient, topics: TopicTree, adapter: VankeAdapter) async throws {
        let parking = topics.parking(Self.lot)
        let gate = parking.gate("CAM-01")
        let run = "\(Int(Date().timeIntervalSince1970))"
        show("--- parking: a car drives up to gate CAM-01; the platform refuses it twice (unpaid), then allows")
        platform.allow(plate: "粤B12345", afterDenials: 2)
        try client.publish(gate.loop, Data(#"{"occupied":true}"#.utf8), retain: true)
        try client.publish(gate.recognition, Data(#"{"uuid":"demo-\#(run)","plate":"粤B12345","color":"blue","reliability":96}"#.utf8))
        _ = try? await platform.waitForPushes("receivePlateNumber", count: 3, timeout: .seconds(15))
        try await Task.sleep(for: .milliseconds(600))
        for push in platform.plateNumbers {
            show("  platform < receivePlateNumber \(push.fields["plateNumber"] ?? "") → respCode \(push.answeredRespCode)")
        }
        show("--- the car crosses the barrier loop")
        try client.publish(gate.crossing, Data(#"{"uuid":"demo-\#(run)-x","plate":"粤B12345","color":"blue"}"#.utf8))
        try client.publish(gate.loop, Data(#"{"occupied":false}"#.utf8), retain: true)
        _ = try? await platform.waitForPushes("receiveCrossGate", count: 1, timeout: .seconds(10))
        show("  platform < receiveCrossGate 粤B12345")
        guard let port = await adapter.supplierPort() else { return }
        let supplier = "http://127.0.0.1:\(port)"
        show("--- the platform shows a text on display DWWE10232 (receiveShowMsg)")
        let msg = #"[{"text":"粤B12345","alignment":"center"},{"text":"临停车 欢迎光临","alignment":"center"}]"#
        if let answer = try? await platform.callSupplier(supplier, "receiveShowMsg", fields: ["deviceNo": "DWWE10232", "msg": .string(msg)]) {
            show("  HTTP \(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
        }
        show("--- place P-001 turns occupied; the platform asks (queryPlaceStatus)")
        try client.publish(parking.place("P-001"), Data(#"{"status":"occupied","plate":"粤B12345"}"#.utf8), retain: true)
        try await Task.sleep(for: .milliseconds(400))
        if let answer = try? await platform.callSupplier(supplier, "queryPlaceStatus", fields: [:]) {
            show("  HTTP \(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
        }
    }
}
