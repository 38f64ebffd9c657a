import Vanke
import Bridge
import Foundation
import Simulators
import TestSupport
import Testing
import Topics

@Suite("Vanke supplier endpoints, called by the platform simulator")
struct VankeSupplierTests {
    @Test("the signature: wrong or missing token, a time outside the window, another lot, another version — refused, nothing done")
    func signature() async throws {
        let h = try await VankeHarness.start()
        let gate = ["deviceNo": VankeValue.string("CAM-01"), "openMode": "3"]
        let wrong = try await h.call("receiveOpenGate", gate, credentials: .wrongToken)
        #expect(wrong == ["respCode": "1", "respDesc": "token invalid"])
        let missing = try await h.call("receiveOpenGate", gate, credentials: .missingToken)
        #expect(missing == ["respCode": "1", "respDesc": "field 'token': missing"])
        // The default window is ±60 s (it was ±5 min: a captured call could be replayed for 10 minutes).
        let stale = try await h.call("receiveOpenGate", gate, credentials: .time(Date().addingTimeInterval(-61)))
        #expect(stale["respCode"] == "1")
        #expect(stale["respDesc"]?.stringValue?.contains("allowed ±60 s") == true, "\(stale)")
        let early = try await h.call("receiveOpenGate", gate, credentials: .time(Date().addingTimeInterval(55)))
        #expect(early["respCode"] == "0", "inside the window")
        let lot = try await h.call("receiveOpenGate", gate, credentials: .parkingLotId("lot-2"))
        #expect(lot == ["respCode": "1", "respDesc": "field 'parkingLotId': unknown parking lot"])
        // version is checked too (必填, 1.0): another interface version may mean other fields.
        var otherVersion = gate
        otherVersion["version"] = "2.0"
        let version = try await h.call("receiveOpenGate", otherVersion)
        #expect(version == ["respCode": "1", "respDesc": "field 'version': \"2.0\" is not supported, expected 1.0"])
        // Only the one accepted call opened the gate.
        try await Task.sleep(for: .milliseconds(200))  // let any wrongly sent command arrive (absence)
        #expect(h.client.received(on: h.parking.gate("CAM-01").command).count == 1)
        // The secret never reaches the log, nor does a token.
        #expect(!h.log.text.contains(VankeHarness.secret))
        #expect(h.log.text.contains("token invalid"))
        await h.stop()
    }

    @Test("receiveOpenGate: modes 0/1 retained, 2 opens on the latest plate only, 2 without plate and 3 force")
    func openGate() async throws {
        let h = try await VankeHarness.start { $0.deny(plate: "粤B20000") }
        let gate = h.parking.gate("CAM-01")
        #expect(try await h.call("receiveOpenGate", ["deviceNo": "CAM-01", "openMode": "0"])["respCode"] == "0")
        #expect(try JSONValue.parse(try await h.client.next(on: gate.mode).payload) == ["mode": "always-open"])
        #expect(try await h.retained(gate.mode) == ["mode": "always-open"])
        // The barrier gets the contract's command too, not only the retained mode.
        #expect(try JSONValue.parse(try await h.client.next(on: gate.command).payload)["mode"] == "always-open")
        let restore = h.client.mark()
        #expect(try await h.call("receiveOpenGate", ["deviceNo": "CAM-01", "openMode": 1])["respCode"] == "0")
        #expect(try JSONValue.parse(try await h.client.next(on: gate.mode, after: restore).payload) == ["mode": "normal"])
        #expect(try JSONValue.parse(try await h.client.next(on: gate.command, after: restore).payload)["mode"] == "restore")

        let none = try await h.call("receiveOpenGate", ["deviceNo": "CAM-01", "openMode": "2", "plateNumber": "粤B20000"])
        #expect(none["respCode"] == "1")
        #expect(none["respDesc"]?.stringValue?.hasPrefix("plate mismatch") == true)

        let refused = h.client.mark()
        try h.recognize("CAM-01", uuid: "r-20", plate: "粤B20000")
        #expect(try await h.decision("CAM-01", after: refused)["open"] == false)
        let mismatch = try await h.call("receiveOpenGate", ["deviceNo": "CAM-01", "openMode": "2", "plateNumber": "粤B99999"])
        #expect(mismatch == ["respCode": "1", "respDesc": "plate mismatch"])
        let commands = h.client.mark()
        #expect(try await h.call("receiveOpenGate", ["deviceNo": "CAM-01", "openMode": "2", "plateNumber": "粤B 20000"])["respCode"] == "0")
        let normal = try JSONValue.parse(try await h.client.next(on: gate.command, after: commands).payload)
        #expect(normal["action"] == "open")
        #expect(normal["mode"] == "normal")
        #expect(normal["plate"] == "粤B 20000")
        #expect(normal["requestedAt"]?.stringValue.flatMap(Timestamp.parseRFC3339) != nil)
        // The platform opened it: the refused recognition is not sent again.
        let sent = h.platform.plateNumbers.count
        try await Task.sleep(for: .milliseconds(900))  // three re-send intervals (absence)
        #expect(h.platform.plateNumbers.count == sent)

        let force = h.client.mark()
        #expect(try await h.call("receiveOpenGate", ["deviceNo": "CAM-01", "openMode": "2"])["respCode"] == "0")
        #expect(try JSONValue.parse(try await h.client.next(on: gate.command, after: force).payload)["mode"] == "force")
        let three = h.client.mark()
        #expect(try await h.call("receiveOpenGate", ["deviceNo": "CAM-01", "openMode": "3", "plateNumber": "粤B1"])["respCode"] == "0")
        #expect(try JSONValue.parse(try await h.client.next(on: gate.command, after: three).payload)["mode"] == "force")

        #expect(try await h.call("receiveOpenGate", ["deviceNo": "CAM-01", "openMode": "7"]) == [
            "respCode": "1", "respDesc": "field 'openMode': expected 0, 1, 2 or 3, got \"7\"",
        ])
        #expect(try await h.call("receiveOpenGate", ["openMode": "3"]) == ["respCode": "1", "respDesc": "field 'deviceNo': missing"])
        await h.stop()
    }

    @Test("openMode 2 after the vehicle left (loop empty): the old plate opens nothing, also after a restart")
    func stalePlate() async throws {
        let h = try await VankeHarness.start()
        let gate = h.parking.gate("CAM-01")
        try h.client.publish(gate.loop, #"{"occupied":true}"#)
        let mark = h.client.mark()
        try h.recognize("CAM-01", uuid: "r-30", plate: "粤B30000")
        #expect(try await h.decision("CAM-01", after: mark)["open"] == true)
        try h.client.publish(gate.loop, #"{"occupied":false}"#)
        try await eventually {
            let answer = try await h.call("receiveOpenGate", ["deviceNo": "CAM-01", "openMode": "2", "plateNumber": "粤B30000"])
            return answer["respDesc"]?.stringValue?.hasPrefix("plate mismatch") == true
        }
        // Not kept in the store either, where a restart would find it.
        let store = h.running.bridge.context.store
        try await eventually { try await store.cursors.value(adapter: "vanke", key: "latest.CAM-01") == nil }
        await h.stop()
    }

    @Test("receiveShowMsg: the JSON array in a string becomes the retained display; bad input names the problem")
    func showMessage() async throws {
        let h = try await VankeHarness.start()
        let msg = #"[{"text":"闽 D782WY","alignment":"left"},{"text":"临停车","alignment":"center"},{"text":"2017-01-01 至 2017-12-31","alignment":"right"}]"#
        #expect(try await h.call("receiveShowMsg", ["deviceNo": "DWWE10232", "msg": .string(msg)])["respCode"] == "0")
        _ = try await h.client.next(on: h.parking.display("DWWE10232"))
        let shown = try await h.retained(h.parking.display("DWWE10232"))
        #expect(shown["lines"] == [
            ["text": "闽 D782WY", "align": "left"], ["text": "临停车", "align": "center"],
            ["text": "2017-01-01 至 2017-12-31", "align": "right"],
        ])
        #expect(shown["at"]?.stringValue.flatMap(Timestamp.parseRFC3339) != nil)
        let badJSON = try await h.call("receiveShowMsg", ["deviceNo": "DWWE10232", "msg": "[{\"text\":\"a\""])
        #expect(badJSON["respCode"] == "1")
        #expect(badJSON["respDesc"]?.stringValue?.hasPrefix("field 'msg': not a JSON array") == true, "\(badJSON)")
        let badAlign = try await h.call("receiveShowMsg", ["deviceNo": "DWWE10232", "msg": #"[{"text":"a","alignment":"justify"}]"#])
        #expect(badAlign == ["respCode": "1", "respDesc": "field 'msg[0].alignment': expected left, center or right, got \"justify\""])
        #expect(try await h.call("receiveShowMsg", ["deviceNo": "DWWE10232"]) == ["respCode": "1", "respDesc": "field 'msg': missing"])
        // Refusals changed nothing.
        #expect(h.client.received(on: h.parking.display("DWWE10232")).count == 1)
        await h.stop()
    }

    @Test("queryPlaceStatus: the last known place states, filtered and paged; pageSize over 100 is clamped")
    func placeStatus() async throws {
        let h = try await VankeHarness.start()
        let states = ["P-001": #"{"status":"vacant"}"#, "P-002": #"{"status":"occupied","plate":"粤B3"}"#, "P-003": #"{"status":"abnormal"}"#]
        for (place, payload) in states { try h.client.publish(h.parking.place(place), payload, retain: true) }
        let all = try await h.call("queryPlaceStatus") { $0["total"] == 3 }
        #expect(all["respCode"] == "0")
        #expect(all["pageSize"] == 10)
        #expect(all["currentPage"] == 1)
        #expect(all["data"] == [
            ["placeNo": "P-001", "placeStatus": "vacancy"], ["placeNo": "P-002", "placeStatus": "occupy", "plateNumber": "粤B3"],
            ["placeNo": "P-003", "placeStatus": "unusual"],
        ])
        let occupied = try await h.call("queryPlaceStatus", ["placeStatus": "occupy"])
        #expect(occupied["total"] == 1)
        #expect(occupied["data"]?[0]?["placeNo"] == "P-002")
        #expect(try await h.call("queryPlaceStatus", ["placeNo": "P-003"])["data"]?[0]?["placeStatus"] == "unusual")
        let page2 = try await h.call("queryPlaceStatus", ["pageSize": 2, "currentPage": "2"])
        #expect(page2["total"] == 3)
        #expect(page2["data"] == [["placeNo": "P-003", "placeStatus": "unusual"]])
        #expect(try await h.call("queryPlaceStatus", ["pageSize": 500])["pageSize"] == 100)
        #expect(try await h.call("queryPlaceStatus", ["pageSize": 0]) == ["respCode": "1", "respDesc": "field 'pageSize': must be at least 1, got 0"])
        #expect(try await h.call("queryPlaceStatus", ["currentPage": "x"]) == ["respCode": "1", "respDesc": "field 'currentPage': expected an integer, got \"x\""])
        #expect(try await h.call("queryPlaceStatus", ["placeStatus": "free"])["respCode"] == "1")
        for place in states.keys { try h.client.publish(h.parking.place(place), "", retain: true) }
        await h.stop()
    }

    @Test("queryUnPush*: bad or missing times are refused naming the field; an empty range answers total 0")
    func unpushedTimes() async throws {
        let h = try await VankeHarness.start()
        #expect(try await h.call("queryUnPushCrossInfo") == ["respCode": "1", "respDesc": "field 'beginTime': missing"])
        #expect(try await h.call("queryUnPushRecognitionInfo", ["beginTime": "2017-08-18 17:14:15"]) == [
            "respCode": "1", "respDesc": "field 'beginTime': expected yyyyMMdd HH:mm:ss, got \"2017-08-18 17:14:15\"",
        ])
        let reversed = try await h.call("queryUnPushCrossInfo", ["beginTime": "20261201 10:00:00", "endTime": "20261201 09:00:00"])
        #expect(reversed == ["respCode": "1", "respDesc": "field 'beginTime': after endTime"])
        let empty = try await h.call("queryUnPushCrossInfo", ["beginTime": "20170101 00:00:00"])
        #expect(empty == ["respCode": "0", "total": 0, "pageSize": 10, "currentPage": 1, "data": []])
        await h.stop()
    }

    @Test("checkConnect answers 0; the ignored queries answer 1 not supported; malformed bodies and unknown endpoints are refused")
    func others() async throws {
        let h = try await VankeHarness.start()
        #expect(try await h.call("checkConnect") == ["respCode": "0"])
        for endpoint in ["queryInOutRecord", "queryInOutPayRecord", "queryPrePayRecord"] {
            #expect(try await h.call(endpoint, ["beginTime": "20170101 00:00:00"]) == ["respCode": "1", "respDesc": "not supported"])
        }
        let raw = try await h.platform.callSupplierRaw(h.supplierURL, "checkConnect", body: Data("{\"token\":".utf8))
        #expect(raw.status == 200)
        #expect(raw.respCode == "1")
        #expect(raw.respDesc?.hasPrefix("invalid JSON") == true, "\(raw.respDesc ?? "")")
        #expect(raw.contentType?.hasPrefix("application/json") == true)
        let array = try await h.platform.callSupplierRaw(h.supplierURL, "checkConnect", body: Data("[1]".utf8))
        #expect(array.respDesc == "expected a JSON object, got array")
        let unknown = try await h.platform.callSupplierRaw(h.supplierURL, "openEverything", body: Data("{}".utf8))
        #expect(unknown.status == 404)
        #expect(unknown.respCode == "1")
        // Above the body limit: respCode 1, by its Content-Length (413) or when the read passes the limit (200).
        let huge = try await h.platform.callSupplierRaw(h.supplierURL, "checkConnect", body: Data(count: 2 << 20))
        #expect([200, 413].contains(huge.status))
        #expect(huge.respCode == "1")
        #expect(huge.respDesc?.contains("body") == true, "\(huge.respDesc ?? "")")
        await h.stop()
    }

    @Test("a huge currentPage is refused naming the field, and the bridge keeps serving (it used to trap on overflow)")
    func hugePage() async throws {
        let h = try await VankeHarness.start()
        for endpoint in ["queryPlaceStatus", "queryUnPushCrossInfo"] {
            var fields: [String: VankeValue] = ["currentPage": .int(Int.max), "pageSize": 100]
            if endpoint == "queryUnPushCrossInfo" { fields["beginTime"] = "20250101000000" }
            let answer = try await h.call(endpoint, fields)
            #expect(answer["respCode"] == "1", "\(endpoint): \(answer)")
            #expect(answer["respDesc"]?.stringValue?.contains("currentPage") == true, "\(endpoint): \(answer)")
        }
        #expect(try await h.call("checkConnect")["respCode"] == "0", "the bridge no longer serves")
        await h.stop()
    }
}
