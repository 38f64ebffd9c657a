import Adapters
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
}
