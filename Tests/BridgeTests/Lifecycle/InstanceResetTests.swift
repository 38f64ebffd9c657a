import Bridge
import Foundation
import TestSupport
import Testing
import Topics

/// `make demo` starts clean through `InstanceReset`: a second run used to republish the first
/// run's `offline`, adapter states and lock states as live lines.
@Suite("instance reset")
struct InstanceResetTests {
    @Test("the store is removed and every retained message of the instance cleared; another instance's are kept")
    func clearsOnlyThisInstance() async throws {
        let config = RunningBridge.testConfig(port: TestBroker.shared.port)
        let other = RunningBridge.testConfig(port: TestBroker.shared.port, instance: "other")
        let base = config.mqtt.baseTopic
        let first = try await RunningBridge(config: config)
        _ = try await first.bridge.context.publishState("\(base)/locks/101", ["opened": true])
        await first.stop()
        let neighbour = try await RunningBridge(config: other)
        await neighbour.stop()
        #expect(FileManager.default.fileExists(atPath: config.store.path))

        let outcome = try await InstanceReset.run(config)
        #expect(outcome.storeRemoved)
        #expect(!FileManager.default.fileExists(atPath: config.store.path))
        #expect(outcome.retainedCleared >= 4, "bridge/state, info, health and the lock at least: \(outcome)")

        // A newcomer gets no retained message of the reset instance, and the other's still.
        let probe = "\(base)/bridge/probe/after-reset"
        let client = try await MessageCollector(
            port: TestBroker.shared.port, filters: ["\(base)/#", "\(other.mqtt.baseTopic)/bridge/state"])
        try client.publish(probe, "{}")
        _ = try await client.next(on: probe)
        let left = client.received(on: "\(base)/#").filter { $0.topic != probe && !$0.payload.isEmpty }
        #expect(left.isEmpty, "still retained: \(left.map(\.topic))")
        #expect(!client.received(on: "\(other.mqtt.baseTopic)/bridge/state").isEmpty, "the other instance's state was cleared")
        await client.stop()
    }
}
