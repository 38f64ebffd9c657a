import FIAS

/// What the decoder must report for a whole input, computed the plain way: all bytes at once,
/// no streaming state. The fuzz test checks the streaming decoder against it for any split.
enum FIASFuzzReference {
    /// A decoder report with malformed reasons left out (their wording is the decoder tests' business).
    enum Report: Equatable {
        case record(FIASRecord)
        case skipped(Int)
        case oversized(Int)
        case malformed

        init(_ inbound: FIASInbound) {
            switch inbound {
            case .record(let record): self = .record(record)
            case .skipped(let bytes): self = .skipped(bytes)
            case .oversized(let length): self = .oversized(length)
            case .malformed, .invalid: self = .malformed
            }
        }

        var kind: String {
            switch self {
            case .record: "records"
            case .skipped: "skipped"
            case .oversized: "oversized"
            case .malformed: "malformed"
            }
        }
    }

    static func decode(_ bytes: [UInt8], maxRecordLength: Int, codePage: FIASCodePage) -> [Report] {
        var reports: [Report] = []
        var garbage = 0
        var index = 0
        while index < bytes.count {
            guard bytes[index] == 0x02 else {
                garbage += 1
                index += 1
                continue
            }
            if garbage > 0 { reports.append(.skipped(garbage)) }
            garbage = 0
            let start = index + 1
            let end = bytes[start...].firstIndex { $0 == 0x02 || $0 == 0x03 }
            let length = (end ?? bytes.count) - start
            if length > maxRecordLength {
                reports.append(.oversized(length))
            } else if let end, bytes[end] == 0x03 {
                do {
                    reports.append(.record(try FIASRecordParser.parse(bytes[start..<end], codePage: codePage)))
                } catch {
                    reports.append(.malformed)
                }
            } else {
                reports.append(.malformed)  // cut by a new STX or by the end of the stream
            }
            guard let end else { break }
            index = bytes[end] == 0x03 ? end + 1 : end
        }
        if garbage > 0 { reports.append(.skipped(garbage)) }
        return reports
    }
}
