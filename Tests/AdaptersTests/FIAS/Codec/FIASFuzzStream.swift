import FIAS
import NIOCore

/// Drives FIASFrameDecoder as ByteToMessageHandler does, checking its bounds on the way. Shared by the
/// seeded property test (FIASFuzzTests) and the libFuzzer target (Fuzz/FIASDecoder), which compiles this
/// file into its own binary: one definition of "the decoder behaved".
enum FIASFuzzStream {
    /// The reports for `reads`, or why a bound broke (no progress, too many bytes kept, bytes left).
    static func decode(_ reads: [[UInt8]], maxRecordLength: Int, codePage: FIASCodePage)
        -> Result<[FIASFuzzReference.Report], BoundBroken>
    {
        var decoder = FIASFrameDecoder(codePage: codePage, maxRecordLength: maxRecordLength)
        var buffer = ByteBuffer()
        var reports: [FIASFuzzReference.Report] = []
        for read in reads {
            buffer.writeBytes(read)
            var produced = 0
            while let inbound = decoder.decode(buffer: &buffer) {
                reports.append(.init(inbound))
                produced += 1
                // Each report stands for at least one byte, but one may be pending from the read before.
                if produced > read.count + 1 {
                    return .failure(.init("\(produced) reports from a read of \(read.count) bytes: no progress"))
                }
            }
            if buffer.readableBytes > maxRecordLength + 1 {
                return .failure(.init("\(buffer.readableBytes) bytes kept between reads"))
            }
            buffer.discardReadBytes()
        }
        var produced = 0
        while let inbound = decoder.decodeLast(buffer: &buffer, seenEOF: true) {
            reports.append(.init(inbound))
            produced += 1
            if produced > 2 { return .failure(.init("decodeLast keeps reporting")) }
        }
        if buffer.readableBytes > 0 {
            return .failure(.init("\(buffer.readableBytes) bytes left after the end of the stream"))
        }
        return .success(reports)
    }

    struct BoundBroken: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
