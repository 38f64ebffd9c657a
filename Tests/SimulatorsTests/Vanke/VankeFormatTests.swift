import Foundation
import Testing
@testable import Simulators

@Suite struct VankeFormatTests {
    @Test func timesReadAndWriteInTheZone() {
        let shanghai = VankeTime(timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        let date = shanghai.date(from: "20170818 17:14:15")
        #expect(date == Date(timeIntervalSince1970: 1_503_047_655))
        #expect(shanghai.string(from: Date(timeIntervalSince1970: 1_503_047_655)) == "20170818 17:14:15")
        for bad in ["20170818 17:14", "2017081817:14:15 ", "20171318 00:00:00", "20170229 00:00:00", "2017O818 17:14:15", "２0170818 17:14:15"] {
            #expect(shanghai.date(from: bad) == nil, "\(bad)")
        }
        #expect(shanghai.date(from: "20160229 23:59:59") != nil)
        #expect(VankeTime.spaced(compact: "20240101080000") == "20240101 08:00:00")
        #expect(VankeTime.spaced(compact: "2024010108000") == nil)
    }

    @Test func responsesByLengthChunksOrClose() throws {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        let byLength = Array((head + "Content-Length: 16\r\n\r\n{\"respCode\":\"0\"}").utf8)
        #expect(try VankeHTTPResponseParser.parse(byLength, closed: false)?.respCode == "0")
        #expect(try VankeHTTPResponseParser.parse(Array(byLength.dropLast(3)), closed: false) == nil)
        #expect(throws: VankeHTTPResponseParser.Malformed.self) {
            try VankeHTTPResponseParser.parse(Array(byLength.dropLast(3)), closed: true)
        }
        let chunked = Array((head + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"res\r\nB;x=1\r\npCode\":\"1\"}\r\n0\r\n\r\n").utf8)
        #expect(try VankeHTTPResponseParser.parse(chunked, closed: false)?.text == #"{"respCode":"1"}"#)
        #expect(try VankeHTTPResponseParser.parse(Array(chunked.dropLast(5)), closed: false) == nil)
        let untilClose = Array((head + "\r\nplain").utf8)
        #expect(try VankeHTTPResponseParser.parse(untilClose, closed: false) == nil)
        let closed = try #require(try VankeHTTPResponseParser.parse(untilClose, closed: true))
        #expect(closed.status == 200 && closed.text == "plain" && closed.contentType == "application/json")
        let continued = Array(("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n").utf8)
        #expect(try VankeHTTPResponseParser.parse(continued, closed: false)?.status == 503)
        #expect(throws: VankeHTTPResponseParser.Malformed.self) { try VankeHTTPResponseParser.parse([], closed: true) }
        #expect(throws: VankeHTTPResponseParser.Malformed.self) {
            try VankeHTTPResponseParser.parse(Array("SMTP ready\r\n\r\n".utf8), closed: false)
        }
    }

    @Test func callBodiesPutTheCommonMembersFirst() throws {
        let simulator = VankePlatformSimulator(appId: "99848791", appSecret: "eV7spoA0rr7EyjGuJxQFOa3Vs5wvcRUo", parkingLotId: "P1")
        let at = Date(timeIntervalSince1970: 1_503_047_655)
        let body = simulator.request(["deviceNo": "D1", "openMode": "3"], credentials: .time(at), now: Date())
        #expect(String(decoding: body, as: UTF8.self)
                == #"{"version":"1.0","token":"2e6eef5a0bba5a666004298e76b2f1cf","parkingLotId":"P1","time":"20170818 17:14:15","deviceNo":"D1","openMode":"3"}"#)
    }
}
