// libFuzzer target: FIASFrameDecoder and FIASRecordParser (Sources/Adapters/FIAS/Codec), which read every
// byte the PMS sends. scripts/fuzz-libfuzzer.sh builds the codec as a module of its own against the NIOCore
// that `swift build` already compiled, then this file with the property test's reference, input splitter and
// stream driver (Tests/AdaptersTests/FIAS/Codec): the real decoder on real ByteBuffers, and the same verdict
// as FIASFuzzTests, but with coverage guiding the inputs.
//
// Input layout: byte 0 picks the code page (low 2 bits) and the record limit (1…64, or 2000 for 63);
// byte 1 seeds how the rest is cut into reads; the rest is the TCP stream.
import FIAS

private let pages: [FIASCodePage] = [.cp1251, .cp866, .latin1, .ascii]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFIASDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let page = pages[Int(data[0] & 0x03)]
    let limitCode = Int(data[0] >> 2)
    let maxRecordLength = limitCode == 63 ? 2000 : limitCode + 1
    var random = FIASFuzzRandom(seed: UInt64(data[1]))
    let bytes = Array(UnsafeBufferPointer(start: data + 2, count: size - 2))
    let reads = FIASFuzzInputs.reads(bytes, &random)

    let expected = FIASFuzzReference.decode(bytes, maxRecordLength: maxRecordLength, codePage: page)
    switch FIASFuzzStream.decode(reads, maxRecordLength: maxRecordLength, codePage: page) {
    case .failure(let broken):
        fatalError("FIAS fuzz property: \(broken) (limit \(maxRecordLength), \(page), \(reads.count) reads)")
    case .success(let streamed) where streamed != expected:
        fatalError("FIAS fuzz property: streamed \(streamed), expected \(expected) (limit \(maxRecordLength), \(page))")
    case .success:
        return 0
    }
}
