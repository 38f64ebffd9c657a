import Bridge
import Foundation
import Simulators
import TestSupport
import Testing
import Topics

@Suite("Vanke device health and alarms")
struct VankeDeviceTests {
    @Test("a device offline longer than the interval raises its code once, with the spec's message; back online, no repeat")
    func offlineOnce() async throws {
        let h = try await VankeHarness.start(settings: { $0.deviceCheckInterval = .milliseconds(400) })
        let availability = h.parking.device("DWWE10232").availability
        try h.client.publish(availability, #"{"state":"offline"}"#, retain: true)
        let alarm = try #require(try await h.platform.waitForPushes("receiveAbnormal", count: 1).first)
        #expect(alarm.fields["abnormalCode"] == "1101")
        #expect(alarm.fields["deviceNo"] == "DWWE10232")
        #expect(alarm.fields["msg"] == "东二门01道的显示屏【DWWE10232】连接异常！")
        try await Task.sleep(for: .milliseconds(1200))  // three intervals: no second alarm (absence)
        #expect(h.platform.abnormals.count == 1)
        try h.client.publish(availability, #"{"state":"online"}"#, retain: true)
        try await Task.sleep(for: .milliseconds(1200))
        #expect(h.platform.abnormals.count == 1)
        try h.client.publish(availability, "", retain: true)
        await h.stop()
    }

    @Test("a recognizer offline raises 1201; a device back before the interval raises nothing")
    func recognizerAndBlip() async throws {
        let h = try await VankeHarness.start(settings: { $0.deviceCheckInterval = .milliseconds(600) })
        let camera = h.parking.device("CAM-01").availability
        let display = h.parking.device("DWWE10232").availability
        try h.client.publish(display, #"{"state":"offline"}"#, retain: true)
        try h.client.publish(display, #"{"state":"online"}"#, retain: true)
        try h.client.publish(camera, #"{"state":"offline"}"#, retain: true)
        let alarm = try #require(try await h.platform.waitForPushes("receiveAbnormal", count: 1).first)
        #expect(alarm.fields["abnormalCode"] == "1201")
        #expect(alarm.fields["msg"] == "东二门01道的车牌识别器【CAM-01】连接异常！")
        try await Task.sleep(for: .milliseconds(600))
        #expect(h.platform.abnormals.count == 1)
        try h.client.publish(camera, "", retain: true)
        try h.client.publish(display, "", retain: true)
        await h.stop()
    }

    @Test("a loop occupied longer than loopAlarmAfter raises 1401 once")
    func loopTooLong() async throws {
        let h = try await VankeHarness.start(settings: { $0.loopAlarmAfter = .milliseconds(300) })
        try h.client.publish(h.parking.gate("CAM-01").loop, #"{"occupied":true}"#, retain: true)
        let alarm = try #require(try await h.platform.waitForPushes("receiveAbnormal", count: 1).first)
        #expect(alarm.fields["abnormalCode"] == "1401")
        #expect(alarm.fields["msg"] == "东二门01道车辆压线圈过长！")
        try await Task.sleep(for: .milliseconds(900))
        #expect(h.platform.abnormals.count == 1)
        try h.client.publish(h.parking.gate("CAM-01").loop, "", retain: true)
        await h.stop()
    }

    @Test("field-device alarms are pushed as they come; a bad code is refused naming the field")
    func deviceAlarm() async throws {
        let h = try await VankeHarness.start()
        try h.client.publish(h.parking.device("BAR-01").alarm, #"{"code":"13"}"#)
        try h.client.publish(h.parking.device("BAR-01").alarm, #"{"code":"1301"}"#)
        let alarm = try #require(try await h.platform.waitForPushes("receiveAbnormal", count: 1).first)
        #expect(alarm.fields["abnormalCode"] == "1301")
        #expect(alarm.fields["msg"]?.contains("BAR-01") == true)
        #expect(h.log.text.contains("field 'code'"))
        await h.stop()
    }

    @Test("a device not in devices is reported as unregistered (1402), never as 1401, the loop alarm")
    func unknownDevice() async throws {
        let h = try await VankeHarness.start(settings: { $0.deviceCheckInterval = .milliseconds(300) })
        let availability = h.parking.device("GHOST-9").availability
        try h.client.publish(availability, #"{"state":"offline"}"#, retain: true)
        let alarm = try #require(try await h.platform.waitForPushes("receiveAbnormal", count: 1).first)
        #expect(alarm.fields["abnormalCode"] == "1402")
        #expect(alarm.fields["msg"] == "未登记的设备【GHOST-9】连接异常！")
        #expect(h.log.text.contains("device GHOST-9 is not in adapters.vanke.devices"))
        try h.client.publish(availability, "", retain: true)
        await h.stop()
    }

    @Test("a field alarm without a message gets the spec's template for its code")
    func fieldAlarmTemplates() async throws {
        let h = try await VankeHarness.start()
        try h.client.publish(h.parking.device("CAM-01").alarm, #"{"code":"1201"}"#)
        try h.client.publish(h.parking.device("CAM-01").alarm, #"{"code":"1401"}"#)
        try h.client.publish(h.parking.device("CAM-01").alarm, #"{"code":"1999"}"#)
        let alarms = try await h.platform.waitForPushes("receiveAbnormal", count: 3)
        #expect(alarms.map { $0.fields["msg"] } == [
            "东二门01道的车牌识别器【CAM-01】连接异常！", "东二门01道车辆压线圈过长！", "东二门01道的车牌识别器【CAM-01】报警（1999）",
        ])
        await h.stop()
    }

    @Test("a device without a Last Will is checked by connecting to its address; one that refuses raises its code once")
    func activeCheck() async throws {
        let closed = try FreePort.pick()
        let h = try await VankeHarness.start(settings: { settings in
            settings.deviceCheckInterval = .milliseconds(400)
            settings.devices += [
                .init(deviceNo: "BAR-01", kind: .barrier, lane: "东二门01道", address: ConfigHostPort(host: "127.0.0.1", port: closed))
            ]
        })
        let alarm = try #require(try await h.platform.waitForPushes("receiveAbnormal", count: 1).first)
        #expect(alarm.fields["abnormalCode"] == "1301")
        #expect(alarm.fields["msg"] == "东二门01道的栏杆机【BAR-01】连接异常！")
        let stored = try await h.running.bridge.context.store.cursors.value(adapter: "vanke", key: "device.BAR-01")
        #expect(stored != nil, "the offline mark is kept for a restart")
        try await Task.sleep(for: .milliseconds(1200))  // three more checks: no second alarm (absence)
        #expect(h.platform.abnormals.count == 1)
        await h.stop()
    }

    @Test("a device that accepts the connection raises nothing")
    func activeCheckReachable() async throws {
        let platform = VankePlatformSimulator(appId: VankeHarness.appId, appSecret: VankeHarness.secret, parkingLotId: VankeHarness.lot)
        let listening = try await platform.start()  // any listener will do for a device that answers
        let h = try await VankeHarness.start(settings: { settings in
            settings.deviceCheckInterval = .milliseconds(300)
            settings.devices += [.init(deviceNo: "LED-02", kind: .display, lane: "东二门02道", address: ConfigHostPort(host: "127.0.0.1", port: listening))]
        })
        try await Task.sleep(for: .milliseconds(1200))  // four checks: nothing raised (absence)
        #expect(h.platform.abnormals.isEmpty)
        await platform.stop()
        // Now it refuses: the same check raises its code.
        let alarm = try #require(try await h.platform.waitForPushes("receiveAbnormal", count: 1).first)
        #expect(alarm.fields["abnormalCode"] == "1101")
        await h.stop()
    }

    @Test("a loop timer survives a restart: 1401 is not raised again for the same occupation")
    func loopAcrossRestart() async throws {
        let first = try await VankeHarness.start(settings: { $0.loopAlarmAfter = .milliseconds(300) })
        let loop = first.parking.gate("CAM-01").loop
        let since = Timestamp.rfc3339(Date().addingTimeInterval(-60), in: VankeHarness.zone)
        try first.client.publish(loop, #"{"occupied":true,"since":"\#(since)"}"#, retain: true)
        _ = try await first.platform.waitForPushes("receiveAbnormal", count: 1)
        try await eventually { try await first.running.bridge.context.store.cursors.value(adapter: "vanke", key: "loop.CAM-01") != nil }
        let config = first.running.config
        await first.stop()

        let second = try await VankeHarness.start(settings: { $0.loopAlarmAfter = .milliseconds(300) }, bridge: {
            $0.mqtt.baseTopic = config.mqtt.baseTopic
            $0.store.path = config.store.path
        })
        // The retained occupation arrives again; three alarm periods pass without a second 1401.
        _ = try await second.client.next(on: loop)
        try await Task.sleep(for: .milliseconds(900))
        #expect(second.platform.abnormals.isEmpty, "\(second.platform.abnormals)")
        // A new occupation (another since) is a new timer.
        let later = Timestamp.rfc3339(Date(), in: VankeHarness.zone)
        try second.client.publish(loop, #"{"occupied":true,"since":"\#(later)"}"#, retain: true)
        _ = try await second.platform.waitForPushes("receiveAbnormal", count: 1)
        try second.client.publish(loop, "", retain: true)
        await second.stop()
    }
}
