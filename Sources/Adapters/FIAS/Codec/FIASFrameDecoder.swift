import NIOCore

/// Splits the TCP byte stream into `STX record ETX` frames and parses them, reporting what it drops.
///
/// Memory stays bounded whatever arrives: bytes outside frames are consumed at once, and a frame
/// that passes `maxRecordLength` without an ETX is discarded as it streams in, so at most
/// `maxRecordLength + 1` bytes stay in the pipeline's buffer between reads.
public struct FIASFrameDecoder: NIOSingleStepByteToMessageDecoder, Sendable {
    public typealias InboundOut = FIASInbound

    /// The code page values are read in.
    public let codePage: FIASCodePage
    /// The longest record accepted, in bytes between STX and ETX (FIAS allows 2000 characters).
    public let maxRecordLength: Int

    private enum State: Sendable {
        /// Outside frames; `skipped` bytes of the current garbage run are not yet reported.
        case between(skipped: Int)
        /// The buffer starts at the frame's STX; the first `scanned` record bytes hold no STX or ETX.
        case inFrame(scanned: Int)
        /// Dropping an oversized record; `length` of its bytes are gone already.
        case discarding(length: Int)
    }

    private var state = State.between(skipped: 0)

    /// A decoder reading text in `codePage` that drops records longer than `maxRecordLength` bytes.
    public init(codePage: FIASCodePage, maxRecordLength: Int = 2000) {
        precondition(maxRecordLength > 0, "maxRecordLength must be positive")
        self.codePage = codePage
        self.maxRecordLength = maxRecordLength
    }

    public mutating func decode(buffer: inout ByteBuffer) -> FIASInbound? {
        // Every pass consumes bytes, changes state or returns, so this ends with the buffer.
        while buffer.readableBytes > 0 {
            let view = buffer.readableBytesView
            switch state {
            case .between(let skipped):
                guard let stx = view.firstIndex(of: FIASSyntax.stx) else {
                    state = .between(skipped: skipped + view.count)
                    buffer.moveReaderIndex(forwardBy: view.count)
                    return nil
                }
                let garbage = skipped + (stx - view.startIndex)
                buffer.moveReaderIndex(to: stx)
                state = .inFrame(scanned: 0)
                if garbage > 0 { return .skipped(bytes: garbage) }

            case .inFrame(let scanned):
                let recordStart = view.startIndex + 1
                // A record of at most maxRecordLength bytes has its ETX within this window.
                let windowEnd = min(view.endIndex, recordStart + maxRecordLength + 1)
                if let end = view[(recordStart + scanned)..<windowEnd].firstIndex(where: Self.isFrameByte) {
                    let length = end - recordStart
                    if view[end] == FIASSyntax.etx {
                        let result: FIASInbound
                        do {
                            result = .record(try FIASRecordParser.parse(view[recordStart..<end], codePage: codePage))
                        } catch {
                            if let partial = FIASRecordParser.salvage(view[recordStart..<end], codePage: codePage) {
                                result = .invalid(partial, problem: error.description)
                            } else {
                                result = .malformed(reason: error.description)
                            }
                        }
                        buffer.moveReaderIndex(to: end + 1)
                        state = .between(skipped: 0)
                        return result
                    }
                    buffer.moveReaderIndex(to: end)
                    state = .inFrame(scanned: 0)
                    return .malformed(reason: "STX before ETX: dropped an unfinished frame of \(length) bytes")
                }
                let length = windowEnd - recordStart
                guard length > maxRecordLength else {
                    state = .inFrame(scanned: length)
                    return nil
                }
                buffer.moveReaderIndex(to: windowEnd)
                state = .discarding(length: length)

            case .discarding(let length):
                guard let end = view.firstIndex(where: Self.isFrameByte) else {
                    state = .discarding(length: length + view.count)
                    buffer.moveReaderIndex(forwardBy: view.count)
                    return nil
                }
                let total = length + (end - view.startIndex)
                if view[end] == FIASSyntax.etx {
                    buffer.moveReaderIndex(to: end + 1)
                    state = .between(skipped: 0)
                } else {
                    buffer.moveReaderIndex(to: end)
                    state = .inFrame(scanned: 0)
                }
                return .oversized(length: total)
            }
        }
        return nil
    }

    /// At the end of the stream, also reports what is pending: a garbage run, an unfinished frame,
    /// or an oversized record still being dropped.
    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) -> FIASInbound? {
        if let inbound = decode(buffer: &buffer) { return inbound }
        // decode left at most an unfinished frame (its STX first) in the buffer.
        let remaining = buffer.readableBytes
        buffer.moveReaderIndex(forwardBy: remaining)
        defer { state = .between(skipped: 0) }
        switch state {
        case .between(let skipped):
            return skipped > 0 ? .skipped(bytes: skipped) : nil
        case .inFrame:
            return .malformed(reason: "stream ended inside a frame of \(max(0, remaining - 1)) bytes")
        case .discarding(let length):
            return .oversized(length: length + remaining)
        }
    }

    private static func isFrameByte(_ byte: UInt8) -> Bool {
        byte == FIASSyntax.stx || byte == FIASSyntax.etx
    }
}
