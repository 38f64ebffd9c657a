import Adapters
import Bridge
import Foundation
import TestSupport
import Testing
import Topics

@Suite("The adapter registry: complete, and the only place a new adapter is listed")
struct AdapterRegistryTests {
    private let root = TestBroker.repositoryRoot

    @Test("every adapter folder is registered, and every registered adapter has its docs, simulator and contract section")
    func complete() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Sources/Adapters").path)
            .filter { !["Catalog", "Shared"].contains($0) && !$0.hasPrefix(".") }
        #expect(Set(folders.map { $0.lowercased() }) == Set(AdapterRegistry.names), "\(folders)")
        #expect(Set(AdapterRegistry.names).count == AdapterRegistry.names.count, "a name registered twice")
        let topics = try String(contentsOf: root.appendingPathComponent("docs/topics.md"), encoding: .utf8)
        for plugin in AdapterRegistry.plugins {
            let folder = try #require(folders.first { $0.lowercased() == plugin.name })
            let docs = root.appendingPathComponent("docs/adapters/\(plugin.name).md").path
            #expect(FileManager.default.fileExists(atPath: docs), "\(plugin.name): no \(docs)")
            var isFolder: ObjCBool = false
            let simulator = root.appendingPathComponent("Sources/Simulators/\(folder)").path
            #expect(FileManager.default.fileExists(atPath: simulator, isDirectory: &isFolder) && isFolder.boolValue, "\(plugin.name): no simulator")
            #expect(topics.contains("\n## \(plugin.contract)\n"), "\(plugin.name): docs/topics.md has no section '\(plugin.contract)'")
        }
    }

    @Test("a section no plugin claims is an unknown adapter, with the likely name")
    func unknownAdapter() {
        let result = ConfigLoader.load(yaml: "adapters:\n  fais: { enabled: true }", environment: [:])
        AdapterCatalog.check(result.bestEffort)
        #expect(result.problems.map(\.description) == [
            "adapters.fais (line 2): unknown adapter (known: ozlocks, fias, vanke, ofd); did you mean fias?"
        ])
    }

    @Test("a toy adapter added through the registry alone is configured, checked and served")
    func toyAdapter() async throws {
        let plugins = AdapterRegistry.plugins + [ToyAdapter.plugin]
        // Checked: its own rule reaches check-config's problem list, naming the key.
        let bad = ConfigLoader.load(yaml: "adapters:\n  toy: { greeting: '' }", environment: [:])
        AdapterCatalog.check(bad.bestEffort, plugins: plugins)
        #expect(bad.problems.map(\.description) == ["adapters.toy.greeting (line 2): must not be empty"])
        // The real registry does not know it.
        AdapterCatalog.check(bad.bestEffort)
        #expect(bad.problems.contains { $0.description.contains("unknown adapter") })

        // Configured and served: its request topic answers through the bridge's router.
        let config = try #require(ConfigLoader.load(yaml: "adapters:\n  toy: { greeting: hello }", environment: [:]).config)
        var running = RunningBridge.testConfig(port: TestBroker.shared.port)
        running.adapterSections = config.adapterSections
        running.enabledAdapters = config.enabledAdapters
        let adapters = try AdapterCatalog.adapters(for: running, plugins: plugins, logger: .init(label: "test"))
        #expect(adapters.map(\.name) == ["toy"])
        let bridge = try await RunningBridge(config: running, adapters: adapters)
        let client = try await MessageCollector(port: TestBroker.shared.port, filters: ["\(running.mqtt.baseTopic)/#"])
        let mark = client.mark()
        try client.publish("\(running.mqtt.baseTopic)/toy/request/greet", #"{"name":"Ada"}"#)
        let reply = try JSONValue.parse(try await client.next(on: "\(running.mqtt.baseTopic)/toy/response/greet", after: mark).payload)
        #expect(reply["status"] == "ok", "\(reply)")
        #expect(reply["data"]?["text"] == "hello, Ada")
        await client.stop()
        await bridge.stop()
    }
}

/// What a fifth vendor brings: settings read from its section, a check, an adapter, a plugin.
private struct ToySettings: Sendable {
    var greeting: String
    init(section: ConfigSection) { greeting = section.string("greeting", default: "hi") }
}

private struct ToyAdapter: GatehouseAdapter {
    static let plugin = AdapterPlugin(
        name: "toy", summary: "a toy", contract: "Bridge topics", settings: ToySettings.init(section:),
        check: { settings, section, _ in
            if settings.greeting.isEmpty { section.report("must not be empty", key: "greeting") }
        },
        make: { ToyAdapter(settings: $0) })

    let settings: ToySettings
    var name: String { "toy" }

    func start(_ bridge: BridgeContext) async throws {
        bridge.serve(RequestRoute("\(bridge.topics.base)/toy/request/+") { [settings] request in
            struct Greet: Decodable { var name: String }
            let who = try request.decode(Greet.self).name
            return .object(["text": .string("\(settings.greeting), \(who)")])
        })
    }

    func stop() async {}
    func healthCheck() async -> AdapterHealth { AdapterHealth(healthy: true) }
}
