import Bridge
import Foundation
import TestSupport
import Testing
import Topics

/// The `gatehouse` binary as operators run it: real process, real broker, real signals.
@Suite("gatehouse process")
struct BridgeProcessTests {
    private func environment(port: Int, base: String, store: URL) -> [String: String] {
        [
            "GATEHOUSE_MQTT_URL": "mqtt://127.0.0.1:\(port)",
            "GATEHOUSE_MQTT_BASE_TOPIC": base,
            "GATEHOUSE_MQTT_CLIENT_ID": "gatehouse-\(base)",
            "GATEHOUSE_STORE_PATH": store.appendingPathComponent("gatehouse.sqlite").path,
            "GATEHOUSE_HTTP_LISTEN": "127.0.0.1:0",
        ]
    }

    private func uniqueBase() -> String { "gp-\(UUID().uuidString.prefix(8).lowercased())" }

    @Test("Last Will: killed with SIGKILL, the bridge's state turns offline (retained)")
    func lastWillOnKill() async throws {
        let base = uniqueBase()
        let port = TestBroker.shared.port
        let watcher = try await MessageCollector(port: port, filters: ["\(base)/bridge/state"])
        defer { Task { await watcher.stop() } }
        let gatehouse = try GatehouseProcess(["run"], environment: environment(port: port, base: base, store: TestFiles.directory("lwt")))
        let online = try await watcher.next(on: "\(base)/bridge/state", timeout: .seconds(20))
        #expect(String(decoding: online.payload, as: UTF8.self) == #"{"state":"online"}"#)
        let mark = watcher.mark()
        gatehouse.signal(SIGKILL)
        let offline = try await watcher.next(on: "\(base)/bridge/state", after: mark)
        #expect(String(decoding: offline.payload, as: UTF8.self) == #"{"state":"offline"}"#)
        // A newcomer sees the retained offline state.
        let late = try await MessageCollector(port: port, filters: ["\(base)/bridge/state"])
        defer { Task { await late.stop() } }
        let retained = try await late.next(on: "\(base)/bridge/state")
        #expect(retained.retain)
        #expect(String(decoding: retained.payload, as: UTF8.self) == #"{"state":"offline"}"#)
    }

    @Test("SIGTERM: the bridge publishes offline itself and exits 0")
    func gracefulStop() async throws {
        let base = uniqueBase()
        let port = TestBroker.shared.port
        let watcher = try await MessageCollector(port: port, filters: ["\(base)/bridge/#"])
        defer { Task { await watcher.stop() } }
        let gatehouse = try GatehouseProcess(["run"], environment: environment(port: port, base: base, store: TestFiles.directory("term")))
        _ = try await watcher.next(on: "\(base)/bridge/state", timeout: .seconds(20))
        let info = try await watcher.next(on: "\(base)/bridge/info")
        let infoJSON = try JSONDecoder().decode(JSONValue.self, from: info.payload)
        #expect(infoJSON["version"] == .string(GatehouseVersion.string))
        let mark = watcher.mark()
        gatehouse.signal(SIGTERM)
        let offline = try await watcher.next(on: "\(base)/bridge/state", after: mark)
        #expect(String(decoding: offline.payload, as: UTF8.self) == #"{"state":"offline"}"#)
        #expect(try await gatehouse.waitForExit() == 0)
    }

    @Test("outbox entries stored before a SIGKILL are there after restart and can be delivered")
    func outboxSurvivesKill() async throws {
        let store = TestFiles.directory("crash").appendingPathComponent("gatehouse.sqlite").path
        let child = try GatehouseProcess(["debug", "outbox-enqueue", "--store", store, "--count", "6"])
        try await child.waitForOutput("stored 6")
        child.signal(SIGKILL)
        _ = try await child.waitForExit()

        let reopened = try Store(path: store)
        #expect(try await reopened.outbox.depth().pending == 6)
        let leased = try await reopened.outbox.lease(stream: "test", limit: 10, leaseFor: .seconds(30))
        // Per-key order: one head per key at a time.
        #expect(leased.map { String(decoding: $0.payload, as: UTF8.self) } == ["entry-0", "entry-1"])
        var delivered: [String] = []
        while true {
            let batch = try await reopened.outbox.lease(stream: "test", limit: 10, leaseFor: .seconds(30))
                .filter { !delivered.contains(String(decoding: $0.payload, as: UTF8.self)) }
            let heads = batch.isEmpty ? leased.filter { !delivered.contains(String(decoding: $0.payload, as: UTF8.self)) } : batch
            guard !heads.isEmpty else { break }
            for entry in heads {
                delivered.append(String(decoding: entry.payload, as: UTF8.self))
                try await reopened.outbox.ack(id: entry.id)
            }
        }
        #expect(delivered.sorted() == (0..<6).map { "entry-\($0)" })
        #expect(try await reopened.outbox.depth().pending == 0)
    }

    @Test("check-config reports a wrong type and an unknown key with their paths and exits non-zero")
    func checkConfigProblems() async throws {
        let file = TestFiles.directory("config").appendingPathComponent("bad.yml")
        try """
            instance: hotel-1
            mqtt:
              url: mqtt://127.0.0.1:1883
              keepAlive: often
              keepalive: 30s
            http: { listen: 127.0.0.1:8080 }

            """.write(to: file, atomically: true, encoding: .utf8)
        let check = try GatehouseProcess(["check-config", file.path])
        #expect(try await check.waitForExit() != 0)
        #expect(check.text.contains("mqtt.keepAlive"), "\(check.text)")
        #expect(check.text.contains("mqtt.keepalive"), "\(check.text)")
        #expect(check.text.contains("unknown key"), "\(check.text)")
    }

    @Test("check-config accepts the example configuration as the README runs it: no environment, no complaint")
    func checkConfigExample() async throws {
        let check = try GatehouseProcess(["check-config", "gatehouse.example.yml"])
        #expect(try await check.waitForExit() == 0, "\(check.text)")
        #expect(check.text.contains("configuration OK"), "\(check.text)")
        #expect(!check.text.contains("not set"), "a disabled adapter's variable complained: \(check.text)")
        #expect(!check.text.contains("warning"), "\(check.text)")
    }

    @Test("check-config of the example with every adapter enabled: their variables are required, then accepted, never shown")
    func checkConfigExampleEnabled() async throws {
        let enabled = [
            "GATEHOUSE_ADAPTERS_OZLOCKS_ENABLED": "true", "GATEHOUSE_ADAPTERS_FIAS_ENABLED": "true",
            "GATEHOUSE_ADAPTERS_VANKE_ENABLED": "true", "GATEHOUSE_ADAPTERS_OFD_ENABLED": "true",
        ]
        let missing = try GatehouseProcess(["check-config", "gatehouse.example.yml"], environment: enabled)
        #expect(try await missing.waitForExit() != 0)
        for variable in ["OZLOCKS_API_KEY", "OZLOCKS_FACADE_KEY", "VANKE_APP_SECRET", "OFD_LOGIN", "OFD_PASSWORD"] {
            #expect(missing.text.contains("\(variable) is not set"), "\(variable): \(missing.text)")
        }
        let secrets = [
            "OZLOCKS_API_KEY": "k1", "OZLOCKS_FACADE_KEY": "k2", "VANKE_APP_SECRET": "eV7spoA0rr7EyjGuJxQFOa3Vs5wvcRUo",
            "OFD_LOGIN": "login", "OFD_PASSWORD": "p@ss",
        ]
        let check = try GatehouseProcess(
            ["check-config", "gatehouse.example.yml"], environment: enabled.merging(secrets) { a, _ in a })
        #expect(try await check.waitForExit() == 0, "\(check.text)")
        #expect(!check.text.contains("eV7spoA0rr7EyjGuJxQFOa3Vs5wvcRUo"))
        #expect(!check.text.contains("p@ss"))
    }

    @Test("a disabled adapter with required keys missing stays silent", arguments: ["ozlocks", "vanke", "ofd", "fias"])
    func disabledAdapterIsSilent(adapter: String) async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("disabled-\(adapter)-\(UUID().uuidString).yml")
        defer { try? FileManager.default.removeItem(at: file) }
        try "adapters: { \(adapter): { enabled: false } }\n".write(to: file, atomically: true, encoding: .utf8)
        let check = try GatehouseProcess(["check-config", file.path])
        #expect(try await check.waitForExit() == 0, "\(check.text)")
        #expect(!check.text.contains("missing required key"), "\(check.text)")
    }

    @Test("check-config warns about a GATEHOUSE_ variable that is no setting, by name only, and still accepts the file")
    func checkConfigMisspeltOverride() async throws {
        let check = try GatehouseProcess(
            ["check-config"],
            environment: ["GATEHOUSE_MQTT_PASWORD": "hunter2-value", "GATEHOUSE_MQTT_KEEP_ALIVE": "20s"])
        #expect(try await check.waitForExit() == 0, "\(check.text)")
        #expect(check.text.contains("warning: GATEHOUSE_MQTT_PASWORD is not a setting"), "\(check.text)")
        #expect(!check.text.contains("GATEHOUSE_MQTT_KEEP_ALIVE"), "a real override is not flagged: \(check.text)")
        #expect(!check.text.contains("hunter2-value"))
        #expect(check.text.contains("configuration OK"))
    }
}
