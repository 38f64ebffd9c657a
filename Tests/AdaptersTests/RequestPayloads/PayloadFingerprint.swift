import Foundation

/// A decoded payload as `field name → text`, read by reflection so that one comparison serves every
/// payload type (most are Decodable only, not Equatable). Absent optionals are left out.
enum PayloadFingerprint {
    static let separator = "\u{1F}"

    static func of(_ value: Any) -> [String: String] {
        var fields: [String: String] = [:]
        for child in Mirror(reflecting: value).children {
            guard let label = child.label, let text = text(child.value) else { continue }
            fields[label] = text
        }
        return fields
    }

    private static func text(_ value: Any) -> String? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first else { return nil }
            return text(wrapped.value)
        }
        switch value {
        case let text as String: return text
        case let flag as Bool: return String(flag)
        case let number as Int: return String(number)
        case let date as Date: return "time:\(Int(date.timeIntervalSince1970.rounded(.down)))"
        case let texts as [String]: return texts.joined(separator: separator)
        case let raw as any RawRepresentable<String>: return raw.rawValue
        default:
            // LenientInt and the like: a wrapper whose one stored property is `value`.
            guard let inner = mirror.children.first(where: { $0.label == "value" }) else { return "\(value)" }
            return text(inner.value)
        }
    }
}
