import FIAS
import Testing

@Suite struct FIASCodePageTests {
    @Test func cyrillicNameHasTheKnownCP1251Bytes() {
        let bytes = FIASCodePage.cp1251.encode("Иванов Иван")
        #expect(bytes == [0xC8, 0xE2, 0xE0, 0xED, 0xEE, 0xE2, 0x20, 0xC8, 0xE2, 0xE0, 0xED])
        #expect(FIASCodePage.cp1251.decode(bytes) == "Иванов Иван")
    }

    @Test func yoAndNumeroSignRoundTripThroughCP1251() {
        let bytes = FIASCodePage.cp1251.encode("Пётр №5 Ёлкин")
        #expect(bytes == [0xCF, 0xB8, 0xF2, 0xF0, 0x20, 0xB9, 0x35, 0x20, 0xA8, 0xEB, 0xEA, 0xE8, 0xED])
        #expect(FIASCodePage.cp1251.decode(bytes) == "Пётр №5 Ёлкин")
    }

    @Test func cyrillicRoundTripsThroughCP866() {
        let bytes = FIASCodePage.cp866.encode("Иванов ё №")
        #expect(bytes == [0x88, 0xA2, 0xA0, 0xAD, 0xAE, 0xA2, 0x20, 0xF1, 0x20, 0xFC])
        #expect(FIASCodePage.cp866.decode(bytes) == "Иванов ё №")
    }

    @Test(arguments: [FIASCodePage.cp1251, .cp866, .latin1])
    func everyDefinedUpperByteRoundTrips(page: FIASCodePage) {
        var seen = Set<String>()
        for byte in UInt8(0x80)...0xFF where !(page == .cp1251 && byte == 0x98) {
            let text = page.decode([byte])
            #expect(text != "\u{FFFD}", "byte \(byte) of \(page.name)")
            #expect(page.encode(text) == [byte], "byte \(byte) of \(page.name)")
            seen.insert(text)
        }
        #expect(seen.count == (page == .cp1251 ? 127 : 128))
    }

    @Test(arguments: [FIASCodePage.cp1251, .cp866, .latin1, .ascii])
    func asciiIsItself(page: FIASCodePage) {
        let bytes = (UInt8(0)...0x7F).map { $0 }
        let text = page.decode(bytes)
        #expect(text.unicodeScalars.map(\.value) == bytes.map(UInt32.init))
        #expect(page.encode(text) == bytes)
    }

    @Test func undefinedBytesDecodeToReplacementCharacter() {
        #expect(FIASCodePage.cp1251.decode([0x41, 0x98, 0x42]) == "A\u{FFFD}B")
        #expect(FIASCodePage.ascii.decode([0xC8, 0x41]) == "\u{FFFD}A")
    }

    @Test func unmappableCharactersEncodeToOneQuestionMarkEach() {
        #expect(FIASCodePage.cp1251.encode("Zoë 王") == Array("Zo? ?".utf8))
        // A skin-toned emoji is one character of two scalars: one "?".
        #expect(FIASCodePage.cp1251.encode("a👍🏽b") == Array("a?b".utf8))
        #expect(FIASCodePage.ascii.encode("Иван") == Array("????".utf8))
        #expect(FIASCodePage.latin1.encode("Zoë €") == [0x5A, 0x6F, 0xEB, 0x20, 0x3F])
        #expect(FIASCodePage.cp1251.encode("€") == [0x88])
    }

    @Test func decomposedLettersAreComposedBeforeEncoding() {
        // "й" as "и" + combining breve, as some keyboards and macOS file names produce it.
        #expect(FIASCodePage.cp1251.encode("и\u{0306}") == [0xE9])
        #expect(FIASCodePage.latin1.encode("e\u{0301}") == [0xE9])
    }

    @Test func pagesAreFoundByNameOrAlias() {
        #expect(FIASCodePage.named("CP1251") == .cp1251)
        #expect(FIASCodePage.named("windows-1251") == .cp1251)
        #expect(FIASCodePage.named("cp866") == .cp866)
        #expect(FIASCodePage.named("IBM866") == .cp866)
        #expect(FIASCodePage.named("Latin1") == .latin1)
        #expect(FIASCodePage.named("iso-8859-1") == .latin1)
        #expect(FIASCodePage.named("ASCII") == .ascii)
        #expect(FIASCodePage.named("utf-8") == nil)
        #expect(FIASCodePage.named("cp1251")?.name == "cp1251")
        #expect(FIASCodePage.cp1251 != .cp866)
    }
}
