import Foundation

// The operator's JSON. Property names are the operator's field names.
// swiftlint:disable identifier_name

enum OFDWire {
    struct Credentials: Encodable, Sendable {
        var Login: String
        var Password: String
    }

    struct Token: Decodable, Sendable {
        var AuthToken: String
        /// UTC, without a zone suffix: `2017-01-24T14:44:21`.
        var ExpirationDateUtc: String
    }

    struct Pay: Encodable, Sendable {
        var Inn: String
        var Kpp: String?
        var Rnm: String
        var ActivationCode: String
        var Email: String
    }

    struct PayAnswer: Decodable, Sendable {
        var IsCompleted: Bool?
        var IsWaiting: Bool?
    }

    struct PayStatus: Decodable, Sendable {
        var DateUtc: String?
        var Inn: String?
        var Rnm: String?
        var ActivationCode: String?
        var Status: String?
        var ActivationDateUtc: String?
    }

    struct Kkt: Decodable, Sendable {
        var Id: String?
        var KktRegId: String
        var SerialNumber: String?
        var FnNumber: String?
        var CreateDate: String?
        var LastDocOnKktDateTime: String?
        var LastDocOnOfdDateTimeUtc: String?
        var FiscalAddress: String?
        var FiscalPlace: String?
        var KktModel: String?
        var FnEndDate: String?
        var Tariff: String?
        var LastBuyDateUtc: String?
        var ContractStartDateUtc: String?
        var ContractEndDateUtc: String?
    }

    /// One element of a list, kept apart when it cannot be read: one bad row must not fail the list.
    enum Row<Item: Decodable & Sendable>: Decodable, Sendable {
        case item(Item)
        /// Why not, naming the field.
        case unreadable(String)

        init(from decoder: any Decoder) throws {
            func field(_ context: DecodingError.Context) -> String { context.codingPath.last?.stringValue ?? "the row" }
            do {
                self = .item(try Item(from: decoder))
            } catch DecodingError.keyNotFound(let key, _) {
                self = .unreadable("no \(key.stringValue)")
            } catch DecodingError.valueNotFound(_, let context) {
                self = .unreadable("\(field(context)) is null")
            } catch DecodingError.typeMismatch(_, let context) {
                self = .unreadable("\(field(context)) has the wrong type")
            } catch {
                self = .unreadable("unreadable")
            }
        }
    }

    struct DataList<Item: Decodable & Sendable>: Decodable, Sendable {
        var Data: [Item]?
        var Success: Bool?
    }

    /// The shapes in which the operator reports an error with HTTP 200: `Error: {Code, Message}`,
    /// `Success: false`, `Errors: […]`, or a `Message` with neither `Success: true` nor `Data`.
    struct Failure: Decodable, Sendable {
        struct ErrorObject: Decodable, Sendable {
            var Code: String?
            var Message: String?
        }
        /// Any JSON value: only whether the member is there matters.
        struct Present: Decodable, Sendable {
            init(from decoder: any Decoder) throws {}
        }
        var Success: Bool?
        var Errors: [String]?
        var Error: ErrorObject?
        var Message: String?
        var Data: Present?
    }
}

/// `yyyy-MM-ddTHH:mm:ss`, as the operator writes times (no zone suffix): UTC for the fields named
/// `…Utc`, the operator's zone for the others (see OFDKktTimes).
enum OFDTime {
    static func parse(_ text: String?, in zone: TimeZone = .gmt) -> Date? {
        guard var text, !text.isEmpty else { return nil }
        if let dot = text.firstIndex(of: ".") { text = String(text[..<dot]) }
        if text.hasSuffix("Z") { text.removeLast() }
        var parts = text.split(separator: "T").map(String.init)
        if parts.count == 1 { parts.append("00:00:00") }
        let day = parts[0].split(separator: "-").compactMap { Int($0) }
        let time = parts[1].split(separator: ":").compactMap { Int($0) }
        // Four-digit years only: Calendar turns a year of Int.max into year 1 instead of failing.
        guard day.count == 3, (1...9999).contains(day[0]), time.count >= 2 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(
            from: DateComponents(year: day[0], month: day[1], day: day[2], hour: time[0], minute: time[1], second: time.count > 2 ? time[2] : 0))
    }

    static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }
}
