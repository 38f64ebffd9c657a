import Foundation

/// FIAS dates `YYMMDD`, times `HHMMSS`, and the key records' departure time `HH:MM`, in the site's zone.
struct FIASTime: Sendable {
    let timeZone: TimeZone

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    func date(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%02d%02d%02d", (c.year ?? 0) % 100, c.month ?? 0, c.day ?? 0)
    }

    func time(_ date: Date) -> String {
        let c = calendar.dateComponents([.hour, .minute, .second], from: date)
        return String(format: "%02d%02d%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    func hoursMinutes(_ date: Date) -> String {
        let c = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    }

    /// `YYMMDD` plus an optional `HH:MM` (or `HHMM`/`HHMMSS`) → a date; nil when malformed.
    func parse(date text: String, time: String? = nil) -> Date? {
        let digits = Array(text)
        guard digits.count == 6, digits.allSatisfy(\.isNumber),
            let yy = Int(String(digits[0..<2])), let mm = Int(String(digits[2..<4])), let dd = Int(String(digits[4..<6]))
        else { return nil }
        var hour = 0
        var minute = 0
        if let time, !time.isEmpty {
            let clean = time.replacingOccurrences(of: ":", with: "")
            guard clean.count >= 4, clean.allSatisfy(\.isNumber), let h = Int(clean.prefix(2)),
                let m = Int(clean.dropFirst(2).prefix(2)), h < 24, m < 60
            else { return nil }
            hour = h
            minute = m
        }
        let components = DateComponents(year: 2000 + yy, month: mm, day: dd, hour: hour, minute: minute)
        guard let result = calendar.date(from: components), calendar.component(.day, from: result) == dd else { return nil }
        return result
    }

    func isToday(_ date: Date, now: Date = Date()) -> Bool { calendar.isDate(date, inSameDayAs: now) }
}
