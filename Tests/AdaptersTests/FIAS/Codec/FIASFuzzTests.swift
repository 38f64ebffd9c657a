import FIAS
import Foundation
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
            let streamed: [FIASFuzzReference.Report]
            switch FIASFuzzStream.decode(reads, maxRecordLength: maxRecordLength, codePage: .cp1251) {
            case .success(let reports): streamed = reports
            case .failure(let broken):
                Issue.record("\(context): \(broken)")
                return
            }
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
