import Foundation
import Testing
import Topics

@testable import OZLocks

/// The hand-written ReadState path must read and write exactly what the Codable forms do:
/// each case is run through both and compared, so a drift in either fails here.
@Suite("OZLocks wire: hand-written JSON on the ReadState path matches the Codable forms")
struct OZLocksHandWrittenJSONTests {
    static let answers = [
        #"{"Room":"101","Opened":false,"LowCharge":true,"WorkstationID":"W1"}"#,
        #"{"Room":101,"Opened":"1","LowCharge":0}"#,
        #"{"Room":"101","Opened":"TRUE","LowCharge":"false","WorkstationID":7}"#,
        #"{"Room":"101","Opened":null,"LowCharge":1.0}"#,
        #"{"Room":"101"}"#,
        #"{"Room":"101","Opened":"maybe"}"#,
        #"{"Room":"101","LowCharge":[true]}"#,
        #"{"Opened":true}"#,
        #"{"Room":null}"#,
        #"["Room"]"#,
    ]

    @Test("ReadState answers: the same values, and the same refusals, as JSONDecoder", arguments: answers)
    func readStateAnswer(_ text: String) throws {
        let data = Data(text.utf8)
        let codable = try? JSONDecoder().decode(OZLocksWire.ReadStateAnswer.self, from: data)
        let hand = try? OZLocksWire.ReadStateAnswer(json: JSONValue.parse(data))
        #expect((codable == nil) == (hand == nil), "\(text)")
        #expect(codable?.Room == hand?.Room)
        #expect(codable?.Opened == hand?.Opened)
        #expect(codable?.LowCharge == hand?.LowCharge)
        #expect(codable?.WorkstationID == hand?.WorkstationID)
    }

    @Test("a refused answer names its member")
    func refusalNamesMember() {
        #expect(throws: WireMismatch.self) { try OZLocksWire.ReadStateAnswer(json: JSONValue.parse(#"{"Room":"1","Opened":"maybe"}"#)) }
        do {
            _ = try OZLocksWire.ReadStateAnswer(json: JSONValue.parse(#"{"Opened":true}"#))
            Issue.record("a missing Room was accepted")
        } catch let error as WireMismatch {
            #expect(error.description == "Room: missing")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("OpenLock/CloseLock answers match JSONDecoder", arguments: [#"{"Room":"7"}"#, #"{"Room":7,"WorkstationID":"W"}"#, #"{}"#, #"{"Room":{}}"#])
    func roomAnswer(_ text: String) {
        let data = Data(text.utf8)
        let codable = try? JSONDecoder().decode(OZLocksWire.RoomAnswer.self, from: data)
        let hand = try? OZLocksWire.RoomAnswer(json: JSONValue.parse(data))
        #expect((codable == nil) == (hand == nil), "\(text)")
        #expect(codable?.Room == hand?.Room)
        #expect(codable?.WorkstationID == hand?.WorkstationID)
    }

    @Test("the ReadState body is JSONEncoder's, member for member")
    func roomAtWorkstationBody() throws {
        let body = OZLocksWire.RoomAtWorkstation(Room: "1\"01/ä", WorkstationID: "W\\1")
        #expect(try JSONValue.parse(body.jsonBody) == JSONValue.parse(JSONEncoder().encode(body)))
    }

    @Test("a lock state's JSON is what JSONValue(encoding:) makes of it")
    func lockState() throws {
        let states = [
            LockState(room: "101", series: "WR", online: true, opened: false, lowBattery: true, lastSeen: "2026-12-02T14:00:00+03:00"),
            LockState(room: "102", series: "H"),
            LockState(room: "103", series: "WR", online: false, opened: nil, lowBattery: nil, lastSeen: nil),
        ]
        for state in states {
            #expect(state.json == (try JSONValue(encoding: state)))
        }
    }

    @Test("the facade's ReadState body: the errors name the field as the Decodable form's do")
    func facadeBody() throws {
        let good = try FacadeTranslation.roomAtWorkstation(Data(#"{"Room":"101","WorkstationID":"W","Extra":1}"#.utf8))
        #expect(good.Room == "101" && good.WorkstationID == "W")
        let cases: [(String, String)] = [
            (#"{"WorkstationID":"W"}"#, "field 'Room': missing"),
            (#"{"Room":101,"WorkstationID":"W"}"#, "field 'Room': wrong type"),
            (#"{"Room":"101","WorkstationID":null}"#, "field 'WorkstationID': must not be null"),
            (#"{"Room":"101""#, "the body is not valid JSON"),
            (#"[]"#, "the body must be a JSON object"),
        ]
        for (body, message) in cases {
            do {
                _ = try FacadeTranslation.roomAtWorkstation(Data(body.utf8))
                Issue.record("accepted \(body)")
            } catch {
                #expect(error.message == message, "\(body)")
                #expect(error.status == 500 && error.code == "5")
            }
        }
        // The Decodable form's message for the same missing field, so the two paths agree.
        do {
            _ = try JSONDecoder().decode(OZLocksWire.RoomAtWorkstation.self, from: Data(#"{"WorkstationID":"W"}"#.utf8))
        } catch {
            #expect(FacadeError.decoding(error).message == "field 'Room': missing")
        }
    }
}
