import Foundation

/// The vendor's `ДД.ММ.ГГГГ ЧЧ:ММ` in the server's local time zone (a Calendar, so it is Sendable).
struct OZDateFormat: Sendable {
    let calendar: Calendar

    init(timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    func string(from date: Date) -> String {
        let c = calendar.dateComponents([.day, .month, .year, .hour, .minute], from: date)
        return String(format: "%02d.%02d.%04d %02d:%02d", c.day ?? 0, c.month ?? 0, c.year ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// Parses exactly `DD.MM.YYYY HH:MM`; an impossible date (31.02) is refused, not rolled over.
    func date(from string: String) -> Date? {
        let bytes = Array(string.utf8)
        guard bytes.count == 16, bytes[2] == UInt8(ascii: "."), bytes[5] == UInt8(ascii: "."),
              bytes[10] == UInt8(ascii: " "), bytes[13] == UInt8(ascii: ":") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard bytes[range].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
            return Int(String(decoding: bytes[range], as: UTF8.self))
        }
        guard let day = number(0..<2), let month = number(3..<5), let year = number(6..<10),
              let hour = number(11..<13), let minute = number(14..<16) else { return nil }
        let wanted = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute)
        guard let date = calendar.date(from: wanted) else { return nil }
        let back = calendar.dateComponents([.day, .month, .year, .hour, .minute], from: date)
        guard back.day == day, back.month == month, back.year == year, back.hour == hour, back.minute == minute else {
            return nil
        }
        return date
    }
}
