import Foundation

/// The standard's one time format (V1.5 made every time field use it): `yyyyMMdd HH:mm:ss`, 17
/// characters, local time of the configured zone, no zone suffix.
struct VankeTime: Sendable {
    private let calendar: Calendar

    init(timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    func string(from date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02d %02d:%02d:%02d",
                      c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// Parses exactly `yyyyMMdd HH:mm:ss`; any other shape or an impossible date (0230, 25:00) is nil.
    func date(from string: String) -> Date? {
        let bytes = Array(string.utf8)
        guard bytes.count == 17, bytes[8] == UInt8(ascii: " "), bytes[11] == UInt8(ascii: ":"),
              bytes[14] == UInt8(ascii: ":") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard bytes[range].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
            return Int(String(decoding: bytes[range], as: UTF8.self))
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8),
              let hour = number(9..<11), let minute = number(12..<14), let second = number(15..<17),
              let date = calendar.date(from: DateComponents(
                  year: year, month: month, day: day, hour: hour, minute: minute, second: second))
        else { return nil }
        // Calendar rolls 0230 over to March: only a date that reads back the same is real.
        // (A time skipped by a daylight-saving change also fails here, which is right: nobody's clock showed it.)
        return self.string(from: date) == string ? date : nil
    }

    /// `yyyyMMddHHmmss` (typed at the console, where a space would split the word) in the standard's form.
    static func spaced(compact: String) -> String? {
        guard compact.count == 14, compact.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let digits = Array(compact)
        return String(digits[0..<8]) + " " + String(digits[8..<10]) + ":" + String(digits[10..<12]) + ":"
            + String(digits[12..<14])
    }
}
