import Foundation
import Testing
import Topics

@Suite("Timestamp")
struct TimestampTests {
    let moscow = TimeZone(identifier: "Europe/Moscow")!
    /// 2025-09-04T12:21:00Z.
    let instant = Date(timeIntervalSince1970: 1_756_988_460)

    @Test func formatsWithNumericOffset() {
        #expect(Timestamp.rfc3339(instant, in: moscow) == "2025-09-04T15:21:00+03:00")
        #expect(Timestamp.rfc3339(instant, in: TimeZone(identifier: "UTC")!) == "2025-09-04T12:21:00+00:00")
        #expect(Timestamp.rfc3339(instant, in: TimeZone(identifier: "America/St_Johns")!) == "2025-09-04T09:51:00-02:30")
        #expect(Timestamp.rfc3339(instant.addingTimeInterval(0.999), in: moscow) == "2025-09-04T15:21:00+03:00")
    }

    @Test func formatsDaylightSavingAndOldDates() {
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        #expect(Timestamp.rfc3339(Date(timeIntervalSince1970: 1_735_689_600), in: berlin) == "2025-01-01T01:00:00+01:00")
        #expect(Timestamp.rfc3339(Date(timeIntervalSince1970: 1_751_328_000), in: berlin) == "2025-07-01T02:00:00+02:00")
        #expect(Timestamp.rfc3339(Date(timeIntervalSince1970: -1), in: TimeZone(identifier: "UTC")!) == "1969-12-31T23:59:59+00:00")
        #expect(Timestamp.rfc3339(Date(timeIntervalSince1970: 951_782_400), in: TimeZone(identifier: "UTC")!) == "2000-02-29T00:00:00+00:00")
    }

    @Test("parses RFC 3339", arguments: [
        ("2025-09-04T15:21:00+03:00", 1_756_988_460.0),
        ("2025-09-04T12:21:00Z", 1_756_988_460),
        ("2025-09-04t12:21:00z", 1_756_988_460),
        ("2025-09-04 12:21:00+00:00", 1_756_988_460),
        ("2025-09-04T12:21:00.250Z", 1_756_988_460.25),
        ("2025-09-04T09:51:00-02:30", 1_756_988_460),
        ("2000-02-29T00:00:00Z", 951_782_400),
        ("1969-12-31T23:59:59Z", -1),
    ] as [(String, Double)])
    func parses(text: String, seconds: Double) {
        #expect(Timestamp.parseRFC3339(text) == Date(timeIntervalSince1970: seconds))
    }

    @Test("refuses what is not RFC 3339 with offset", arguments: [
        "", "2025-09-04", "2025-09-04T15:21:00", "2025-09-04T15:21+03:00", "2025-09-04T15:21:00+0300",
        "2025-13-04T15:21:00Z", "2025-02-29T00:00:00Z", "2025-09-31T00:00:00Z", "2025-09-04T24:00:00Z",
        "2025-09-04T15:21:00.Z", "2025-09-04T15:21:00Z ", "25-09-04T15:21:00Z", "2025-09-04T15:21:00+03:00x",
        "04.09.2025 15:21",
    ])
    func refuses(text: String) {
        #expect(Timestamp.parseRFC3339(text) == nil)
    }

    @Test func roundTripsOverManyInstantsAndZones() {
        let zones = ["UTC", "Europe/Moscow", "Asia/Shanghai", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"]
            .map { TimeZone(identifier: $0)! }
        var random = SplitMix64(seed: 42)
        for _ in 0..<500 {
            let seconds = Double(Int64.random(in: -2_000_000_000...4_000_000_000, using: &random))
            let date = Date(timeIntervalSince1970: seconds)
            for zone in zones {
                let text = Timestamp.rfc3339(date, in: zone)
                #expect(Timestamp.parseRFC3339(text) == date, "\(text)")
            }
        }
    }

    @Test func agreesWithFoundationFormatting() {
        var random = SplitMix64(seed: 7)
        let style = Date.ISO8601FormatStyle(timeZoneSeparator: .colon, timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        for _ in 0..<200 {
            let date = Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_000_000_000, using: &random)))
            #expect(Timestamp.rfc3339(date, in: TimeZone(identifier: "Asia/Shanghai")!) == date.formatted(style))
        }
    }

    @Test func safeFromManyTasksAtOnce() async {
        let results = await withTaskGroup(of: Bool.self) { group in
            for offset in 0..<64 {
                group.addTask {
                    let date = Date(timeIntervalSince1970: 1_756_988_460 + Double(offset) * 3600)
                    return Timestamp.parseRFC3339(Timestamp.rfc3339(date, in: TimeZone(identifier: "Europe/Moscow")!)) == date
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.count == 64)
        #expect(results.allSatisfy { $0 })
    }
}
