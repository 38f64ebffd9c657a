/// A single-byte code page for FIAS text: ASCII below 0x80, a table above.
///
/// FIAS never says UTF-8; the PMS picks a code page. Decoding is lenient (an unmapped byte becomes
/// U+FFFD) and encoding replaces what the page cannot hold with `?`, as a PMS printing names would.
struct FIASCodePage: Sendable {
    /// The page's name as given (`cp1251`, `windows-1251`, `latin1`, `iso-8859-1`, `ascii`).
    let name: String
    /// Characters for bytes 0x80…0xFF; nil entries are unmapped.
    private let high: [Unicode.Scalar?]
    private let reverse: [Unicode.Scalar: UInt8]

    /// The named page, or nil when it is not one of the known pages.
    init?(named name: String) {
        switch name.lowercased() {
        case "cp1251", "windows-1251", "win1251", "1251": high = Self.cp1251
        case "cp866", "ibm866", "866", "dos-866": high = Self.cp866
        case "latin1", "iso-8859-1", "iso8859-1", "cp28591": high = (0x80...0xFF).map { Unicode.Scalar(UInt8($0)) }
        case "ascii", "us-ascii": high = Array(repeating: nil, count: 128)
        default: return nil
        }
        self.name = name
        var reverse = [Unicode.Scalar: UInt8]()
        for (offset, scalar) in high.enumerated() {
            if let scalar { reverse[scalar] = UInt8(0x80 + offset) }
        }
        self.reverse = reverse
    }

    /// The text as bytes of this page; characters it lacks become `?`.
    func encode(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { scalar in
            if scalar.value < 0x80 { return UInt8(scalar.value) }
            return reverse[scalar] ?? UInt8(ascii: "?")
        }
    }

    /// The bytes as text; unmapped bytes become U+FFFD.
    func decode(_ bytes: some Sequence<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if byte < 0x80 { scalars.append(Unicode.Scalar(byte)) }
            else { scalars.append(high[Int(byte) - 0x80] ?? "\u{FFFD}") }
        }
        return String(scalars)
    }

    /// DOS code page 866, the letters only (what a PMS's names use): 0x80…0xAF А…п, 0xE0…0xEF р…я,
    /// 0xF0 Ё, 0xF1 ё; the box-drawing and other symbols are left unmapped here.
    private static let cp866: [Unicode.Scalar?] = (0x80...0xFF).map { byte -> Unicode.Scalar? in
        switch byte {
        case 0x80...0xAF: Unicode.Scalar(UInt32(0x0410 + byte - 0x80))
        case 0xE0...0xEF: Unicode.Scalar(UInt32(0x0440 + byte - 0xE0))
        case 0xF0: Unicode.Scalar(0x0401)
        case 0xF1: Unicode.Scalar(0x0451)
        default: nil
        }
    }

    /// Windows-1251, 0x80…0xFF (0x98 is unassigned); 0xC0…0xFF are А…я in order.
    private static let cp1251: [Unicode.Scalar?] = {
        let upper: [UInt32?] = [
            0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021,
            0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
            0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
            nil, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
            0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7,
            0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
            0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7,
            0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
        ]
        let cyrillic = (UInt32(0x0410)...0x044F).map { Optional($0) }
        return (upper + cyrillic).map { $0.flatMap(Unicode.Scalar.init) }
    }()
}
