/// Cuts a TCP byte stream into FIAS records (`STX record ETX`), whatever the reads' boundaries.
///
/// Bytes outside STX…ETX are line noise and dropped; an STX inside a record starts over (the
/// sender lost its ETX); a record longer than the limit is reported, not kept.
struct FIASFrameReader {
    static let stx: UInt8 = 0x02
    static let etx: UInt8 = 0x03

    enum Frame: Equatable {
        /// The bytes between STX and ETX.
        case record([UInt8])
        /// A record over the limit, with its length.
        case oversized(Int)
    }

    /// The longest record kept, in bytes.
    let limit: Int
    private var inRecord = false
    private var record = [UInt8]()
    /// The length so far of a record that went over the limit (its bytes are not kept).
    private var overflow = 0

    init(limit: Int) { self.limit = limit }

    /// The records completed by these bytes, in order.
    mutating func feed(_ bytes: some Sequence<UInt8>) -> [Frame] {
        var frames = [Frame]()
        for byte in bytes {
            if byte == Self.stx {
                begin()
            } else if !inRecord {
                continue
            } else if byte == Self.etx {
                frames.append(overflow > 0 ? .oversized(overflow) : .record(record))
                inRecord = false
            } else if overflow > 0 {
                overflow += 1
            } else if record.count == limit {
                overflow = limit + 1
                record.removeAll()
            } else {
                record.append(byte)
            }
        }
        return frames
    }

    private mutating func begin() {
        inRecord = true
        record.removeAll(keepingCapacity: true)
        overflow = 0
    }
}
