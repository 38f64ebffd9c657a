import Bridge
import Foundation
import Synchronization
import TestSupport
import Testing

/// libmosquitto takes a client with a socket for connected: a packet queued from another thread
/// while `mosquitto_connect` runs (TLS files being loaded) would go out ahead of CONNECT.
@Suite("MQTT connect order")
struct MQTTConnectOrderTests {
    @Test("CONNECT is the first packet even while another thread publishes throughout the TLS connect")
    func publishDuringConnect() async throws {
        let broker = TLSTestBroker.shared
        // The test CA in a bundle of 140-odd CAs, as a site might give: loading it makes the window
        // between socket and CONNECT long enough (tens of ms) to be hit every time.
        let bundle = TestFiles.directory("connect-order").appendingPathComponent("ca-bundle.crt")
        let system = (try? String(contentsOfFile: "/etc/ssl/certs/ca-certificates.crt", encoding: .utf8)) ?? ""
        try (String(contentsOfFile: broker.file("ca.crt"), encoding: .utf8) + system).write(to: bundle, atomically: true, encoding: .utf8)
        for round in 0..<3 {
            let client = try MQTTClient(
                options: MQTTOptions(
                    host: "127.0.0.1", port: broker.port(.verified), tls: MQTTTLSOptions(caFile: bundle.path),
                    clientID: "connect-order-\(round)-\(UUID().uuidString.prefix(8))",
                    reconnectMinDelay: .seconds(5), reconnectMaxDelay: .seconds(5)))
            let stop = Publisher(client)
            client.start()
            defer { stop.stop() }
            try await client.waitUntilConnected(timeout: .seconds(10))
            // Without MQTTConnectGate the broker closes the first connection ("protocol error"):
            // the attempt fails, and the client connects only 5 s later, if at all.
            #expect(client.lastFailure == nil, "\(client.lastFailure?.reason ?? "")")
            stop.stop()
            await client.stop()
        }
    }

    /// Publishes in a tight loop on a thread of its own until stopped: QoS 0 (refused at once while
    /// there is no socket, so nothing piles up), and QoS 1 every 2 ms (the bridge's discovery is QoS 1).
    private final class Publisher: Sendable {
        private let running = Atomic<Bool>(true)
        private let done = DispatchSemaphore(value: 0)

        /// Returns once the thread publishes, so that it runs before the client starts connecting.
        init(_ client: MQTTClient) {
            let spinning = DispatchSemaphore(value: 0)
            Thread.detachNewThread { [self] in
                var first = true
                var lastQoS1 = ContinuousClock.now
                while running.load(ordering: .relaxed) {
                    _ = try? client.publish("connect-order/x", Data("x".utf8), qos: .atMostOnce)
                    if ContinuousClock.now - lastQoS1 > .milliseconds(2) {
                        _ = try? client.publish("connect-order/x", Data("1".utf8), qos: .atLeastOnce)
                        lastQoS1 = .now
                    }
                    if first { spinning.signal() }
                    first = false
                }
                done.signal()
            }
            spinning.wait()
        }

        func stop() {
            guard running.exchange(false, ordering: .relaxed) else { return }
            done.wait()
        }
    }
}
