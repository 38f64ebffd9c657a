import Bridge
import Foundation
import TestSupport
import Testing

@Suite("MQTT client refused by the broker")
struct MQTTRefusalTests {
    /// libmosquitto 2.0 ends its network thread on an MQTT 5 refusal; the client must keep trying,
    /// so that fixing the password on the broker (SIGHUP reloads it) is enough.
    @Test("a refused login is retried with back-off until the broker accepts it")
    func refusedLoginIsRetried() async throws {
        let directory = TestFiles.directory("refusal")
        let passwords = directory.appendingPathComponent("passwd").path
        func setPassword(_ password: String) async throws {
            let result = try await Subprocess.run("/usr/bin/mosquitto_passwd", ["-b", passwords, "gatehouse", password])
            #expect(result.status == 0)
        }
        FileManager.default.createFile(atPath: passwords, contents: Data())
        try await setPassword("not-yet")
        let broker = try TestBroker.start(extraConfig: "allow_anonymous false\npassword_file \(passwords)\n")
        defer { broker.stop() }
        let client = try MQTTClient(
            options: MQTTOptions(
                port: broker.port, username: "gatehouse", password: "the-right-one", clientID: "refused-\(UUID().uuidString.prefix(6))",
                reconnectMinDelay: .seconds(1), reconnectMaxDelay: .seconds(2)))
        client.start()
        // Two refusals prove it came back after the first, which libmosquitto alone does not.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var refusals = 0
                for await event in client.events {
                    if case .refused = event { refusals += 1 }
                    if refusals == 2 { return }
                }
                throw TestFailure("connection events ended after \(refusals) refusal(s)")
            }
            group.addTask {
                try await Task.sleep(for: .seconds(20))
                throw TestFailure("no second connect attempt within 20 s of the first refusal")
            }
            try await group.next()
            group.cancelAll()
        }
        try await setPassword("the-right-one")
        let pid = try String(contentsOf: broker.directory.appendingPathComponent("pid"), encoding: .utf8)
        _ = try await Subprocess.run("/bin/kill", ["-HUP", pid.trimmingCharacters(in: .whitespacesAndNewlines)])
        try await client.waitUntilConnected(timeout: .seconds(15))
        #expect(client.isConnected)
        await client.stop()
    }
}
