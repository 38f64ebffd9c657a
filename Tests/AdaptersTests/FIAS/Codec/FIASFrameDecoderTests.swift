import FIAS
import NIOCore
import Testing

@Suite struct FIASFrameDecoderTests {
    private typealias Wire = FIASWire
    private typealias Harness = FIASDecoderHarness

    private let three = ["LS|DA220819|TI152719|", "KR|WS3|KC1|RN0101|KTN|GNИванов Иван|", "KZ|WS3|KC1|"]

    @Test func oneRecord() throws {
        #expect(try Harness.decode([Wire.frame("KZ|WS3|KC1|")]) == [try Harness.record("KZ|WS3|KC1|")])
    }

    @Test func recordsSplitByteByByte() throws {
        let bytes = three.flatMap { Wire.frame($0) }
        #expect(try Harness.decodeByteByByte(bytes) == three.map { try Harness.record($0) })
    }

    @Test func threeRecordsInOneRead() throws {
        let bytes = three.flatMap { Wire.frame($0) }
        #expect(try Harness.decode([bytes]) == three.map { try Harness.record($0) })
    }

    @Test func recordsSplitAcrossReadsAnywhere() throws {
        let bytes = three.flatMap { Wire.frame($0) }
        let expected = try three.map { try Harness.record($0) }
        for cut in 1..<bytes.count {
            #expect(try Harness.decode([Array(bytes[..<cut]), Array(bytes[cut...])]) == expected, "cut at \(cut)")
        }
    }

    @Test func garbageBeforeAndBetweenFramesIsSkippedOncePerRun() throws {
        let bytes = Wire.bytes("xx") + Wire.frame("LS|") + [0x0D, 0x0A, 0x03, 0x41] + Wire.frame("LA|")
        let expected: [FIASInbound] = [
            .skipped(bytes: 2), try Harness.record("LS|"), .skipped(bytes: 4), try Harness.record("LA|"),
        ]
        #expect(try Harness.decode([bytes]) == expected)
        #expect(try Harness.decodeByteByByte(bytes) == expected)
    }

    @Test func garbageAtTheEndIsReportedWhenTheStreamEnds() throws {
        let bytes = Wire.frame("LS|") + Wire.bytes("\r\n\r\n")
        #expect(try Harness.decodeByteByByte(bytes) == [try Harness.record("LS|"), .skipped(bytes: 4)])
    }

    @Test func oversizedRecordIsDroppedAndTheNextOneDecoded() throws {
        let huge = "KR|GN" + String(repeating: "A", count: 2995)
        let bytes = Wire.frame(huge) + Wire.frame("LS|")
        let expected: [FIASInbound] = [.oversized(length: 3000), try Harness.record("LS|")]
        #expect(try Harness.decode([bytes]) == expected)
        #expect(try Harness.decodeByteByByte(bytes) == expected)
        #expect(
            try Harness.decode(
                stride(from: 0, to: bytes.count, by: 700).map { Array(bytes[$0..<min($0 + 700, bytes.count)]) })
                == expected)
    }

    @Test func oversizedRecordEndsAtTheNextSTX() throws {
        let bytes = [Wire.stx] + Array(repeating: 0x41, count: 3000) + Wire.frame("LS|")
        #expect(try Harness.decode([bytes]) == [.oversized(length: 3000), try Harness.record("LS|")])
    }

    @Test func oversizedRecordCutByTheEndOfTheStream() throws {
        let bytes = [Wire.stx] + Array(repeating: 0x41, count: 5000)
        #expect(try Harness.decode([bytes]) == [.oversized(length: 5000)])
    }

    @Test func theLimitIsInclusive() throws {
        let exact = "KR|GN" + String(repeating: "A", count: 5)  // 10 bytes
        #expect(try Harness.decode([Wire.frame(exact)], maxRecordLength: 10) == [try Harness.record(exact)])
        #expect(try Harness.decode([Wire.frame(exact + "A")], maxRecordLength: 10) == [.oversized(length: 11)])
        #expect(try Harness.decodeByteByByte(Wire.frame(exact), maxRecordLength: 10) == [try Harness.record(exact)])
    }

    /// A peer that never sends ETX cannot make the decoder hold more than one record's worth.
    @Test func memoryStaysBoundedWithoutETX() throws {
        var decoder = FIASFrameDecoder(codePage: .cp1251, maxRecordLength: 2000)
        var buffer = ByteBuffer()
        var reports: [FIASInbound] = []
        var mostKept = 0
        for chunk in 0..<1000 {
            buffer.writeBytes(
                chunk == 0 ? [Wire.stx] + Array(repeating: 0x41, count: 999) : Array(repeating: 0x41, count: 1000))
            while let item = decoder.decode(buffer: &buffer) { reports.append(item) }
            mostKept = max(mostKept, buffer.readableBytes)
            buffer.discardReadBytes()
        }
        #expect(mostKept <= 2001)
        #expect(buffer.capacity <= 4096)
        #expect(reports.isEmpty)
        #expect(decoder.decodeLast(buffer: &buffer, seenEOF: true) == .oversized(length: 999_999))
        // The channel run asserts the same bound through the handler's maximumBufferSize.
        #expect(
            try Harness.decode(
                Array(repeating: Array(repeating: 0x41, count: 4096), count: 50).enumerated().map {
                    $0.offset == 0 ? [Wire.stx] + $0.element : $0.element
                }) == [.oversized(length: 50 * 4096)])
    }

    @Test func stxInsideAFrameDropsTheUnfinishedOne() throws {
        let bytes = [Wire.stx] + Wire.bytes("KR|RN1") + Wire.frame("LS|")
        let expected: [FIASInbound] = [
            .malformed(reason: "STX before ETX: dropped an unfinished frame of 6 bytes"), try Harness.record("LS|"),
        ]
        #expect(try Harness.decode([bytes]) == expected)
        #expect(try Harness.decodeByteByByte(bytes) == expected)
    }

    @Test func invalidFramesAreReportedAndTheLinkGoesOn() throws {
        let bytes = [Wire.stx, Wire.etx] + Wire.frame("kr|RN1|") + Wire.frame("KR|RN1||") + Wire.frame("LA|")
        #expect(
            try Harness.decode([bytes]) == [
                .malformed(reason: FIASCodecError.tooShort.description),
                .malformed(reason: FIASCodecError.badRecordType("kr").description),
                // The type reads: what can be read is passed on, so a key record still gets its answer.
                .invalid(try FIASRecordParser.parse(FIASWire.bytes("KR|RN1|"), codePage: .cp1251), problem: FIASCodecError.badFieldID("").description),
                try Harness.record("LA|"),
            ])
    }

    @Test func unfinishedFrameAtTheEndOfTheStream() throws {
        #expect(
            try Harness.decode([Wire.frame("LS|"), [Wire.stx] + Wire.bytes("KR|RN")]) == [
                try Harness.record("LS|"), .malformed(reason: "stream ended inside a frame of 5 bytes"),
            ])
    }

    @Test func fieldsComeThroughVerbatimAndInOrder() throws {
        let decoded = try Harness.decodeByteByByte(Wire.frame("KR|ZZ?|RN0101|GN|KC1|CTKey Read"))
        guard case .record(let record) = try #require(decoded.first) else {
            Issue.record("expected a record, got \(decoded)")
            return
        }
        #expect(decoded.count == 1)
        #expect(record.fields.map(\.id) == ["ZZ", "RN", "GN", "KC", "CT"])
        #expect(record["RN"] == "0101")
        #expect(record["GN"] == "")
        #expect(record["CT"] == "Key Read")
    }

    @Test func cyrillicNameFromTheWire() throws {
        let bytes =
            [Wire.stx] + Array("KR|GN".utf8) + [0xC8, 0xE2, 0xE0, 0xED, 0xEE, 0xE2, 0x20, 0xC8, 0xE2, 0xE0, 0xED]
            + [0x7C, Wire.etx]
        #expect(try Harness.decode([bytes]) == [.record(FIASRecord("KR", [("GN", "Иванов Иван")]))])
    }
}
