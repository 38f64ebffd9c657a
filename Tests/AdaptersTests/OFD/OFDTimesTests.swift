import Adapters
import Bridge
import OFD
import Foundation
import Simulators
import TestSupport
import Testing
import Topics

/// CreateDate, FnEndDate and LastDocOnKktDateTime come in the operator's zone (Moscow), the `…Utc`
/// fields in UTC; the published times are RFC 3339 instants either way.
@Suite("OFD register times in the operator's zone")
struct OFDTimesTests {
    @Test("the published instants are the register's, not three hours late; a drive ending in 30 days minus an hour is expiring")
    func operatorZone() async throws {
        let rnm = OFDHarness.rnm(20)
        // Whole seconds: the operator shows no fractions.
        let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let created = now - 400 * 86_400
        let fnEnd = now + 30 * 86_400 - 3600  // read as UTC, it lands 2 h beyond the 30-day warning
        let lastDoc = now - 7200
        let received = now - 7020
        let h = try await OFDHarness.start { sim in
            sim.addRegister(
                inn: OFDHarness.inn, .init(rnm: rnm, fnEndsAt: fnEnd, lastDocReceivedAt: received, lastDocAt: lastDoc, createdAt: created))
        }
        let state = try JSONValue.parse(try #require(try await h.client.messages(on: h.kkt(rnm), count: 1).last).payload)
        for (field, expected) in [("createdAt", created), ("fnEndsAt", fnEnd), ("lastDocAt", lastDoc), ("lastDocReceivedAt", received)] {
            let text = try #require(state[field]?.stringValue, "\(field) missing: \(state)")
            #expect(Timestamp.parseRFC3339(text) == expected, "\(field): \(text)")
            #expect(text.hasSuffix("+03:00"), "\(field) is not RFC 3339 in the site's zone: \(text)")
        }
        #expect(state["fnDaysLeft"]?.intValue == 29)
        let alerts = try JSONValue.parse(try #require(try await h.client.messages(on: "\(h.kkt(rnm))/alerts", count: 1).last).payload)
        #expect(alerts["alerts"]?.arrayValue?.map { $0["kind"] } == ["fn-expiring"], "\(alerts)")
        await h.stop()
    }

    @Test("another operator zone is honoured")
    func configuredZone() async throws {
        let rnm = OFDHarness.rnm(21)
        let created = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)) - 86_400
        // The simulator writes Moscow time; an adapter told UTC+5 reads it two hours early.
        let yekaterinburg = try #require(TimeZone(identifier: "Asia/Yekaterinburg"))
        let h = try await OFDHarness.start(
            configure: { $0.addRegister(inn: OFDHarness.inn, .init(rnm: rnm, createdAt: created)) },
            tune: { $0.operatorTimeZone = yekaterinburg })
        let state = try JSONValue.parse(try #require(try await h.client.messages(on: h.kkt(rnm), count: 1).last).payload)
        let text = try #require(state["createdAt"]?.stringValue)
        #expect(Timestamp.parseRFC3339(text) == created - 7200, "\(text)")
        await h.stop()
    }

    @Test("operatorTimeZone: Europe/Moscow by default, an unknown zone is a config error naming the key")
    func configuration() throws {
        #expect(OFDSettings().operatorTimeZone.identifier == "Europe/Moscow")
        let file = TestFiles.directory("ofd-zone").appendingPathComponent("gatehouse.yml")
        try """
            adapters:
              ofd: { enabled: true, login: l, password: p, operatorTimeZone: Mars/Olympus }
            """.write(to: file, atomically: true, encoding: .utf8)
        let result = ConfigLoader.load(path: file.path, environment: [:])
        AdapterCatalog.check(result.bestEffort)
        let errors = result.problems.filter { $0.severity == .error }.map(\.description)
        #expect(
            errors.contains { $0.contains("adapters.ofd.operatorTimeZone") && $0.contains("expected a time zone identifier") }, "\(errors)")
    }
}
