/// `${NAME}` and `${NAME:-default}` in scalar values, resolved from the injected environment.
/// `:-` also applies when the variable is set but empty; `$${` stands for a literal `${`.
enum ConfigSubstitution {
    enum Outcome: Equatable {
        /// The resolved text; `substituted` says whether any variable went into it.
        case text(String, substituted: Bool)
        case missing([String])
        case malformed(String)
    }

    /// Names of the variables the text refers to, set or not.
    static func references(in text: String) -> [String] {
        var names: [String] = []
        _ = expand(text) { name in
            names.append(name)
            return nil
        }
        return names
    }

    static func apply(_ text: String, environment: [String: String]) -> Outcome {
        expand(text) { environment[$0] }
    }

    private static func expand(_ text: String, lookup: (String) -> String?) -> Outcome {
        guard text.contains("$") else { return .text(text, substituted: false) }
        var result = ""
        var missing: [String] = []
        var substituted = false
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let afterDollar = rest[rest.index(after: dollar)...]
            if afterDollar.hasPrefix("${") {
                result += "${"
                rest = afterDollar.dropFirst(2)
                continue
            }
            guard afterDollar.hasPrefix("{") else {
                result += "$"
                rest = afterDollar
                continue
            }
            guard let close = afterDollar.firstIndex(of: "}") else {
                return .malformed("unterminated ${ in value")
            }
            let reference = afterDollar[afterDollar.index(after: afterDollar.startIndex)..<close]
            let (name, fallback) = split(reference)
            guard isVariableName(name) else { return .malformed("invalid variable reference ${\(name)}") }
            substituted = true
            if let value = lookup(String(name)), !(value.isEmpty && fallback != nil) {
                result += value
            } else if let fallback {
                result += fallback
            } else {
                missing.append(String(name))
            }
            rest = afterDollar[afterDollar.index(after: close)...]
        }
        result += rest
        return missing.isEmpty ? .text(result, substituted: substituted) : .missing(missing)
    }

    private static func split(_ reference: Substring) -> (Substring, Substring?) {
        guard let range = reference.range(of: ":-") else { return (reference, nil) }
        return (reference[..<range.lowerBound], reference[range.upperBound...])
    }

    private static func isVariableName(_ name: Substring) -> Bool {
        guard let first = name.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
