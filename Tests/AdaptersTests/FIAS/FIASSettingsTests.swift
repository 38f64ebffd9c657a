import Adapters
import OZLocks
import FIAS
import Bridge
import Foundation
import TestSupport
import Testing

@Suite("FIAS configuration: encoder and workstation tables")
struct FIASSettingsTests {
    private func problems(_ yaml: String) throws -> [String] {
        let file = TestFiles.directory("fias-settings").appendingPathComponent("gatehouse.yml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let result = ConfigLoader.load(path: file.path, environment: [:])
        AdapterCatalog.check(result.bestEffort)
        return result.problems.map(\.description)
    }

    @Test("a KC listed twice is an error; a mapped encoder the OZLocks adapter does not serve is a warning")
    func checked() throws {
        let found = try problems(
            """
            adapters:
              ozlocks: { enabled: true, apiKey: k, encoders: [ "001" ] }
              fias:
                enabled: true
                encoders: [ { kc: "1", encoder: "001" }, { kc: "1", encoder: "002" }, { kc: "2", encoder: "009" } ]
                workstations: [ { ws: "3", workstation: ADMIN01 } ]
            """)
        #expect(found.contains { $0.contains("adapters.fias.encoders[1].kc") && $0.contains("listed twice") }, "\(found)")
        #expect(found.contains { $0.contains("KC 2 maps to encoder '009'") }, "\(found)")
        #expect(!found.contains { $0.contains("workstations") }, "\(found)")
    }
}
