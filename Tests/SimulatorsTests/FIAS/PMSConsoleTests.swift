import Foundation
import Testing
@testable import Simulators

@Suite struct PMSConsoleTests {
    @Test func aRecordLineIsSentWithDateAndTimeAdded() {
        let now = Date(timeIntervalSince1970: 1_756_976_405)
        guard case .send(let text) = PMSConsole.command("KR|WS3|KC1|RN101|KTN|DT12:00|GNИванов Иван|\n", now: now) else {
            Issue.record("not a record")
            return
        }
        #expect(text.hasPrefix("KR|WS3|KC1|RN101|KTN|DT12:00|GNИванов Иван|DA"))
        let values = FIASRecord(text).values
        #expect(values["DA"]?.count == 6 && values["TI"]?.count == 6 && values["DT"] == "12:00")
        #expect(PMSConsole.command("KZ|WS3|KC1|DA250904|TI120000|") == .send("KZ|WS3|KC1|DA250904|TI120000|"))
    }

    @Test func wordsAndMistakes() {
        #expect(PMSConsole.command(" quit ") == .quit)
        #expect(PMSConsole.command("restart") == .restart)
        #expect(PMSConsole.command("drop") == .drop)
        #expect(PMSConsole.command("") == .nothing)
        for wrong in ["hello", "K|RN1|", "kr|RN1|", "KR"] {
            guard case .invalid = PMSConsole.command(wrong) else {
                Issue.record("\(wrong) accepted")
                continue
            }
        }
    }

    @Test func eventsPrintAsArrows() {
        #expect(PMSConsole.line(for: .received("KA|ASOK|", ignored: false)) == "< KA|ASOK|")
        #expect(PMSConsole.line(for: .sent("LS|")) == "> LS|")
        #expect(PMSConsole.line(for: .received("KA|", ignored: true)).hasSuffix("(ignored: link not alive)"))
    }
}
