import Bridge
import Foundation
import Testing
import Topics

@testable import Adapters

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
}
