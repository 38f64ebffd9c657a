import Foundation
import Testing
import Topics

@testable import OZLocks

/// The facade's most frequent body (ReadState, OpenLock, CloseLock): every refusal names the field.
@Suite("OZLocks facade: a ReadState body's errors name the field")
struct OZLocksFacadeBodyTests {
    @Test("the facade's ReadState body: the errors name the field")
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
    }
}
