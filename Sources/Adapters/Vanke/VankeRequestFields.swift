import Foundation
import Topics

/// A refusal of a platform request: respCode "1" with a respDesc that says why (never a secret).
struct VankeRefusal: Error, Equatable {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The members of an incoming request body, read the way the platform may send them: integers
/// as numbers or numeric strings, codes as strings or numbers. Every problem names the field.
struct VankeRequestFields {
    let members: [String: JSONValue]

    init(_ body: Data) throws(VankeRefusal) {
        guard !body.isEmpty else { throw VankeRefusal("empty body: expected a JSON object") }
        let value: JSONValue
        do {
            value = try JSONValue.parse(body)
        } catch {
            throw VankeRefusal("invalid JSON: \(error.description)")
        }
        guard case .object(let members) = value else { throw VankeRefusal("expected a JSON object, got \(value.kindName)") }
        self.members = members
    }

    func string(_ key: String) throws(VankeRefusal) -> String {
        guard let value = try optionalString(key) else { throw VankeRefusal("field '\(key)': missing") }
        return value
    }

    /// Absent, null and "" count as not given.
    func optionalString(_ key: String) throws(VankeRefusal) -> String? {
        switch members[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text.isEmpty ? nil : text
        case .int(let number)?: return String(number)
        case let other?: throw VankeRefusal("field '\(key)': expected a string, got \(other.kindName)")
        }
    }

    func int(_ key: String, default defaultValue: Int) throws(VankeRefusal) -> Int {
        switch members[key] {
        case nil, .null?: return defaultValue
        case .string(let text)? where text.isEmpty: return defaultValue
        case .string(let text)?:
            guard let number = Int(text) else { throw VankeRefusal("field '\(key)': expected an integer, got \"\(text)\"") }
            return number
        case let value?:
            guard let number = value.intValue else { throw VankeRefusal("field '\(key)': expected an integer, got \(value.kindName)") }
            return Int(number)
        }
    }

    func time(_ key: String, _ clock: VankeTime) throws(VankeRefusal) -> Date {
        guard let date = try optionalTime(key, clock) else { throw VankeRefusal("field '\(key)': missing") }
        return date
    }

    func optionalTime(_ key: String, _ clock: VankeTime) throws(VankeRefusal) -> Date? {
        guard let text = try optionalString(key) else { return nil }
        guard let date = clock.parse(text) else {
            throw VankeRefusal("field '\(key)': expected yyyyMMdd HH:mm:ss, got \"\(text)\"")
        }
        return date
    }

    /// pageSize (default 10, at most 100: larger values are clamped) and currentPage (default 1).
    static let maximumPage = 1_000_000

    func paging() throws(VankeRefusal) -> (size: Int, page: Int) {
        let size = try int("pageSize", default: 10)
        let page = try int("currentPage", default: 1)
        guard size >= 1 else { throw VankeRefusal("field 'pageSize': must be at least 1, got \(size)") }
        guard page >= 1 else { throw VankeRefusal("field 'currentPage': must be at least 1, got \(page)") }
        // Bounded before any arithmetic: `(page - 1) * size` of a caller's 2⁶³−1 trapped and ended
        // the whole process. A million pages of 100 is far beyond any lot's records.
        guard page <= Self.maximumPage else {
            throw VankeRefusal("field 'currentPage': must be at most \(Self.maximumPage), got \(page)")
        }
        return (min(size, 100), page)
    }
}
