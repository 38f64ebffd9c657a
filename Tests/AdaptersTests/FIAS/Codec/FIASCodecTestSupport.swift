import FIAS
import NIOCore
import NIOEmbedded

/// Wire bytes for tests: ASCII/cp1251 text, framed or not.
enum FIASWire {
    static let stx: UInt8 = 0x02
    static let etx: UInt8 = 0x03

    /// `text` in `codePage`, without STX/ETX.
    static func bytes(_ text: String, codePage: FIASCodePage = .cp1251) -> [UInt8] {
        codePage.encode(text)
    }

    /// `STX text ETX`.
    static func frame(_ text: String, codePage: FIASCodePage = .cp1251) -> [UInt8] {
        [stx] + bytes(text, codePage: codePage) + [etx]
    }
}

/// Runs bytes through `ByteToMessageHandler(FIASFrameDecoder)` in an EmbeddedChannel.
enum FIASDecoderHarness {
    /// Everything the decoder passes up for `chunks` written as separate reads, the end of the
    /// stream included. The handler's `maximumBufferSize` is the decoder's promise: if it ever kept
    /// more than `maxRecordLength + 1` bytes, the handler would throw and so would this.
    static func decode(
        _ chunks: [[UInt8]], maxRecordLength: Int = 2000, codePage: FIASCodePage = .cp1251
    ) throws -> [FIASInbound] {
        let decoder = FIASFrameDecoder(codePage: codePage, maxRecordLength: maxRecordLength)
        let channel = EmbeddedChannel(
            handler: ByteToMessageHandler(decoder, maximumBufferSize: maxRecordLength + 1))
        var inbound: [FIASInbound] = []
        for chunk in chunks {
            try channel.writeInbound(ByteBuffer(bytes: chunk))
            while let item = try channel.readInbound(as: FIASInbound.self) { inbound.append(item) }
        }
        _ = try channel.finish()
        while let item = try channel.readInbound(as: FIASInbound.self) { inbound.append(item) }
        return inbound
    }

    /// `bytes` written one byte per read.
    static func decodeByteByByte(_ bytes: [UInt8], maxRecordLength: Int = 2000) throws -> [FIASInbound] {
        try decode(bytes.map { [$0] }, maxRecordLength: maxRecordLength)
    }

    /// The record of `text`, for expected results.
    static func record(_ text: String) throws -> FIASInbound {
        .record(try FIASRecordParser.parse(FIASWire.bytes(text), codePage: .cp1251))
    }
}
