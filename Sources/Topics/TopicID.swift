/// Vendor ids (room, encoder, lot, device, place, RNM) as single topic levels.
///
/// Only the characters that would change a topic's meaning are percent-encoded: the level
/// separator `/`, the wildcards `+` and `#`, `%` itself (so decoding is unambiguous), NUL
/// (forbidden in MQTT strings) and a leading `$` (brokers treat `$…` topics as system topics that
/// leading wildcards never match). Everything else, Cyrillic and Chinese included, stays readable.
public enum TopicID {
    /// The topic level for a vendor id.
    public static func encode(_ id: String) -> String {
        var out = String.UnicodeScalarView()
        for (index, scalar) in id.unicodeScalars.enumerated() {
            switch scalar {
            case "/", "+", "#", "%", "\u{0}":
                out.append(contentsOf: percent(scalar).unicodeScalars)
            case "$" where index == 0:
                out.append(contentsOf: percent(scalar).unicodeScalars)
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// The vendor id for a topic level; `%XX` sequences other than the six encoded ones are kept.
    public static func decode(_ level: String) -> String {
        guard level.contains("%") else { return level }
        let scalars = Array(level.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "%", i + 2 < scalars.count,
               let decoded = decodedScalar(scalars[i + 1], scalars[i + 2]) {
                out.append(decoded)
                i += 3
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return String(out)
    }

    private static func percent(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "%" + (hex.count < 2 ? "0" + hex : hex)
    }

    private static func decodedScalar(_ high: Unicode.Scalar, _ low: Unicode.Scalar) -> Unicode.Scalar? {
        guard let h = hexDigit(high), let l = hexDigit(low) else { return nil }
        switch h * 16 + l {
        case 0x2F: return "/"
        case 0x2B: return "+"
        case 0x23: return "#"
        case 0x25: return "%"
        case 0x00: return "\u{0}"
        case 0x24: return "$"
        default: return nil
        }
    }

    private static func hexDigit(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": return scalar.value - 0x30
        case "A"..."F": return scalar.value - 0x41 + 10
        case "a"..."f": return scalar.value - 0x61 + 10
        default: return nil
        }
    }
}
