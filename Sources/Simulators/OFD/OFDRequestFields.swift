import Foundation

/// The string members of a JSON request body. Names match in any case, as ASP.NET's model binding
/// does; a member that is not a string (number, null, object) counts as absent.
struct OFDRequestFields {
    private let strings: [String: String]

    /// Nil when the body is not a JSON object.
    init?(_ body: Data) {
        guard let object = try? JSONDecoder().decode([String: Member].self, from: body) else { return nil }
        var strings: [String: String] = [:]
        for (key, member) in object {
            if case .text(let text) = member { strings[key.lowercased()] = text }
        }
        self.strings = strings
    }

    /// The member's text, trimmed; nil when absent or blank.
    subscript(name: String) -> String? {
        guard let text = strings[name.lowercased()]?.trimmingCharacters(in: .whitespacesAndNewlines),
              !text.isEmpty else { return nil }
        return text
    }

    private enum Member: Decodable {
        case text(String), other

        init(from decoder: any Decoder) throws {
            self = (try? decoder.singleValueContainer().decode(String.self)).map(Member.text) ?? .other
        }
    }
}
