import FIAS
import Testing

@Suite struct FIASRecordParserTests {
    private func parse(_ text: String) throws -> FIASRecord {
        try FIASRecordParser.parse(FIASWire.bytes(text), codePage: .cp1251)
    }

    private func pairs(_ record: FIASRecord) -> [String] {
        record.fields.map { "\($0.id)=\($0.value)" }
    }

    // The vendor spec's start message (its markdown adds two trailing spaces per line; not on the wire).
    @Test func specStartMessage() throws {
        let ld = try parse("LD|DA220819|TI152719|IFDL|V#1.0|")
        #expect(ld.type == "LD")
        #expect(pairs(ld) == ["DA=220819", "TI=152719", "IF=DL", "V#=1.0"])

        let lrKR = try parse("LR|RIKR|FLKCWSKTRNGNDATIGAGDDTKO|")
        #expect(lrKR.type == "LR")
        #expect(pairs(lrKR) == ["RI=KR", "FL=KCWSKTRNGNDATIGAGDDTKO"])
        #expect(try parse("LR|RIKD|FLKCRNWSDATI|")["FL"] == "KCRNWSDATI")
        #expect(try parse("LR|RIKA|FLASKCWS$2DATI|")["FL"] == "ASKCWS$2DATI")
        #expect(try parse("LR|RIKZ|FLASCTKCRNWSDATIGN|")["RI"] == "KZ")

        let la = try parse("LA|DA220819|TI152719|")
        #expect(la.type == "LA")
        #expect(pairs(la) == ["DA=220819", "TI=152719"])
    }

    @Test func specKeyRequest() throws {
        let kr = try parse("KR|WS3|KC1|RN101|KTN|DT12:13|GA220818|GD220820|GNTTest123|KO10|")
        #expect(kr.type == "KR")
        #expect(
            pairs(kr) == [
                "WS=3", "KC=1", "RN=101", "KT=N", "DT=12:13", "GA=220818", "GD=220820", "GN=TTest123", "KO=10",
            ])
    }

    @Test func specKeyAnswerWithCardUID() throws {
        // The spec's markdown shows "\$24A55C09C": the backslash escapes "$", the field id is "$2".
        let ka = try parse("KA|WS3|KC1|ASOK|DA220819|TI154531|$24A55C09C|")
        #expect(ka.type == "KA")
        #expect(pairs(ka) == ["WS=3", "KC=1", "AS=OK", "DA=220819", "TI=154531", "$2=4A55C09C"])
        #expect(ka["$2"] == "4A55C09C")
        #expect(throws: FIASCodecError.badFieldID("\\x5C$")) { try parse("KA|WS3|\\$24A55C09C|") }
    }

    @Test func specKeyDeleteAndPlainAnswer() throws {
        let kd = try parse("KD|WS3|KC1|RN101|DA220819|TI154212|")
        #expect(kd.type == "KD")
        #expect(pairs(kd) == ["WS=3", "KC=1", "RN=101", "DA=220819", "TI=154212"])
        #expect(
            pairs(try parse("KA|WS3|KC1|ASOK|DA220819|TI154531|")) == [
                "WS=3", "KC=1", "AS=OK", "DA=220819", "TI=154531",
            ])
    }

    @Test func specKeyReadBothWaysTheAnswerWithoutFinalSeparator() throws {
        #expect(pairs(try parse("KZ|WS3|KC1|")) == ["WS=3", "KC=1"])
        let answer = try parse("KZ|WS3|KC1|ASOK|RN101|GNTTest123|GD220820|DT12:13|CTKey Read")
        #expect(
            pairs(answer) == [
                "WS=3", "KC=1", "AS=OK", "RN=101", "GN=TTest123", "GD=220820", "DT=12:13", "CT=Key Read",
            ])
    }

    @Test func emptyValuesArePresentAndEmpty() throws {
        let record = try parse("KA|ASOK|CT|KC1|RN|")
        #expect(record["CT"] == "")
        #expect(record["RN"] == "")
        #expect(record["GN"] == nil)
        #expect(pairs(record) == ["AS=OK", "CT=", "KC=1", "RN="])
    }

    @Test func recordsWithoutFields() throws {
        #expect(try parse("LS|") == FIASRecord("LS"))
        #expect(try parse("LE") == FIASRecord("LE"))
    }

    @Test func unknownAndRepeatedFieldsAreKeptInWireOrder() throws {
        let record = try parse("KR|ZZfoo|RN0101|#1a|+9b|RN0202|K#1|")
        #expect(pairs(record) == ["ZZ=foo", "RN=0101", "#1=a", "+9=b", "RN=0202", "K#=1"])
        #expect(record["RN"] == "0101")
    }

    @Test func valuesAreNeverTrimmed() throws {
        let record = try parse("KR|RN0101|GN Иван  |WS |")
        #expect(record["RN"] == "0101")
        #expect(record["RN"] != "101")
        #expect(record["GN"] == " Иван  ")
        #expect(record["WS"] == " ")
    }

    @Test func cyrillicValuesDecodeInTheCodePage() throws {
        let bytes = Array("KR|GN".utf8) + [0xC8, 0xE2, 0xE0, 0xED, 0xEE, 0xE2, 0x20, 0xC8, 0xE2, 0xE0, 0xED] + [0x7C]
        #expect(try FIASRecordParser.parse(bytes, codePage: .cp1251)["GN"] == "Иванов Иван")
        let undefined = Array("KR|GN".utf8) + [0xC8, 0x98] + Array("|RN1|".utf8)
        #expect(try FIASRecordParser.parse(undefined, codePage: .cp1251)["GN"] == "И\u{FFFD}")
    }

    @Test func malformedRecordsAreRejectedWithTheReason() {
        #expect(throws: FIASCodecError.tooShort) { try parse("") }
        #expect(throws: FIASCodecError.tooShort) { try parse("K") }
        #expect(throws: FIASCodecError.badRecordType("kr")) { try parse("kr|RN1|") }
        #expect(throws: FIASCodecError.badRecordType("KRX")) { try parse("KRX|RN1|") }
        #expect(throws: FIASCodecError.badRecordType("KRXXXXXX")) { try parse("KRXXXXXXXXXXXXX") }
        #expect(throws: FIASCodecError.badRecordType("K\\x01")) { try parse("K\u{1}|") }
        #expect(throws: FIASCodecError.badRecordType("")) { try parse("|KR|") }
        #expect(throws: FIASCodecError.badFieldID("")) { try parse("KR|RN101||") }
        #expect(throws: FIASCodecError.badFieldID("r1")) { try parse("KR|r1x|") }
        #expect(throws: FIASCodecError.badFieldID("R")) { try parse("KR|RN1|R|") }
        #expect(throws: FIASCodecError.badFieldID("R")) { try parse("KR|RN1|R") }
        #expect(FIASCodecError.badFieldID("r1").description == "bad field id \"r1\"")
    }

    @Test func serializeClosesEveryFieldAndRoundTrips() throws {
        let record = FIASRecord("KA", [("AS", "OK"), ("CT", ""), ("KC", "01"), ("$2", "4A55C09C"), ("GN", "Пётр №5")])
        let bytes = FIASRecordParser.serialize(record, codePage: .cp1251)
        #expect(bytes == FIASWire.bytes("KA|ASOK|CT|KC01|$24A55C09C|GNПётр №5|"))
        #expect(try FIASRecordParser.parse(bytes, codePage: .cp1251) == record)
        #expect(FIASRecordParser.serialize(FIASRecord("LS"), codePage: .cp1251) == Array("LS|".utf8))
    }

    @Test func serializeNeverLetsTextSplitOrEndAFrame() {
        let record = FIASRecord("KA", [("CT", "a|b\u{2}c\u{3}d\re"), ("GN", "x|KTN")])
        #expect(FIASRecordParser.serialize(record, codePage: .cp1251) == Array("KA|CTa?b?c?d?e|GNx?KTN|".utf8))
    }

    @Test func recordAccessors() {
        var record = FIASRecord("KR", [("WS", "3"), ("KC", "1"), ("GN", "Иван"), ("KC", "2")])
        #expect(record.description == "KR|WS3|KC1|GNИван|KC2|")
        record.set("KC", "7")
        record.set("RN", "0101")
        #expect(record.description == "KR|WS3|KC7|GNИван|KC2|RN0101|")
        #expect(record.redacting(["GN", "G#"]).description == "KR|WS3|KC7|GN***|KC2|RN0101|")
        #expect(record["KC"] == "7")
    }
}
