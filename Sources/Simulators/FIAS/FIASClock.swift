import Foundation

/// The PMS's clock as FIAS writes it: `DA` as YYMMDD and `TI` as HHMMSS, local time.
enum FIASClock {
    /// `DA<yymmdd>|TI<hhmmss>|` for this moment.
    static func stamp(_ date: Date = Date(), timeZone: TimeZone = .current) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String {
            let number = (value ?? 0) % 100
            return number < 10 ? "0\(number)" : "\(number)"
        }
        return "DA\(two(parts.year))\(two(parts.month))\(two(parts.day))|TI\(two(parts.hour))\(two(parts.minute))\(two(parts.second))|"
    }

    /// The record with `DA` and `TI` appended where it lacks them (and a closing `|` if missing).
    static func stamped(_ record: String, at date: Date = Date(), timeZone: TimeZone = .current) -> String {
        var text = record.hasSuffix("|") ? record : record + "|"
        let values = FIASRecord(text).values
        let stamp = self.stamp(date, timeZone: timeZone).split(separator: "|")
        if values["DA"] == nil { text += stamp[0] + "|" }
        if values["TI"] == nil { text += stamp[1] + "|" }
        return text
    }
}
