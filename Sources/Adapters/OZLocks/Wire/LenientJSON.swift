import Foundation

/// Repairs the two slips the vendor's own examples make, so a PMS written from them still works:
/// a trailing comma before `}`/`]`, and a missing comma between a value that ends a line and the
/// next member's name. Text inside strings is never touched.
enum LenientJSON {
    static func repair(_ data: Data) -> Data {
        let bytes = [UInt8](data)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        var inString = false
        var escaped = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                out.append(byte)
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                if let last = lastSignificant(out), endsValue(last), sawNewline(out) { out.append(UInt8(ascii: ",")) }
                inString = true
                out.append(byte)
            case UInt8(ascii: ","):
                if let next = nextSignificant(bytes, after: index), next == UInt8(ascii: "}") || next == UInt8(ascii: "]") {
                    break  // trailing comma: dropped
                }
                out.append(byte)
            default:
                out.append(byte)
            }
            index += 1
        }
        return Data(out)
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    private static func lastSignificant(_ out: [UInt8]) -> UInt8? { out.last(where: { !isSpace($0) }) }

    /// Whether a newline separates the last significant byte from here.
    private static func sawNewline(_ out: [UInt8]) -> Bool {
        for b in out.reversed() {
            if b == 0x0A { return true }
            if !isSpace(b) { return false }
        }
        return false
    }

    private static func endsValue(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "\"") || b == UInt8(ascii: "}") || b == UInt8(ascii: "]") || (b >= 0x30 && b <= 0x39)
            || b == UInt8(ascii: "e") || b == UInt8(ascii: "l")
    }

    private static func nextSignificant(_ bytes: [UInt8], after index: Int) -> UInt8? {
        var i = index + 1
        while i < bytes.count {
            if !isSpace(bytes[i]) { return bytes[i] }
            i += 1
        }
        return nil
    }
}
