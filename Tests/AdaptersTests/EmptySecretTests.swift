import Adapters
import Bridge
import Foundation
import TestSupport
import Testing

/// An empty or blank secret is a configuration error, never "no authentication" (`${VAR}` with
/// VAR set but empty used to let the facade answer 200 to a request with no key).
@Suite("Empty secrets are configuration errors")
struct EmptySecretTests {
    private func problems(_ yaml: String, environment: [String: String]) throws -> [String] {
        let file = TestFiles.directory("secrets").appendingPathComponent("gatehouse.yml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let result = ConfigLoader.load(path: file.path, environment: environment)
        AdapterCatalog.check(result.bestEffort)
        return result.problems.filter { $0.severity == .error }.map(\.description)
    }

    @Test("blank variables behind every secret are refused, each naming its key")
    func blankSecrets() throws {
        let empty = ["KEY": "", "BLANK": "  "]
        let found = try problems(
            """
            mqtt: { username: gatehouse, password: "${BLANK}" }
            http: { apiKey: "${KEY}" }
            adapters:
              ozlocks: { enabled: true, apiKey: "${KEY}", facade: { apiKeys: [ "${KEY}" ] } }
              vanke: { enabled: true, appId: "99848791", appSecret: "${BLANK}", parkingLotId: lot-1 }
              ofd: { enabled: true, login: l, password: "${KEY}", inns: [ "0182021620" ] }
            """, environment: empty)
        for key in [
            "mqtt.password", "http.apiKey", "adapters.ozlocks.apiKey", "adapters.ozlocks.facade.apiKeys",
            "adapters.vanke.appSecret", "adapters.ofd.password",
        ] {
            #expect(found.contains { $0.contains(key) }, "\(key) not refused: \(found)")
        }
        #expect(!found.joined().contains("  "), "a problem quotes the secret")
    }

    @Test("the same config with the variables set has no such problem")
    func setSecrets() throws {
        let found = try problems(
            """
            mqtt: { username: gatehouse, password: "${P}" }
            adapters:
              ozlocks: { enabled: true, apiKey: "${P}", facade: { apiKeys: [ "${P}" ] } }
              vanke: { enabled: true, appId: "99848791", appSecret: "${P}", parkingLotId: lot-1 }
            """, environment: ["P": "s3cret-value"])
        #expect(found.isEmpty, "\(found)")
    }
}
