import Foundation

/// The operator's `yyyy-MM-ddTHH:mm:ss`: whole seconds, no zone suffix. Fields named `…Utc` are
/// UTC; the register's `CreateDate`, `LastDocOnKktDateTime` and `FnEndDate` are Moscow time (the
/// spec's footnotes call them local, and its example shows `LastDocOnKktDateTime` three hours
/// ahead of `LastDocOnOfdDateTimeUtc`).
enum OFDDateFormat {
    /// The operator's own zone, for the fields without `Utc` in their name.
    static let operatorZone = TimeZone(identifier: "Europe/Moscow") ?? TimeZone(secondsFromGMT: 3 * 3600) ?? .gmt

    private static let utc = calendar(TimeZone(identifier: "UTC") ?? .gmt)
    private static let moscow = calendar(operatorZone)

    private static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// In UTC, for the `…Utc` fields and the query dates.
    static func string(from date: Date) -> String { string(from: date, in: utc) }

    /// In Moscow time, for the register fields without `Utc`.
    static func localString(from date: Date) -> String { string(from: date, in: moscow) }

    private static func string(from date: Date, in calendar: Calendar) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: wholeSeconds(date))
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d",
                      c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// Parses exactly `yyyy-MM-ddTHH:mm:ss` as UTC; a zone suffix, fractions or an impossible date are refused.
    static func date(from string: String) -> Date? {
        let bytes = Array(string.utf8)
        guard bytes.count == 19, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard bytes[range].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
            return Int(String(decoding: bytes[range], as: UTF8.self))
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        let wanted = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = utc.date(from: wanted) else { return nil }
        // Calendar rolls 31.02 over to March: only a date that reads back the same is real.
        guard string == self.string(from: date) else { return nil }
        return date
    }

    /// The operator shows whole seconds; records are kept that way so a range query sees what a list shows.
    static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970).rounded(.down))
    }
}
