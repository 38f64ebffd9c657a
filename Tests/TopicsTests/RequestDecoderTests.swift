import Foundation
import Testing
import Topics

/// A request shaped like `issue-card`, with a nested object to exercise field paths.
private struct IssueCard: Decodable, Equatable {
    struct Guest: Decodable, Equatable {
        var name: String
        var id: String?
    }

    enum Series: String, Decodable { case WR, H }

    var room: String
    var checkIn: Date
    var newIssue: Bool
    var guest: Guest
    var zones: [String]?
    var series: Series?
    var copies: UInt8?
}

@Suite("RequestDecoder")
struct RequestDecoderTests {
    private func message(_ json: String) -> String? {
        do {
            _ = try RequestDecoder.decode(IssueCard.self, from: Data(json.utf8))
            return nil
        } catch {
            #expect(error.code == .invalidRequest)
            return error.message
        }
    }

    @Test func decodesAValidRequest() throws {
        let json = #"{"room":"101","checkIn":"2025-09-04T15:21:00+03:00","newIssue":true,"guest":{"name":"Иванов"},"zones":["A","B"],"series":"H","copies":2,"transaction":"t-1"}"#
        let request = try RequestDecoder.decode(IssueCard.self, from: Data(json.utf8))
        #expect(request == IssueCard(room: "101", checkIn: Date(timeIntervalSince1970: 1_756_988_460), newIssue: true,
                                     guest: .init(name: "Иванов", id: nil), zones: ["A", "B"], series: .H, copies: 2))
    }

    @Test("messages name the field and the problem", arguments: [
        (#"{"checkIn":"2025-09-04T15:21:00+03:00","newIssue":true,"guest":{"name":"x"}}"#, "field 'room': missing"),
        (#"{"room":101}"#, "field 'room': expected string, got number"),
        (#"{"room":null}"#, "field 'room': expected string, got null"),
        (#"{"room":"1","checkIn":"2025-09-04 15:21","newIssue":true,"guest":{"name":"x"}}"#,
         #"field 'checkIn': expected an RFC 3339 time like 2025-09-04T15:21:00+03:00, got "2025-09-04 15:21""#),
        (#"{"room":"1","checkIn":"2025-09-04T15:21:00Z","newIssue":"yes","guest":{"name":"x"}}"#,
         "field 'newIssue': expected boolean, got string"),
        (#"{"room":"1","checkIn":"2025-09-04T15:21:00Z","newIssue":true,"guest":{}}"#, "field 'guest.name': missing"),
        (#"{"room":"1","checkIn":"2025-09-04T15:21:00Z","newIssue":true,"guest":{"name":["x"]}}"#,
         "field 'guest.name': expected string, got array"),
        (#"{"room":"1","checkIn":"2025-09-04T15:21:00Z","newIssue":true,"guest":"x"}"#,
         "field 'guest': expected object, got string"),
        (#"{"room":"1","checkIn":"2025-09-04T15:21:00Z","newIssue":true,"guest":{"name":"x"},"zones":["a","b",3]}"#,
         "field 'zones[2]': expected string, got number"),
        (#"{"room":"1","checkIn":"2025-09-04T15:21:00Z","newIssue":true,"guest":{"name":"x"},"zones":{}}"#,
         "field 'zones': expected array, got object"),
        (#"{"room":"1","checkIn":"2025-09-04T15:21:00Z","newIssue":true,"guest":{"name":"x"},"series":"Z"}"#,
         #"field 'series': unexpected value "Z""#),
        (#"{"room":"1","checkIn":"2025-09-04T15:21:00Z","newIssue":true,"guest":{"name":"x"},"copies":1.5}"#,
         "field 'copies': expected integer, got 1.5"),
        (#"{"room":"1","checkIn":"2025-09-04T15:21:00Z","newIssue":true,"guest":{"name":"x"},"copies":300}"#,
         "field 'copies': 300 is out of range (0…255)"),
        ("[1,2]", "top level must be an object, got array"),
        ("\"room\"", "top level must be an object, got string"),
        ("{\"room\":\n  \"101\",}", "not valid JSON at line 2, column 9 (byte 17): unexpected character '}', expected a member name in double quotes"),
    ] as [(String, String)])
    func messages(json: String, expected: String) {
        #expect(message(json) == expected)
    }

    @Test func emptyPayloadIsAnEmptyObject() throws {
        #expect(try RequestDecoder.payload(Data()) == .object([:]))
        #expect(message("") == "field 'room': missing")
        struct NoFields: Decodable {}
        _ = try RequestDecoder.decode(NoFields.self, from: Data())
    }

    @Test func nullForAnOptionalFieldIsAbsent() throws {
        let json = #"{"room":"1","checkIn":"2025-09-04T15:21:00Z","newIssue":true,"guest":{"name":"x","id":null},"zones":null}"#
        let request = try RequestDecoder.decode(IssueCard.self, from: Data(json.utf8))
        #expect(request.guest.id == nil)
        #expect(request.zones == nil)
    }

    @Test func numericFieldsAcceptWholeFractions() throws {
        struct Count: Decodable { var n: Int; var x: Double }
        let count = try RequestDecoder.decode(Count.self, from: Data(#"{"n":2.0,"x":3}"#.utf8))
        #expect(count.n == 2)
        #expect(count.x == 3)
    }

    @Test func customValidationErrorsKeepTheirText() {
        struct Code: Decodable {
            var code: String
            init(from decoder: any Decoder) throws {
                enum Keys: String, CodingKey { case code }
                let container = try decoder.container(keyedBy: Keys.self)
                code = try container.decode(String.self, forKey: .code)
                guard (6...8).contains(code.count), code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber) else {
                    throw DecodingError.dataCorruptedError(forKey: .code, in: container, debugDescription: "must be 6 to 8 digits")
                }
            }
        }
        #expect(throws: GatehouseError.invalidRequest(field: "code", problem: "must be 6 to 8 digits")) {
            try RequestDecoder.decode(Code.self, from: Data(#"{"code":"12a"}"#.utf8))
        }
        #expect(throws: GatehouseError(.unsupported, "no")) {
            struct Refuses: Decodable { init(from decoder: any Decoder) throws { throw GatehouseError(.unsupported, "no") } }
            try RequestDecoder.decode(Refuses.self, from: Data("{}".utf8))
        }
    }

    @Test func decodesFromAParsedPayloadTwice() throws {
        let payload = try RequestDecoder.payload(Data(#"{"room":"101","transaction":"t-9"}"#.utf8))
        struct Open: Decodable { var room: String }
        #expect(try RequestDecoder.decode(Open.self, from: payload).room == "101")
        #expect(try RequestDecoder.decode(RequestMeta.self, from: payload).transaction == "t-9")
        #expect(throws: GatehouseError.invalidRequest("top level must be an object, got number")) {
            try RequestDecoder.decode(Open.self, from: JSONValue.int(1))
        }
    }

    @Test func requestMeta() throws {
        let meta = try RequestDecoder.decode(RequestMeta.self, from: Data(#"{"room":"1","transaction":"t-17","expiresAt":"2025-09-04T15:21:30.5+03:00"}"#.utf8))
        #expect(meta == RequestMeta(transaction: "t-17", expiresAt: Date(timeIntervalSince1970: 1_756_988_490.5)))
        #expect(try RequestDecoder.decode(RequestMeta.self, from: Data("{}".utf8)) == RequestMeta())
    }

    @Test("malformed meta fields are named", arguments: [
        (#"{"transaction":17}"#, "field 'transaction': expected string, got number"),
        (#"{"transaction":""}"#, "field 'transaction': must not be empty"),
        (#"{"expiresAt":"tomorrow"}"#, #"field 'expiresAt': expected an RFC 3339 time like 2025-09-04T15:21:00+03:00, got "tomorrow""#),
        (#"{"expiresAt":1756988490}"#, "field 'expiresAt': expected string, got number"),
    ] as [(String, String)])
    func malformedMeta(json: String, expected: String) {
        #expect(throws: GatehouseError.invalidRequest(expected)) {
            try RequestDecoder.decode(RequestMeta.self, from: Data(json.utf8))
        }
    }

    @Test func requestMetaThroughFoundationToo() throws {
        let meta = try JSONDecoder().decode(RequestMeta.self, from: Data(#"{"expiresAt":"2025-09-04T12:21:30Z"}"#.utf8))
        #expect(meta.expiresAt == Date(timeIntervalSince1970: 1_756_988_490))
    }
}
