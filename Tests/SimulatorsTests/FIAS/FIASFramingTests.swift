import Foundation
import Testing
@testable import Simulators

@Suite struct FIASFramingTests {
    private func record(_ text: String) -> FIASFrameReader.Frame { .record(Array(text.utf8)) }

    @Test func recordsAreCutWhateverTheReadBoundaries() {
        var reader = FIASFrameReader(limit: 2000)
        #expect(reader.feed([0x02] + Array("LS|DA25".utf8)) == [])
        #expect(reader.feed(Array("0904|".utf8) + [0x03, 0x02] + Array("LA|".utf8) + [0x03, 0x02, 0x4B]) ==
                [record("LS|DA250904|"), record("LA|")])
        #expect(reader.feed(Array("A|".utf8) + [0x03]) == [record("KA|")])
    }

    @Test func noiseOutsideRecordsIsDroppedAndAnSTXStartsOver() {
        var reader = FIASFrameReader(limit: 2000)
        let bytes: [UInt8] = Array("junk".utf8) + [0x03, 0x02] + Array("KR|RN1".utf8) + [0x02] + Array("KD|RN2|".utf8) + [0x03]
        #expect(reader.feed(bytes) == [record("KD|RN2|")])
    }

    @Test func aRecordOverTheLimitIsReportedAndTheNextOneIsKept() {
        var reader = FIASFrameReader(limit: 10)
        let exact = [UInt8](repeating: 0x41, count: 10)
        #expect(reader.feed([0x02] + exact + [0x03]) == [.record(exact)])
        let long = [UInt8](repeating: 0x41, count: 25)
        #expect(reader.feed([0x02] + long + [0x03, 0x02] + Array("LA|".utf8) + [0x03]) == [.oversized(25), record("LA|")])
    }

    @Test func fieldsAreSplitByTheirTwoCharacterIds() {
        let parsed = FIASRecord("KA|WS3|KC1|ASOK|DA220819|TI154531|$24A55C09C|CT|RN0101|RN999|")
        #expect(parsed.type == "KA")
        #expect(parsed.values == ["WS": "3", "KC": "1", "AS": "OK", "DA": "220819", "TI": "154531",
                                  "$2": "4A55C09C", "CT": "", "RN": "0101"])
        #expect(parsed.answer["_raw"] == parsed.text)
        #expect(!parsed.isLinkRecord && FIASRecord("LS|").isLinkRecord)
    }

    @Test func cp1251CarriesCyrillicNames() throws {
        let page = try #require(FIASCodePage(named: "cp1251"))
        #expect(page.encode("Иванов Иван") == ivanovIvanCP1251)
        #expect(page.decode(ivanovIvanCP1251) == "Иванов Иван")
        // The irregular corners of the table: Ё, ё, №, €, and the unassigned 0x98.
        #expect(page.encode("ЁёА яЯ№€") == [0xA8, 0xB8, 0xC0, 0x20, 0xFF, 0xDF, 0xB9, 0x88])
        #expect(page.decode([0x98]) == "\u{FFFD}")
        #expect(page.encode("中 é") == Array("? ?".utf8))
        let everyByte = (0x80...0xFF).map(UInt8.init).filter { $0 != 0x98 }
        #expect(page.encode(page.decode(everyByte)) == everyByte)
    }

    @Test func otherCodePagesAndUnknownNames() throws {
        #expect(try #require(FIASCodePage(named: "latin1")).encode("é") == [0xE9])
        #expect(try #require(FIASCodePage(named: "ASCII")).encode("Иé") == Array("??".utf8))
        #expect(FIASCodePage(named: "Windows-1251") != nil)
        #expect(FIASCodePage(named: "koi8-r") == nil)
    }

    @Test func timestampsAreYYMMDDAndHHMMSS() throws {
        let zone = try #require(TimeZone(identifier: "Europe/Moscow"))
        let moment = Date(timeIntervalSince1970: 1_756_976_405) // 2025-09-04 09:00:05 UTC = 12:00:05 Moscow
        #expect(FIASClock.stamp(moment, timeZone: zone) == "DA250904|TI120005|")
        #expect(FIASClock.stamped("KZ|WS3|KC1", at: moment, timeZone: zone) == "KZ|WS3|KC1|DA250904|TI120005|")
        #expect(FIASClock.stamped("KZ|TI010203|WS3|", at: moment, timeZone: zone) == "KZ|TI010203|WS3|DA250904|")
        #expect(FIASClock.stamped("KZ|DA240101|TI010203|", at: moment, timeZone: zone) == "KZ|DA240101|TI010203|")
    }
}
