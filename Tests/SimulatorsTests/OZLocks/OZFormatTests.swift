import Foundation
import Testing
@testable import Simulators

@Suite struct OZFormatTests {
    let dates = OZDateFormat(timeZone: TimeZone(identifier: "Europe/Moscow")!)

    @Test func formatsAndParsesInTheServersTimeZone() {
        let date = ozMoscow(2025, 9, 4, 15, 21)
        #expect(dates.string(from: date) == "04.09.2025 15:21")
        #expect(dates.date(from: "04.09.2025 15:21") == date)
        #expect(OZDateFormat(timeZone: TimeZone(identifier: "UTC")!).string(from: date) == "04.09.2025 12:21")
    }

    @Test(arguments: ["31.02.2025 10:00", "04.09.2025 24:00", "4.09.2025 15:21", "04.09.2025T15:21", "04.09.2025 15:21:00", "aa.09.2025 15:21"])
    func refusesAnythingElse(text: String) {
        #expect(dates.date(from: text) == nil)
    }

    @Test func dropsOnlyTrailingCommasOutsideStrings() throws {
        let lenient = OZJSON.withoutTrailingCommas(Data(#"{"a": "x,}", "b": [1, 2, ], "c": "q\",]",  }"#.utf8))
        #expect(String(decoding: lenient, as: UTF8.self) == #"{"a": "x,}", "b": [1, 2 ], "c": "q\",]"  }"#)
        let parsed = try OZJSON.parse(Data(#"{"n": 1, "t": true, "s": "a\"b", "z": null,}"#.utf8))
        #expect(parsed["n"] == .int(1) && parsed["t"] == .bool(true) && parsed["s"] == .string("a\"b") && parsed["z"] == .null)
    }

    @Test func escapesWhenWriting() {
        let json = OZJSON.object([("s", .string("a\"b\\c\n\u{1}я")), ("e", .object([]))])
        #expect(String(decoding: json.serialized(), as: UTF8.self) == #"{"s":"a\"b\\c\n\u0001я","e":{}}"#)
        #expect(String(decoding: json.serialized(trailingCommas: true), as: UTF8.self) == #"{"s":"a\"b\\c\n\u0001я","e":{},}"#)
    }
}
