/// Byte sequences for the decoder fuzz test: random noise, and valid frames broken in random ways.
enum FIASFuzzInputs {
    private static let stx: UInt8 = 0x02
    private static let etx: UInt8 = 0x03
    private static let bar: UInt8 = 0x7C
    private static let types = ["LS", "LA", "LD", "LR", "LE", "KR", "KD", "KA", "KZ", "KM", "DR"].map { Array($0.utf8) }
    private static let ids = [
        "WS", "KC", "RN", "KT", "GN", "GA", "GD", "DT", "KO", "AS", "CT", "$2", "K#", "G#", "DA", "TI",
    ]
    .map { Array($0.utf8) }
    private static let idBytes = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789#$+".utf8)
    /// Bytes that steer the decoder: framing, separators, id characters, Cyrillic, cp1251's undefined 0x98.
    private static let hotBytes: [UInt8] =
        [0x02, 0x02, 0x03, 0x03, 0x7C, 0x7C, 0x20, 0x0D, 0x0A, 0x98, 0xC8, 0x00, 0xFF]
        + Array("KRLSAGNWC0123#$+".utf8)

    /// One input and the record limit to decode it with.
    static func make(_ random: inout FIASFuzzRandom) -> (bytes: [UInt8], maxRecordLength: Int) {
        let maxRecordLength =
            random.chance(70) ? random.int(1...64) : random.chance(66) ? random.int(65...300) : 2000
        let bytes: [UInt8]
        switch random.int(0...9) {
        case 0: bytes = noise(&random, from: nil)
        case 1, 2: bytes = noise(&random, from: hotBytes)
        default: bytes = mutated(frames(&random, maxRecordLength: maxRecordLength), &random)
        }
        return (bytes, maxRecordLength)
    }

    /// Splits `bytes` into reads the way TCP might: whole, byte by byte, or in random sizes.
    static func reads(_ bytes: [UInt8], _ random: inout FIASFuzzRandom) -> [[UInt8]] {
        let largest: Int
        switch random.int(0...3) {
        case 0: return [bytes]
        case 1: largest = 1
        case 2: largest = 16
        default: largest = max(1, bytes.count)
        }
        var reads: [[UInt8]] = []
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + random.int(1...largest))
            reads.append(Array(bytes[start..<end]))
            start = end
        }
        return reads
    }

    private static func noise(_ random: inout FIASFuzzRandom, from alphabet: [UInt8]?) -> [UInt8] {
        (0..<random.int(0...200)).map { _ in
            alphabet.map { random.pick($0) } ?? UInt8.random(in: 0...255, using: &random)
        }
    }

    /// One to six valid frames, sometimes with garbage between them.
    private static func frames(_ random: inout FIASFuzzRandom, maxRecordLength: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<random.int(1...6) {
            if random.chance(20) { bytes += noise(&random, from: hotBytes).prefix(4) }
            bytes.append(stx)
            bytes += record(&random, longValue: random.chance(10) ? random.int(0...(3 * maxRecordLength)) : nil)
            bytes.append(etx)
        }
        return bytes
    }

    private static func record(_ random: inout FIASFuzzRandom, longValue: Int?) -> [UInt8] {
        var bytes = random.chance(90) ? random.pick(types) : [random.pick(idBytes), random.pick(idBytes)]
        bytes.append(bar)
        for _ in 0..<random.int(0...8) {
            bytes += random.chance(80) ? random.pick(ids) : [random.pick(idBytes), random.pick(idBytes)]
            for _ in 0..<random.int(0...12) { bytes.append(valueByte(&random)) }
            bytes.append(bar)
        }
        if let longValue {
            bytes += Array("GN".utf8) + (0..<longValue).map { _ in valueByte(&random) } + [bar]
        }
        if random.chance(10) { bytes.removeLast() }  // no final "|", as in the spec's KZ example
        return bytes
    }

    /// Anything a value may hold: printable ASCII but "|", and the upper half.
    private static func valueByte(_ random: inout FIASFuzzRandom) -> UInt8 {
        var byte = UInt8.random(in: 0x20...0xFF, using: &random)
        while byte == bar || byte == 0x7F { byte = UInt8.random(in: 0x20...0xFF, using: &random) }
        return byte
    }

    /// Up to four damages: flipped bytes, inserted STX/ETX/"|", deleted or repeated ranges, truncation.
    private static func mutated(_ input: [UInt8], _ random: inout FIASFuzzRandom) -> [UInt8] {
        var bytes = input
        for _ in 0..<random.int(0...4) where !bytes.isEmpty {
            let at = random.int(0...(bytes.count - 1))
            switch random.int(0...5) {
            case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes.insert(random.pick([stx, etx, bar]), at: at)
            case 2: bytes.removeSubrange(at..<min(bytes.count, at + random.int(1...8)))
            case 3: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + random.int(1...40))], at: at)
            case 4: bytes.removeSubrange(at...)
            default: bytes += input.prefix(random.int(0...input.count))
            }
        }
        return bytes
    }
}
