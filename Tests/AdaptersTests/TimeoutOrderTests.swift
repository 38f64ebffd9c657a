import Adapters
import OZLocks
import FIAS
import Bridge
import Foundation
import TestSupport
import Testing

/// Vendor call < handler timeout < answer budget: otherwise a requester gives up while the vendor
/// still acts, and its retry cuts a second card (issue: a lock server answering in 9 s).
@Suite("Timeouts are ordered, or the config is refused")
struct TimeoutOrderTests {
    private func problems(_ yaml: String) throws -> [String] {
        let file = TestFiles.directory("timeouts").appendingPathComponent("gatehouse.yml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let result = ConfigLoader.load(path: file.path, environment: [:])
        AdapterCatalog.check(result.bestEffort)
        return result.problems.filter { $0.severity == .error }.map(\.description)
    }

    private let adapters = """
        adapters:
          ozlocks: { enabled: true, apiKey: k, facade: { apiKeys: [ f ] } }
          fias: { enabled: true }
        """

    @Test("the defaults are in order")
    func defaultsAreOrdered() throws {
        #expect(try problems(adapters) == [])
    }

    @Test("a FIAS budget, a facade timeout or a lock-server timeout out of order is an error naming the key")
    func outOfOrder() throws {
        let found = try problems("""
            requests: { handlerTimeout: 9s }
            adapters:
              ozlocks: { enabled: true, apiKey: k, timeout: 9s, facade: { apiKeys: [ f ], timeout: 9s } }
              fias: { enabled: true, answerTimeout: 10s }
            """)
        #expect(found.contains { $0.contains("adapters.ozlocks.timeout") && $0.contains("shorter than requests.handlerTimeout") }, "\(found)")
        #expect(found.contains { $0.contains("adapters.ozlocks.facade.timeout") }, "\(found)")
        #expect(found.contains { $0.contains("adapters.fias.answerTimeout") }, "\(found)")
    }

    @Test("hand-held encoding: a FIAS budget or a facade timeout shorter than the encoder's is refused; the defaults leave 25 s for a card")
    func encodingBudget() throws {
        let found = try problems("""
            adapters:
              ozlocks: { enabled: true, apiKey: k, encoderTimeout: 40s, facade: { apiKeys: [ f ] } }
              fias: { enabled: true }
            """)
        #expect(found.contains { $0.contains("adapters.fias.answerTimeout") && $0.contains("encoderTimeout") }, "\(found)")
        #expect(found.contains { $0.contains("adapters.ozlocks.facade.timeout") && $0.contains("encoderTimeout") }, "\(found)")
        #expect(OZLocksSettings().encoderTimeout == .seconds(25))
        #expect(FIASSettings().answerTimeout == .seconds(30))
    }

    @Test("a disabled adapter's timeouts are not checked")
    func disabledIsSilent() throws {
        #expect(try problems("adapters:\n  fias: { enabled: false, answerTimeout: 2s }\n") == [])
    }
}
