import Foundation
import Testing

@testable import OZLocks

@Suite("OZLocks dates from outside")
struct OZLocksDateTests {
    // A year of Int.max came back from Calendar as year 1 and passed the day check: a card
    // "checked in" on 1 January of year 1.
    @Test("years beyond four digits are refused, not wrapped", arguments: [
        "01.01.9223372036854775807 10:00", "01.01.99999 10:00", "01.01.0 10:00", "31.02.2025 10:00",
    ])
    func refused(text: String) {
        #expect(OZLocksDate(timeZone: .gmt).parse(text) == nil)
    }

    @Test("the vendor's form, with and without seconds")
    func accepted() throws {
        let date = try #require(OZLocksDate(timeZone: .gmt).parse("05.09.2025 14:00"))
        #expect(date.timeIntervalSince1970 == 1_757_080_800)
        #expect(OZLocksDate(timeZone: .gmt).parse("05.09.2025 14:00:30") == date.addingTimeInterval(30))
    }
}
