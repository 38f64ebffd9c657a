import FIAS
import NIOCore
import NIOEmbedded
import Testing

@Suite struct FIASFrameEncoderTests {
    private func written(_ records: [FIASRecord], codePage: FIASCodePage = .cp1251) throws -> [UInt8] {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(FIASFrameEncoder(codePage: codePage)))
        for record in records { try channel.writeOutbound(record) }
        var bytes: [UInt8] = []
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
            bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
        }
        #expect(try channel.finish().isClean)
        return bytes
    }

    @Test func writesSTXRecordETX() throws {
        let answer = FIASRecord("KA", [("AS", "OK"), ("KC", "1"), ("WS", "3"), ("$2", "4A55C09C")])
        #expect(try written([answer]) == [0x02] + Array("KA|ASOK|KC1|WS3|$24A55C09C|".utf8) + [0x03])
    }

    @Test func writesTextInTheCodePage() throws {
        let record = FIASRecord("KZ", [("GN", "Иванов Иван")])
        #expect(try written([record]) == FIASWire.frame("KZ|GNИванов Иван|"))
        #expect(try written([record], codePage: .cp866) == FIASWire.frame("KZ|GNИванов Иван|", codePage: .cp866))
        #expect(try written([record], codePage: .ascii) == FIASWire.frame("KZ|GN?????? ????|"))
    }

    @Test func whatTheEncoderWritesTheDecoderReads() throws {
        let records = [
            FIASRecord("LD", [("DA", "220819"), ("TI", "152719"), ("V#", "1.0"), ("IF", "DL")]),
            FIASRecord("KA", [("AS", "BY"), ("CT", "Энкодер занят"), ("KC", "01"), ("WS", " 3")]),
            FIASRecord("LA"),
        ]
        let bytes = try written(records)
        #expect(try FIASDecoderHarness.decodeByteByByte(bytes) == records.map { .record($0) })
    }
}
