import Foundation

/// A single-byte code page for FIAS text: ASCII below 0x80, a table above. FIAS never says UTF-8,
/// so the page is configured per PMS (cp1251 suits Cyrillic guest names).
public struct FIASCodePage: Sendable, Equatable, CustomStringConvertible {
    /// Windows-1251, Cyrillic.
    public static let cp1251 = FIASCodePage(name: "cp1251", upperHalf: FIASCodePageTables.cp1251)
    /// IBM 866, DOS Cyrillic.
    public static let cp866 = FIASCodePage(name: "cp866", upperHalf: FIASCodePageTables.cp866)
    /// ISO-8859-1, Western European.
    public static let latin1 = FIASCodePage(name: "latin1", upperHalf: FIASCodePageTables.latin1)
    /// US-ASCII: bytes above 0x7F decode to U+FFFD.
    public static let ascii = FIASCodePage(name: "ascii", upperHalf: FIASCodePageTables.ascii)

    /// The page for a configured name (case-insensitive: "cp1251", "windows-1251", "cp866", "ibm866",
    /// "latin1", "iso-8859-1", "ascii", "us-ascii"); nil when unknown.
    public static func named(_ name: String) -> FIASCodePage? {
        switch name.lowercased() {
        case "cp1251", "windows-1251": .cp1251
        case "cp866", "ibm866": .cp866
        case "latin1", "iso-8859-1": .latin1
        case "ascii", "us-ascii": .ascii
        default: nil
        }
    }

    /// The canonical name ("cp1251", "cp866", "latin1", "ascii").
    public var name: String
    /// Scalar values of bytes 0x80–0xFF; 0xFFFD where the page defines no character.
    private let upperHalf: [UInt32]
    /// The inverse of `upperHalf`, for characters above U+007F.
    private let bytesByScalar: [UInt32: UInt8]

    private init(name: String, upperHalf: [UInt32]) {
        precondition(upperHalf.count == 128, "a code page table covers 0x80–0xFF")
        self.name = name
        self.upperHalf = upperHalf
        var inverse: [UInt32: UInt8] = [:]
        for (offset, scalar) in upperHalf.enumerated() where scalar != 0xFFFD {
            inverse[scalar] = UInt8(0x80 + offset)
        }
        self.bytesByScalar = inverse
    }

    public var description: String { name }

    public static func == (lhs: FIASCodePage, rhs: FIASCodePage) -> Bool {
        lhs.name == rhs.name && lhs.upperHalf == rhs.upperHalf
    }

    /// Text of the bytes; a byte the page does not define becomes U+FFFD (never fails).
    public func decode(_ bytes: some Collection<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let value = byte < 0x80 ? UInt32(byte) : upperHalf[Int(byte) - 0x80]
            scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return String(scalars)
    }

    /// Bytes of the text; each character the page cannot write becomes one "?".
    public func encode(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        // Composed first: "й" may arrive as "и" + U+0306, which has no byte of its own.
        for character in text.precomposedStringWithCanonicalMapping {
            let start = bytes.count
            for scalar in character.unicodeScalars {
                guard let byte = byte(for: scalar) else {
                    bytes.removeSubrange(start...)
                    bytes.append(FIASSyntax.replacement)
                    break
                }
                bytes.append(byte)
            }
        }
        return bytes
    }

    private func byte(for scalar: Unicode.Scalar) -> UInt8? {
        scalar.value < 0x80 ? UInt8(scalar.value) : bytesByScalar[scalar.value]
    }
}
