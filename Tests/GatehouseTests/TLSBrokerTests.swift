import Foundation
import TestSupport
import Testing
import Topics

/// The bridge against a real mosquitto with TLS listeners and a CA made by `scripts/tls-pki.sh`:
/// docs/broker.md's example, each way a handshake is refused, renewal, check-config.
@Suite("TLS to the broker")
struct TLSBrokerTests {
    static var broker: TLSTestBroker { TLSTestBroker.shared }

    /// An `mqtt:` section for `gatehouse run`.
    static func mqtt(host: String = "127.0.0.1", port: Int, tls: [String: String]) -> String {
        "mqtt:\n  url: mqtts://\(host):\(port)\n  tls:\n" + tls.sorted { $0.key < $1.key }.map { "    \($0.key): \($0.value)\n" }.joined()
    }

    @Test("docs/broker.md's example: the broker verified by tls.ca, the bridge and its console known by their client certificate")
    func documentedExample() async throws {
        let broker = Self.broker
        let bridge = try TLSBridgeProcess(mqttSection: broker.documentedConfig)
        let watcher = try await MessageCollector(port: broker.plainPort, filters: ["\(bridge.base)/bridge/state"])
        let online = try await watcher.next(on: "\(bridge.base)/bridge/state", timeout: .seconds(20))
        #expect(String(decoding: online.payload, as: UTF8.self) == #"{"state":"online"}"#)
        // use_identity_as_username: the certificate's CN is the username of both connections, so
        // the console's connection used the same TLS settings.
        for client in [bridge.clientID, "\(bridge.clientID)-console"] {
            try await until("\(client) connected in the broker log") { broker.log.contains("as \(client) (") }
            let line = broker.log.split(separator: "\n").first { $0.contains("as \(client) (") }
            #expect(line?.contains("u'gatehouse'") == true, "\(line ?? "")")
        }
        let health = try await bridge.healthz()
        #expect(health.status == 200)
        await watcher.stop()
        await bridge.stop()
    }

    @Test("the event intake connection (an adapter that consumes events) uses the same TLS settings, retry path and words")
    func intakeConnection() async throws {
        let broker = Self.broker
        let port = broker.port(.expired)
        let vanke = """
            adapters:
              vanke: { enabled: true, appId: "99848791", appSecret: tls-test-secret, parkingLotId: lot-1, platformUrl: "http://127.0.0.1:9", listen: "127.0.0.1:0" }

            """
        let bridge = try TLSBridgeProcess(mqttSection: Self.mqtt(port: port, tls: ["ca": broker.file("ca.crt")]) + vanke)
        let reason = "the broker's certificate was refused: certificate has expired"
        try await bridge.waitFor("failed (client \(bridge.clientID)-intake): \(reason); retrying in", times: 2)
        await bridge.stop()
    }

    @Test("a broker that accepts the connection and never answers: given up after 10 s with a log line, and tried again")
    func silentBroker() async throws {
        // A listening socket nobody accepts from: the kernel completes the TCP handshake, nothing answers.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound && listen(fd, 16) == 0)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let bridge = try TLSBridgeProcess(mqttSection: "mqtt:\n  url: mqtt://127.0.0.1:\(port)\n")
        // The bridge's own connection, twice: given up, then tried again (the console's connection says it too).
        try await bridge.waitFor("failed (client \(bridge.clientID)): no answer to CONNECT within 10", times: 2, timeout: .seconds(40))
        let health = try await bridge.healthz()
        #expect(health.status == 503)
        await bridge.stop()
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let listener: TLSTestBroker.Listener?
        let tls: @Sendable (TLSTestBroker) -> [String: String]
        /// In the log line and in /healthz; `{port}` stands for the listener's port.
        let reasonTemplate: String
        func reason(port: Int) -> String { reasonTemplate.replacingOccurrences(of: "{port}", with: "\(port)") }
    }

    static let refusals: [Refusal] = [
        Refusal(testDescription: "a wrong CA", listener: .verified, tls: { ["ca": $0.file("other-ca.crt")] },
                reasonTemplate: "the broker's certificate was refused: unable to get local issuer certificate"),
        Refusal(testDescription: "an expired server certificate", listener: .expired, tls: { ["ca": $0.file("ca.crt")] },
                reasonTemplate: "the broker's certificate was refused: certificate has expired"),
        Refusal(testDescription: "a host name mismatch", listener: .wrongHost, tls: { ["ca": $0.file("ca.crt")] },
                reasonTemplate: "the broker's certificate was refused: it is not valid for host name '127.0.0.1'"),
        Refusal(testDescription: "no client certificate", listener: .clientCertificates, tls: { ["ca": $0.file("ca.crt")] },
                reasonTemplate: "the TLS handshake failed: tlsv13 alert certificate required (the broker wants a client certificate: set mqtt.tls.cert and mqtt.tls.key)"),
        Refusal(testDescription: "a plain MQTT listener", listener: nil, tls: { ["ca": $0.file("ca.crt")] },
                reasonTemplate: "the TLS handshake failed: unexpected eof while reading (is port {port} a TLS listener?)"),
    ]

    @Test("a refused handshake is logged with its reason, shown by /healthz and retried with back-off, by both connections", arguments: refusals)
    func refused(_ refusal: Refusal) async throws {
        let broker = Self.broker
        let port = refusal.listener.map(broker.port) ?? broker.plainPort
        let bridge = try TLSBridgeProcess(mqttSection: Self.mqtt(port: port, tls: refusal.tls(broker)))
        let line = "TLS handshake with the broker at 127.0.0.1:\(port) failed (client \(bridge.clientID)): "
        let reason = refusal.reason(port: port)
        // Three attempts, 0.2 s and 0.4 s apart: retried with back-off, and each one said why.
        try await bridge.waitFor(line, times: 3)
        let attempts = bridge.output.split(separator: "\n").filter { $0.contains(line) }
        #expect(attempts.allSatisfy { $0.contains("; retrying in ") }, "\(attempts)")
        #expect(attempts[0].hasSuffix("retrying in 0.2 seconds") && attempts[1].hasSuffix("retrying in 0.4 seconds"), "\(attempts)")
        // The precise reason. Under load the very first handshake can fail inside mosquitto_connect,
        // before the certificate check's hook is in place, with OpenSSL's generic "certificate verify
        // failed"; every attempt after it names the reason.
        try await bridge.waitFor(line + reason + "; retrying in ", times: 1)
        // The console's connection: the same settings, the same retry path, the same words.
        try await bridge.waitFor("(client \(bridge.clientID)-console): \(reason)", times: 1)
        let health = try await bridge.healthz()
        #expect(health.status == 503)
        let detail = try JSONValue.parse(health.body)["checks"]?["broker"]?["detail"]
        #expect(detail?.stringValue?.contains("not connected to the broker at 127.0.0.1:\(port): ") == true, "\(String(describing: detail))")
        #expect(detail?.stringValue?.contains(reason) == true, "\(String(describing: detail))")
        await bridge.stop()
    }
}
