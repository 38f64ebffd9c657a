import Adapters
import Foundation
import NIOCore
import Testing

/// Seeded property tests of the codec. `FIAS_FUZZ_ITERATIONS` raises the number of inputs (scripts/fuzz-fias.sh
/// runs 200,000); `FIAS_FUZZ_SEED` picks another sequence. A failure names the case seed to replay.
@Suite struct FIASFuzzTests {
    private static let environment = ProcessInfo.processInfo.environment
    private static let iterations = environment["FIAS_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 10_000
    private static let seed = environment["FIAS_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x00F1_A5C0_DEC0_DE00
    /// Every n-th input also goes through ByteToMessageHandler in an EmbeddedChannel.
    private static let channelEvery = 25

    /// Any bytes, split in any reads: the decoder ends, keeps at most `maxRecordLength + 1` bytes
    /// between reads, and reports exactly what the plain whole-input reading says.
    @Test func decoderMatchesThePlainReadingOfAnyInput() throws {
        let started = ContinuousClock.now
        var random = FIASFuzzRandom(seed: Self.seed)
        var bytesTotal = 0
        var reportCounts: [String: Int] = [:]
        for iteration in 0..<Self.iterations {
            let caseSeed = random.next()
            var caseRandom = FIASFuzzRandom(seed: caseSeed)
            let (bytes, maxRecordLength) = FIASFuzzInputs.make(&caseRandom)
            let reads = FIASFuzzInputs.reads(bytes, &caseRandom)
            let context =
                "case \(iteration), FIAS_FUZZ_SEED=\(Self.seed), case seed \(caseSeed), limit \(maxRecordLength)"

            let expected = FIASFuzzReference.decode(bytes, maxRecordLength: maxRecordLength, codePage: .cp1251)
            guard let streamed = Self.stream(reads, maxRecordLength: maxRecordLength, context: context) else { return }
            guard streamed == expected else {
                Issue.record("\(context): streamed \(streamed), expected \(expected), reads \(reads)")
                return
            }
            if iteration % Self.channelEvery == 0 {
                let piped = try FIASDecoderHarness.decode(reads, maxRecordLength: maxRecordLength)
                guard piped.map(FIASFuzzReference.Report.init) == expected else {
                    Issue.record("\(context): through the channel \(piped), expected \(expected), reads \(reads)")
                    return
                }
            }
            bytesTotal += bytes.count
            for report in expected { reportCounts[report.kind, default: 0] += 1 }
        }
        let elapsed = ContinuousClock.now - started
        let counts = reportCounts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(
            "FIAS fuzz: \(Self.iterations) inputs (seed \(Self.seed)), \(bytesTotal) bytes, \(counts); "
                + String(format: "%.2f s", seconds))
    }

    /// Drives the decoder as ByteToMessageHandler does; nil (with an issue recorded) if a bound breaks.
    private static func stream(_ reads: [[UInt8]], maxRecordLength: Int, context: String) -> [FIASFuzzReference.Report]?
    {
        var decoder = FIASFrameDecoder(codePage: .cp1251, maxRecordLength: maxRecordLength)
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
                    Issue.record("\(context): \(produced) reports from a read of \(read.count) bytes: no progress")
                    return nil
                }
            }
            if buffer.readableBytes > maxRecordLength + 1 {
                Issue.record("\(context): \(buffer.readableBytes) bytes kept between reads")
                return nil
            }
            buffer.discardReadBytes()
        }
        var produced = 0
        while let inbound = decoder.decodeLast(buffer: &buffer, seenEOF: true) {
            reports.append(.init(inbound))
            produced += 1
            if produced > 2 {
                Issue.record("\(context): decodeLast keeps reporting")
                return nil
            }
        }
        if buffer.readableBytes > 0 {
            Issue.record("\(context): \(buffer.readableBytes) bytes left after the end of the stream")
            return nil
        }
        return reports
    }

    /// Records whose ids are valid and whose values the page can write come back unchanged.
    @Test(arguments: [FIASCodePage.cp1251, .cp866, .latin1, .ascii])
    func serializedRecordsParseBack(page: FIASCodePage) throws {
        var random = FIASFuzzRandom(seed: Self.seed ^ UInt64(page.name.utf8.count))
        let typeCharacters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        let idCharacters = typeCharacters + ["#", "$", "+"]
        let valueCharacters = (UInt8(0x20)...0xFF)
            .filter { $0 != 0x7C && $0 != 0x7F }
            .map { page.decode([$0]) }
            .filter { $0 != "\u{FFFD}" }
        for _ in 0..<2000 {
            var record = FIASRecord(String([random.pick(typeCharacters), random.pick(typeCharacters)]))
            for _ in 0..<random.int(0...10) {
                let id = String([random.pick(idCharacters), random.pick(idCharacters)])
                let value = (0..<random.int(0...20)).map { _ in random.pick(valueCharacters) }.joined()
                record.fields.append(FIASField(id: id, value: value))
            }
            let bytes = FIASRecordParser.serialize(record, codePage: page)
            let parsed = try FIASRecordParser.parse(bytes, codePage: page)
            guard parsed == record else {
                Issue.record("\(page.name): \(record) came back as \(parsed)")
                return
            }
        }
    }
}
