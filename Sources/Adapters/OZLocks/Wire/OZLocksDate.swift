import Foundation

/// The vendor's `ДД.ММ.ГГГГ ЧЧ:ММ` (local time of the site, minute precision).
struct OZLocksDate: Sendable {
    let timeZone: TimeZone

    func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.day, .month, .year, .hour, .minute], from: date)
        return String(
            format: "%02d.%02d.%04d %02d:%02d", c.day ?? 0, c.month ?? 0, c.year ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// Accepts `DD.MM.YYYY HH:MM`, with optional seconds (`HH:MM:SS`) as some servers send them.
    func parse(_ text: String) -> Date? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        let day = parts[0].split(separator: ".").compactMap { Int($0) }
        let time = parts[1].split(separator: ":").compactMap { Int($0) }
        // Four-digit years only: Calendar turns a year of Int.max into year 1 instead of failing.
        guard day.count == 3, (1...9999).contains(day[2]), time.count == 2 || time.count == 3 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(
            year: day[2], month: day[1], day: day[0], hour: time[0], minute: time[1], second: time.count == 3 ? time[2] : 0)
        guard let date = calendar.date(from: components),
            calendar.component(.day, from: date) == day[0], calendar.component(.month, from: date) == day[1]
        else { return nil }
        return date
    }
}
