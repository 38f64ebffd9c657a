import Bridge
import Foundation
import TestSupport
import Testing
import Topics

/// Certificates that change on disk, check-config's view of the files, and `tls.insecure`.
@Suite("TLS files")
struct TLSRenewalTests {
    static var broker: TLSTestBroker { TLSTestBroker.shared }

    @Test("a client certificate renewed on disk is used at the next reconnect; bridge/health then says what kept the bridge away")
    func renewal() async throws {
        let broker = Self.broker
        let port = broker.port(.clientCertificates)
        let directory = TestFiles.directory("tls-renewal")
        let cert = directory.appendingPathComponent("gatehouse.crt")
        let key = directory.appendingPathComponent("gatehouse.key")
        try FileManager.default.copyItem(atPath: broker.file("client-expired.crt"), toPath: cert.path)
        try FileManager.default.copyItem(atPath: broker.file("client.key"), toPath: key.path)
        let bridge = try TLSBridgeProcess(
            mqttSection: TLSBrokerTests.mqtt(
                host: "localhost", port: port, tls: ["ca": broker.file("ca.crt"), "cert": cert.path, "key": key.path]))
        let watcher = try await MessageCollector(port: broker.plainPort, filters: ["\(bridge.base)/bridge/#"])
        try await bridge.waitFor("(the broker refused mqtt.tls.cert as expired); retrying in", times: 2)

        // Renewed as certbot and friends do it: the new file written beside, then renamed over.
        let renewed = directory.appendingPathComponent("gatehouse.crt.new")
        try FileManager.default.copyItem(atPath: broker.file("client.crt"), toPath: renewed.path)
        #expect(rename(renewed.path, cert.path) == 0)

        let online = try await watcher.next(on: "\(bridge.base)/bridge/state", timeout: .seconds(10))
        #expect(String(decoding: online.payload, as: UTF8.self) == #"{"state":"online"}"#)
        let health = try JSONValue.parse(try await watcher.next(on: "\(bridge.base)/bridge/health").payload)
        #expect(health["mqtt"]?["connected"] == true)
        let lastError = health["mqtt"]?["lastError"]?.stringValue ?? ""
        #expect(lastError.contains("certificate expired"), "\(health)")
        #expect(health["mqtt"]?["lastErrorAt"]?.stringValue != nil)
        await watcher.stop()
        await bridge.stop()
    }

    @Test("a handshake refused on a reconnect after an accepted session is logged with its reason and retried until it passes")
    func refusedOnReconnect() async throws {
        let broker = Self.broker
        let port = broker.port(.clientCertificates)
        let directory = TestFiles.directory("tls-reconnect")
        let cert = directory.appendingPathComponent("gatehouse.crt")
        let key = directory.appendingPathComponent("gatehouse.key")
        try FileManager.default.copyItem(atPath: broker.file("client.crt"), toPath: cert.path)
        try FileManager.default.copyItem(atPath: broker.file("client.key"), toPath: key.path)
        let bridge = try TLSBridgeProcess(
            mqttSection: TLSBrokerTests.mqtt(
                host: "localhost", port: port, tls: ["ca": broker.file("ca.crt"), "cert": cert.path, "key": key.path]))
        let watcher = try await MessageCollector(port: broker.plainPort, filters: ["\(bridge.base)/bridge/state"])
        let first = try await watcher.next(on: "\(bridge.base)/bridge/state", timeout: .seconds(20))
        #expect(String(decoding: first.payload, as: UTF8.self) == #"{"state":"online"}"#)
        #expect(bridge.count("retrying in") == 0, "the first connect was refused: \(bridge.output)")

        // The certificate on disk turns into an expired one; then the session is taken over (a
        // client with the bridge's id, through the broker's plain listener), so the bridge reconnects.
        let swapped = directory.appendingPathComponent("gatehouse.crt.new")
        try FileManager.default.copyItem(atPath: broker.file("client-expired.crt"), toPath: swapped.path)
        #expect(rename(swapped.path, cert.path) == 0)
        let intruder = try MQTTClient(options: MQTTOptions(port: broker.plainPort, clientID: bridge.clientID))
        intruder.start()
        try await intruder.waitUntilConnected(timeout: .seconds(10))
        await intruder.stop()
        try await bridge.waitFor("(the broker refused mqtt.tls.cert as expired); retrying in", times: 2, timeout: .seconds(20))

        let renewed = directory.appendingPathComponent("gatehouse.crt.renewed")
        try FileManager.default.copyItem(atPath: broker.file("client.crt"), toPath: renewed.path)
        #expect(rename(renewed.path, cert.path) == 0)
        let mark = watcher.mark()
        let back = try await watcher.next(on: "\(bridge.base)/bridge/state", after: mark, timeout: .seconds(20))
        #expect(String(decoding: back.payload, as: UTF8.self) == #"{"state":"online"}"#)
        await watcher.stop()
        await bridge.stop()
    }

    @Test("check-config reports an expired certificate and an unreadable key, naming key and file")
    func checkConfig() async throws {
        let broker = Self.broker
        let directory = TestFiles.directory("tls-check")
        let file = directory.appendingPathComponent("gatehouse.yml")
        let missing = directory.appendingPathComponent("missing.key").path
        try TLSBrokerTests.mqtt(
            port: broker.port(.clientCertificates),
            tls: ["ca": broker.file("ca.crt"), "cert": broker.file("client-expired.crt"), "key": missing]
        ).write(to: file, atomically: true, encoding: .utf8)
        let result = try await Subprocess.run(GatehouseProcess.binary.path, ["check-config", file.path])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("mqtt.tls.cert: '\(broker.file("client-expired.crt"))' holds a certificate that expired on "), "\(result.output)")
        #expect(result.output.contains("mqtt.tls.key: cannot read '\(missing)': no such file"), "\(result.output)")
    }

    @Test("tls.insecure turns off every check of the broker's certificate, not only the host name, and says so")
    func insecure() async throws {
        let broker = Self.broker
        // An expired certificate from a CA the bridge does not know: only no verification at all accepts it.
        let section = TLSBrokerTests.mqtt(port: broker.port(.expired), tls: ["ca": broker.file("other-ca.crt"), "insecure": "true"])
        let file = TestFiles.directory("tls-insecure").appendingPathComponent("gatehouse.yml")
        try section.write(to: file, atomically: true, encoding: .utf8)
        let check = try await Subprocess.run(GatehouseProcess.binary.path, ["check-config", file.path])
        #expect(check.output.contains("mqtt.tls.insecure (line 5): turns off every check of the broker's certificate (issuer, expiry, host name)"), "\(check.output)")
        let bridge = try TLSBridgeProcess(mqttSection: section)
        let watcher = try await MessageCollector(port: broker.plainPort, filters: ["\(bridge.base)/bridge/state"])
        let online = try await watcher.next(on: "\(bridge.base)/bridge/state", timeout: .seconds(20))
        #expect(String(decoding: online.payload, as: UTF8.self) == #"{"state":"online"}"#)
        await watcher.stop()
        await bridge.stop()
    }
}
