import Foundation
import Testing
import Topics

@Suite("JSONValue")
struct JSONValueTests {
    @Test func parsesEveryKind() throws {
        let value = try JSONValue.parse(#" {"a":[1,-2.5,true,false,null,"x"],"b":{"c":"Номер"}, "big": 9007199254740993} "#)
        #expect(value["a"] == [1, -2.5, true, false, nil, "x"])
        #expect(value["b"]?["c"] == "Номер")
        #expect(value["a"]?[0] == .int(1))
        #expect(value["a"]?[1] == .double(-2.5))
        #expect(value["a"]?[9] == nil)
        #expect(value["missing"] == nil)
        // Beyond 2^53: a Double would round this to ...992.
        #expect(value["big"] == .int(9_007_199_254_740_993))
    }

    @Test func numbers() throws {
        #expect(try JSONValue.parse("0") == .int(0))
        #expect(try JSONValue.parse("-0") == .int(0))
        #expect(try JSONValue.parse("1e3") == .double(1000))
        #expect(try JSONValue.parse("1.0") == .double(1))
        #expect(try JSONValue.parse("99999999999999999999") == .double(1e20))
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse("1e999") }
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse("01") }
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse("1.") }
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse("-") }
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse("+1") }
    }

    @Test func stringEscapes() throws {
        #expect(try JSONValue.parse(#""a\"b\\c\/d\n\t\u0041\u00e9\ud83d\ude97""#) == .string("a\"b\\c/d\n\tAé🚗"))
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(#""\ud83d""#) }
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(#""\x""#) }
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse("\"a\nb\"") }
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Data([0x22, 0xFF, 0x22])) }
    }

    @Test("syntax errors say where", arguments: [
        ("{\"a\": 1,\n \"b\": x}", 2, 7, 15, "unexpected character 'x', expected a value"),
        ("{\"a\":1", 1, 7, 6, "unexpected end of input, expected ',' or '}'"),
        ("", 1, 1, 0, "unexpected end of input, expected a value"),
        ("{} {}", 1, 4, 3, "unexpected character '{' after the end of the value"),
        ("{\"гость\": tru}", 1, 14, 18, "unexpected character '}', expected 'true'"),
        ("{a:1}", 1, 2, 1, "unexpected character 'a', expected a member name in double quotes"),
    ] as [(String, Int, Int, Int, String)])
    func syntaxErrors(text: String, line: Int, column: Int, offset: Int, problem: String) {
        #expect(throws: JSONSyntaxError(offset: offset, line: line, column: column, problem: problem)) {
            try JSONValue.parse(text)
        }
    }

    @Test func syntaxErrorDescription() {
        let error = JSONSyntaxError(offset: 15, line: 2, column: 7, problem: "unexpected character 'x'")
        #expect(error.description == "not valid JSON at line 2, column 7 (byte 15): unexpected character 'x'")
    }

    @Test func deepNestingIsRefused() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(text) }
    }

    @Test func writesCompactSortedUnescapedJSON() {
        let value: JSONValue = ["z": 1, "a": ["url": "http://x/y", "name": "Номер 101", "q": "\"\\\n\u{1}"], "d": 0.5, "n": nil]
        #expect(value.jsonString == #"{"a":{"name":"Номер 101","q":"\"\\\n\u0001","url":"http://x/y"},"d":0.5,"n":null,"z":1}"#)
        #expect(JSONValue.double(.nan).jsonString == "null")
        #expect(JSONValue.int(Int64.min).jsonString == "-9223372036854775808")
    }

    @Test func writeThenParseRoundTrips() throws {
        let value: JSONValue = ["a": [1, 2.25, "东二门01道", ["nested": true]], "b": nil, "c": -7]
        #expect(try JSONValue.parse(value.jsonData()) == value)
    }

    @Test func accessors() {
        #expect(JSONValue.int(3).intValue == 3)
        #expect(JSONValue.double(3).intValue == 3)
        #expect(JSONValue.double(3.5).intValue == nil)
        #expect(JSONValue.int(3).doubleValue == 3)
        #expect(JSONValue.string("s").stringValue == "s")
        #expect(JSONValue.int(1).stringValue == nil)
        #expect(JSONValue.bool(true).boolValue == true)
        #expect(JSONValue.array([1]).arrayValue == [1])
        #expect(JSONValue.object(["k": 1]).objectValue == ["k": 1])
        #expect(JSONValue.null.isNull)
    }

    @Test func codableThroughFoundation() throws {
        let value: JSONValue = ["id": 12345678901, "ratio": 0.25, "ok": true, "tags": ["a"], "none": nil]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
    }

    @Test func initFromEncodable() throws {
        struct Result: Encodable { var room = "101"; var checkOut = "2025-09-05T12:00:00+03:00"; var count = 2 }
        #expect(try JSONValue(encoding: Result()) == ["room": "101", "checkOut": "2025-09-05T12:00:00+03:00", "count": 2])
    }

    @Test func objectDataKeepsTheGivenOrderAndLeavesNilOut() {
        let data = JSONValue.objectData([("z", 1), ("a", nil), ("m", "东/\"")])
        #expect(String(decoding: data, as: UTF8.self) == #"{"z":1,"m":"东/\""}"#)
    }

    @Test func handWrittenDecisionIsWhatTheCodableFormEncodesTo() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        for decision in [
            GateDecision(uuid: "u-1", open: true, by: .autoRelease),
            GateDecision(uuid: "u-2", open: false, by: .platform, reason: "车牌\"黑名单\"/deny"),
        ] {
            #expect(decision.jsonData == (try encoder.encode(decision)))
        }
    }
}
