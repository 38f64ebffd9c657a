import Bridge
import Foundation
import Testing
import Topics

@testable import Vanke

@Suite("Vanke wire: token, time, display text")
struct VankeWireTests {
    @Test("the spec's token example")
    func tokenVector() {
        let token = VankeToken.make(time: "20170818 17:14:15", appId: "99848791", secret: Secret("eV7spoA0rr7EyjGuJxQFOa3Vs5wvcRUo"))
        #expect(token == "2e6eef5a0bba5a666004298e76b2f1cf")
        #expect(VankeToken.verify(token, time: "20170818 17:14:15", appId: "99848791", secret: Secret("eV7spoA0rr7EyjGuJxQFOa3Vs5wvcRUo")))
        #expect(!VankeToken.verify(token, time: "20170818 17:14:16", appId: "99848791", secret: Secret("eV7spoA0rr7EyjGuJxQFOa3Vs5wvcRUo")))
        #expect(!VankeToken.verify("2e6eef5a0bba5a666004298e76b2f1c", time: "20170818 17:14:15", appId: "99848791", secret: Secret("eV7spoA0rr7EyjGuJxQFOa3Vs5wvcRUo")))
    }

    @Test("times are yyyyMMdd HH:mm:ss in the site zone, parsed strictly")
    func time() throws {
        let clock = VankeTime(timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let date = try #require(clock.parse("20170818 17:14:15"))
        #expect(Timestamp.rfc3339(date, in: TimeZone(identifier: "UTC")!) == "2017-08-18T09:14:15+00:00")
        #expect(clock.format(date) == "20170818 17:14:15")
        for bad in ["2017-08-18 17:14:15", "20171345 17:14:15", "20170818 17:14", "20170818T17:14:15", "20170818 25:00:00", ""] {
            #expect(clock.parse(bad) == nil, "\(bad)")
        }
    }

    @Test("the spec's display example, doubled comma included, and refusals naming the problem")
    func displayText() throws {
        let example = #"[{"text":" 闽      D782WY","alignment":"left"},{"text":"      临  停  车",  ,"alignment":"center"},{"text":"2017-01-01 至 2017-12-31","alignment":"right"}]"#
        let lines = try VankeDisplayMessage.lines(.string(example))
        #expect(lines.map(\.align) == [.left, .center, .right])
        #expect(lines[1].text == "      临  停  车")
        #expect(throws: VankeRefusal("field 'msg[0].alignment': expected left, center or right, got \"middle\"")) {
            try VankeDisplayMessage.lines(.string(#"[{"text":"a","alignment":"middle"}]"#))
        }
        #expect(throws: VankeRefusal.self) { try VankeDisplayMessage.lines(.string("[{\"text\":")) }
        #expect(throws: VankeRefusal("field 'msg[0].text': missing or not a string")) {
            try VankeDisplayMessage.lines(.string(#"[{"alignment":"left"}]"#))
        }
        // A comma inside a text is text.
        #expect(try VankeDisplayMessage.lines(.string(#"[{"text":"a,,b"}]"#)).first?.text == "a,,b")
    }

    @Test("back-off doubles from retryDelay up to retryDelayMax")
    func backoff() {
        var settings = VankeSettings()
        settings.retryDelay = .milliseconds(500)
        settings.retryDelayMax = .seconds(3)
        #expect((1...5).map { settings.backoff($0) } == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(3), .seconds(3)])
    }

    @Test("a stored push job reads back, also in the form earlier releases wrote")
    func storedJob() throws {
        let job = VankePushJob(
            kind: .recognition, deviceNo: "G01", uuid: "u-1", plate: "闽D782WY", color: "blue",
            at: "20170818 17:14:15", image: "http://h/images/x.jpg", reliability: 97)
        #expect(VankePushJob(stored: job.stored) == job)
        let alarm = VankePushJob(kind: .abnormal, deviceNo: nil, abnormalCode: "1401", message: "地感异常")
        #expect(VankePushJob(stored: alarm.stored) == alarm)
        #expect(!String(decoding: alarm.stored, as: UTF8.self).contains("deviceNo"))
        // Written by the Codable VankePushJob of 2026-12-01 (JSONEncoder, no sorting).
        let earlier = Data(#"{"kind":"crossing","deviceNo":"G02","uuid":"u-2","plate":"","color":"other","at":"20170818 17:20:00"}"#.utf8)
        #expect(VankePushJob(stored: earlier) == VankePushJob(
            kind: .crossing, deviceNo: "G02", uuid: "u-2", plate: "", color: "other", at: "20170818 17:20:00"))
        #expect(VankePushJob(stored: Data(#"{"kind":"parking"}"#.utf8)) == nil)
        #expect(VankePushJob(stored: Data("not json".utf8)) == nil)
    }

    @Test("push bodies carry the spec's members in its order, appld beside appId on crossings")
    func pushBodies() throws {
        var settings = VankeSettings()
        settings.appId = "99848791"
        settings.parkingLotId = "lot-1"
        let crossing = VankePushJob(kind: .crossing, deviceNo: "G02", uuid: "u-2", plate: "闽D782WY", color: "blue", at: "20170818 17:20:00")
        let body = String(decoding: VankePlatformClient.body(crossing, time: "20170818 17:20:01", token: "t0k", settings: settings), as: UTF8.self)
        #expect(body == #"{"version":"1.0","token":"t0k","appId":"99848791","appld":"99848791","parkingLotId":"lot-1","time":"20170818 17:20:01","deviceNo":"G02","uuid":"u-2","plateNumber":"闽D782WY","color":"blue","crossTime":"20170818 17:20:00"}"#)
        let recognition = VankePushJob(kind: .recognition, deviceNo: "G01", uuid: "u-1", plate: "", at: nil, image: "http://h/i.jpg")
        let parsed = try JSONValue.parse(VankePlatformClient.body(recognition, time: "20170818 17:14:15", token: "t", settings: settings))
        #expect(parsed["recognitionTime"] == "20170818 17:14:15")
        #expect(parsed["color"] == "other")
        #expect(parsed["reliability"] == nil)
        #expect(parsed["image"] == "http://h/i.jpg")
    }

    @Test("platform answers: respCode as string or number, anything else is not an answer")
    func answers() {
        #expect(VankeWire.Answer(Data(#"{"respCode":"0","respDesc":"ok"}"#.utf8))?.respCode == "0")
        #expect(VankeWire.Answer(Data(#"{"respCode":1}"#.utf8))?.respCode == "1")
        #expect(VankeWire.Answer(Data(#"{"respDesc":"no code"}"#.utf8)) == nil)
        #expect(VankeWire.Answer(Data("<html>".utf8)) == nil)
    }
}
