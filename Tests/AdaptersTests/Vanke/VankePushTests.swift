import AsyncHTTPClient
import Bridge
import Foundation
import NIOCore
import Simulators
import TestSupport
import Testing
import Topics

@Suite("Vanke pushes: recognitions, crossings, alarms against the platform simulator")
struct VankePushTests {
    @Test("a recognition is pushed signed and complete, and the platform's allow opens the gate")
    func allow() async throws {
        let h = try await VankeHarness.start()
        let mark = h.client.mark()
        try h.recognize("CAM-01", uuid: "r-1", plate: "粤B12345", extra: #","recognizedAt":"2026-12-01T10:00:05+08:00","reliability":93"#)
        let decision = try await h.decision("CAM-01", after: mark)
        #expect(decision == ["uuid": "r-1", "open": true, "by": "platform"])
        let push = try #require(try await h.platform.waitForPushes("receivePlateNumber", count: 1).first)
        #expect(push.fields["deviceNo"] == "CAM-01")
        #expect(push.fields["plateNumber"] == "粤B12345")
        #expect(push.fields["color"] == "blue")
        #expect(push.fields["recognitionTime"] == "20261201 10:00:05")
        #expect(push.fields["reliability"] == "93")
        #expect(push.fields["parkingLotId"] == VankeHarness.lot)
        #expect(push.fields["appId"] == VankeHarness.appId)
        #expect(push.fields["version"] == "1.0")
        #expect(h.platform.rejected.isEmpty, "\(h.platform.rejected)")
        await h.stop()
    }

    @Test("a refusal closes the gate, the recognition is re-sent every repollInterval until allowed")
    func denyThenAllow() async throws {
        let h = try await VankeHarness.start { $0.allow(plate: "粤B00001", afterDenials: 2) }
        let mark = h.client.mark()
        try h.recognize("CAM-01", uuid: "r-2", plate: "粤B00001")
        let first = try await h.decision("CAM-01", after: mark)
        #expect(first["open"] == false)
        #expect(first["by"] == "platform")
        #expect(first["reason"]?.stringValue?.isEmpty == false)
        let next = h.client.mark()
        let allowed = try await h.decision("CAM-01", after: next)
        #expect(allowed == ["uuid": "r-2", "open": true, "by": "platform"])
        let pushes = try await h.platform.waitForPushes("receivePlateNumber", count: 3)
        #expect(pushes.map(\.uuid) == ["r-2", "r-2", "r-2"])
        #expect(pushes.map(\.answeredRespCode) == ["1", "1", "0"])
        // Re-sent on the interval (300 ms here), not hammered.
        for (a, b) in zip(pushes, pushes.dropFirst()) {
            #expect(b.receivedAt.timeIntervalSince(a.receivedAt) >= 0.25)
        }
        // The refusal was published once, not on every re-send.
        #expect(h.client.received(on: h.parking.gate("CAM-01").decision).count == 2)
        await h.stop()
    }

    @Test("re-sending stops when the vehicle crosses, and the crossing is pushed after the recognition")
    func crossingEndsResend() async throws {
        let h = try await VankeHarness.start { $0.deny(plate: "粤B00002") }
        let mark = h.client.mark()
        try h.recognize("CAM-01", uuid: "r-3", plate: "粤B00002")
        #expect(try await h.decision("CAM-01", after: mark)["open"] == false)
        _ = try await h.platform.waitForPushes("receivePlateNumber", count: 2)
        try h.cross("CAM-01", uuid: "c-3", plate: "粤B00002")
        let crossing = try #require(try await h.platform.waitForPushes("receiveCrossGate", count: 1).first)
        #expect(crossing.fields["uuid"] == "c-3")
        #expect(crossing.fields["crossTime"]?.count == 17)
        let sent = h.platform.plateNumbers.count
        // Three intervals with no further re-send prove it stopped (absence cannot be awaited).
        try await Task.sleep(for: .milliseconds(900))
        #expect(h.platform.plateNumbers.count == sent)
        await h.stop()
    }

    @Test("platform down for 5 tries: a failed record visible through queryUnPushRecognitionInfo, the gate auto-released")
    func downAutoRelease() async throws {
        let h = try await VankeHarness.start()
        await h.platform.stop()
        let mark = h.client.mark()
        let before = VankeTestTime.format(Date().addingTimeInterval(-60))
        try h.recognize("CAM-01", uuid: "r-4", plate: "粤B00004")
        let decision = try await h.decision("CAM-01", after: mark)
        #expect(decision["open"] == true)
        #expect(decision["by"] == "auto-release")
        let answer = try await h.call("queryUnPushRecognitionInfo", ["beginTime": .string(before)])
        #expect(answer["respCode"] == "0")
        #expect(answer["total"] == 1)
        let row = try #require(answer["data"]?[0])
        #expect(row["uuid"] == "r-4")
        #expect(row["deviceNo"] == "CAM-01")
        #expect(row["plateNumber"] == "粤B00004")
        #expect(row["recognitionTime"]?.stringValue?.count == 17)
        #expect(h.log.text.contains("could not be pushed"))
        await h.stop()
    }

    @Test("a refused car, then a platform outage: releaseRefusedOnOutage decides whether the gate opens", arguments: [true, false])
    func refusedThenOutage(release: Bool) async throws {
        let h = try await VankeHarness.start(platform: { $0.deny(plate: "粤B00009") }, settings: { $0.releaseRefusedOnOutage = release })
        let mark = h.client.mark()
        try h.recognize("CAM-01", uuid: "r-9", plate: "粤B00009")
        let refused = try await h.decision("CAM-01", after: mark)
        #expect(refused["open"] == false && refused["by"] == "platform")
        let outage = h.client.mark()
        await h.platform.stop()
        let decision = try await h.decision("CAM-01", after: outage)
        #expect(decision["by"] == "auto-release", "\(decision)")
        #expect(decision["open"] == .bool(release), "releaseRefusedOnOutage \(release): \(decision)")
        await h.stop()
    }

    @Test("an unreadable answer counts as a failed attempt like a network error")
    func garbageAnswers() async throws {
        let h = try await VankeHarness.start { $0.setFault(.garbage) }
        let mark = h.client.mark()
        try h.recognize("CAM-01", uuid: "r-5", plate: "粤B00005")
        #expect(try await h.decision("CAM-01", after: mark)["by"] == "auto-release")
        #expect(h.platform.calls("receivePlateNumber") == 5)
        await h.stop()
    }

    @Test("a failed crossing is only recorded; queryUnPushCrossInfo pages it")
    func crossingFailure() async throws {
        let h = try await VankeHarness.start { $0.setFault(.httpStatus(500)) }
        let before = VankeTestTime.format(Date().addingTimeInterval(-60))
        try h.cross("CAM-01", uuid: "c-6", plate: "粤B00006")
        let answer = try await h.call("queryUnPushCrossInfo", ["beginTime": .string(before)]) { $0["total"] == 1 }
        let row = try #require(answer["data"]?[0])
        #expect(row["uuid"] == "c-6")
        #expect(row["crossTime"]?.stringValue?.count == 17)
        #expect(h.platform.calls("receiveCrossGate") == 5)
        #expect(h.client.received(on: h.parking.gate("CAM-01").decision).isEmpty)
        await h.stop()
    }

    @Test("respCode 1 to a crossing or an alarm is a refusal, not a network failure: recorded once, not retried, not offered as unpushed")
    func refusalIsNotAFailure() async throws {
        let h = try await VankeHarness.start { $0.setFault(.respCode1("重复数据")) }
        let before = VankeTestTime.format(Date().addingTimeInterval(-60))
        try h.cross("CAM-01", uuid: "c-refused", plate: "粤B00007")
        try h.client.publish(h.parking.device("BAR-01").alarm, #"{"code":"1301","message":"栏杆机故障"}"#)
        _ = try await h.platform.waitForPushes("receiveCrossGate", count: 1)
        _ = try await h.platform.waitForPushes("receiveAbnormal", count: 1)
        try await eventually { h.log.text.contains("refused abnormal") && h.log.text.contains("refused crossing") }
        // The platform answers again: a refused alarm is not among what it gets re-sent.
        h.platform.setFault(.none)
        #expect(try await h.call("checkConnect")["respCode"] == "0")
        let unpushed = try await h.call("queryUnPushCrossInfo", ["beginTime": .string(before)])
        #expect(unpushed["total"] == 0, "a refused crossing offered as unpushed: \(unpushed)")
        try await Task.sleep(for: .milliseconds(500))  // absence: a retry would come within the back-off
        #expect(h.platform.calls("receiveCrossGate") == 1)
        #expect(h.platform.calls("receiveAbnormal") == 1)
        let refused = try await h.running.bridge.context.store.outbox.deadLetterCount(stream: "vanke.refused.crossing")
        #expect(refused == 1)
        await h.stop()
    }

    @Test("a failed abnormal push is kept and re-sent once the platform answers again")
    func abnormalResentAfterRecovery() async throws {
        let h = try await VankeHarness.start()
        let port = try #require(h.platform.port)
        await h.platform.stop()
        try h.client.publish(h.parking.device("BAR-01").alarm, #"{"code":"1301","message":"栏杆机故障"}"#)
        try await eventually { h.log.text.contains("re-sent when the platform answers") }
        _ = try await h.platform.start(port: port)
        #expect(h.platform.abnormals.isEmpty)
        // The platform shows it is back by calling checkConnect.
        #expect(try await h.call("checkConnect")["respCode"] == "0")
        let pushed = try #require(try await h.platform.waitForPushes("receiveAbnormal", count: 1).first)
        #expect(pushed.fields["abnormalCode"] == "1301")
        #expect(pushed.fields["deviceNo"] == "BAR-01")
        #expect(pushed.fields["msg"] == "栏杆机故障")
        await h.stop()
    }

    @Test("each gate's pushes keep their order; gates do not wait for each other")
    func orderPerGate() async throws {
        let h = try await VankeHarness.start { $0.setFault(.slow(.milliseconds(15))) }
        var expected: [String: [String]] = [:]
        for i in 0..<10 {
            for gate in ["G1", "G2", "G3"] {
                let id = "\(gate)-\(i)"
                if i % 2 == 0 { try h.recognize(gate, uuid: id, plate: "粤B1000\(i)") } else { try h.cross(gate, uuid: id, plate: "粤B1000\(i)") }
                expected[gate, default: []].append(id)
            }
        }
        _ = try await h.platform.waitForPushes("receivePlateNumber", count: 15, timeout: .seconds(20))
        _ = try await h.platform.waitForPushes("receiveCrossGate", count: 15, timeout: .seconds(20))
        let all = (h.platform.plateNumbers + h.platform.crossings).sorted { $0.receivedAt < $1.receivedAt }
        for gate in ["G1", "G2", "G3"] {
            #expect(all.filter { $0.fields["deviceNo"] == gate }.compactMap(\.uuid) == expected[gate])
        }
        await h.stop()
    }

    @Test("always-open (mode 0): pushed still, answers ignored, decision by always-open at once")
    func alwaysOpen() async throws {
        let h = try await VankeHarness.start { $0.deny(plate: "粤B00007") }
        #expect(try await h.call("receiveOpenGate", ["deviceNo": "CAM-01", "openMode": "0"])["respCode"] == "0")
        _ = try await h.client.next(on: h.parking.gate("CAM-01").mode)
        #expect(try await h.retained(h.parking.gate("CAM-01").mode) == ["mode": "always-open"])
        let mark = h.client.mark()
        try h.recognize("CAM-01", uuid: "r-7", plate: "粤B00007")
        #expect(try await h.decision("CAM-01", after: mark) == ["uuid": "r-7", "open": true, "by": "always-open"])
        _ = try await h.platform.waitForPushes("receivePlateNumber", count: 1)
        try await Task.sleep(for: .milliseconds(900))  // three re-send intervals: none comes (absence)
        #expect(h.platform.plateNumbers.count == 1)
        #expect(h.client.received(on: h.parking.gate("CAM-01").decision).count == 1)
        await h.stop()
    }

    @Test("an allow for a gate whose loop is empty does not open it (no-vehicle)")
    func noVehicle() async throws {
        let h = try await VankeHarness.start { $0.setFault(.slow(.milliseconds(300))) }
        let mark = h.client.mark()
        try h.recognize("CAM-01", uuid: "r-8", plate: "粤B00008")
        try await eventually { h.platform.calls("receivePlateNumber") >= 1 }
        try h.client.publish(h.parking.gate("CAM-01").loop, #"{"occupied":false}"#, retain: true)
        let decision = try await h.decision("CAM-01", after: mark)
        #expect(decision == ["uuid": "r-8", "open": false, "by": "platform", "reason": "no-vehicle"])
        try h.client.publish(h.parking.gate("CAM-01").loop, "", retain: true)
        await h.stop()
    }

    @Test("a recognition with a base64 JPEG is pushed as a URL that serves the picture; imageUrl passes through")
    func images() async throws {
        let h = try await VankeHarness.start(withHTTP: true)
        let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]) + Data("JFIF-test-picture".utf8) + Data([0xFF, 0xD9])
        try h.recognize("CAM-01", uuid: "r-9", plate: "粤B00009", extra: #","image":"\#(jpeg.base64EncodedString())""#)
        let push = try #require(try await h.platform.waitForPushes("receivePlateNumber", count: 1).first)
        let url = try #require(push.fields["image"])
        #expect(url.hasPrefix("http://gatehouse.test:8080/images/") && url.hasSuffix(".jpg"), "\(url)")
        let path = String(url.dropFirst("http://gatehouse.test:8080".count))
        let port = try #require(h.running.httpPort)
        let (data, response) = try await HTTPGet.fetch("http://127.0.0.1:\(port)\(path)")
        #expect(response.status == 200)
        #expect(response.contentType == "image/jpeg")
        #expect(data == jpeg)
        #expect(try await HTTPGet.fetch("http://127.0.0.1:\(port)/images/\(UUID().uuidString).jpg").1.status == 404)

        try h.recognize("CAM-01", uuid: "r-10", plate: "粤B00010", extra: #","imageUrl":"http://camera.local/p/10.jpg""#)
        let second = try await h.platform.waitForPushes("receivePlateNumber", count: 2)
        #expect(second.last?.fields["image"] == "http://camera.local/p/10.jpg")
        await h.stop()
    }

    @Test("bad events are refused with a log line naming the field, and nothing is pushed")
    func badEvents() async throws {
        let h = try await VankeHarness.start()
        try h.client.publish(h.parking.gate("CAM-01").recognition, #"{"plate":"粤B1"}"#)
        try h.client.publish(h.parking.gate("CAM-01").recognition, #"{"uuid":"x","plate":"粤B1","color":"purple"}"#)
        try h.client.publish(h.parking.gate("CAM-01").recognition, #"{"uuid":"y","plate":"粤B1","image":"!!!"}"#)
        try h.client.publish(h.parking.gate("CAM-01").crossing, "not json")
        try h.client.publish(h.parking.gate("CAM-01").recognition, #"{"uuid":"retained","plate":"粤B1"}"#, retain: true)
        try h.recognize("CAM-01", uuid: "good", plate: "粤B1")
        let pushes = try await h.platform.waitForPushes("receivePlateNumber", count: 1)
        #expect(pushes.map(\.uuid) == ["good"])
        let log = h.log.text
        #expect(log.contains("field 'uuid': missing"), "\(log)")
        #expect(log.contains("field 'color'"))
        #expect(log.contains("field 'image'"))
        #expect(log.contains("/crossing"))
        try h.client.publish(h.parking.gate("CAM-01").recognition, "", retain: true)
        await h.stop()
    }
}

/// Polls `check` until it holds, failing loudly after `timeout`.
func eventually(timeout: Duration = .seconds(15), _ check: @Sendable () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !check() {
        guard ContinuousClock.now < deadline else { throw TestFailure("condition not met within \(timeout)") }
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// `yyyyMMdd HH:mm:ss` in the harness's zone, for request fields (written here, not taken from
/// the adapter, so a format bug there cannot cancel itself out).
enum VankeTestTime {
    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = VankeHarness.zone
        formatter.dateFormat = "yyyyMMdd HH:mm:ss"
        return formatter.string(from: date)
    }
}

/// A plain GET of the bridge's HTTP listener.
enum HTTPGet {
    struct Answer {
        var status: Int
        var contentType: String?
    }

    static func fetch(_ url: String) async throws -> (Data, Answer) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 8 << 20)
        let answer = Answer(status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"))
        // For scripts/check-contract.py: the bridge listener's answers against docs/openapi/bridge.yaml.
        ContractRecorder.shared?.recordHTTP(
            api: "bridge", method: "GET", path: URLComponents(string: url)?.path ?? url, status: answer.status, request: Data(),
            response: Data(body.readableBytesView), contentType: answer.contentType)
        return (Data(body.readableBytesView), answer)
    }
}
