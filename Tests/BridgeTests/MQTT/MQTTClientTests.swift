import Bridge
import Foundation
import TestSupport
import Testing

@Suite("MQTT client against a real mosquitto")
struct MQTTClientTests {
    let port = TestBroker.shared.port

    private func topic(_ name: String) -> String { "test-\(UUID().uuidString.prefix(8))/\(name)" }

    @Test("QoS 0 and QoS 1 messages arrive with every MQTT 5 property intact")
    func propertiesRoundTrip() async throws {
        let t = topic("props")
        let receiver = try await MessageCollector(port: port, filters: ["\(t)/#"])
        let sender = try await MessageCollector(port: port, filters: [])
        defer { Task { await receiver.stop(); await sender.stop() } }
        let properties = MQTTProperties(
            responseTopic: "\(t)/reply", correlationData: Data([0, 1, 2, 255]), messageExpiry: 120,
            contentType: "application/json", userProperties: [MQTTUserProperty("site", "东二门"), MQTTUserProperty("k", "v")])
        try sender.client.publish("\(t)/q1", Data("один".utf8), qos: .atLeastOnce, properties: properties)
        try sender.client.publish("\(t)/q0", Data("zero".utf8), qos: .atMostOnce, properties: properties)

        let q1 = try await receiver.next(on: "\(t)/q1")
        #expect(String(decoding: q1.payload, as: UTF8.self) == "один")
        #expect(q1.qos == .atLeastOnce)
        #expect(q1.properties.responseTopic == "\(t)/reply")
        #expect(q1.properties.correlationData == Data([0, 1, 2, 255]))
        #expect(q1.properties.contentType == "application/json")
        #expect(q1.properties.userProperties == properties.userProperties)
        let expiry = try #require(q1.properties.messageExpiry)
        #expect(expiry <= 120 && expiry >= 118)

        let q0 = try await receiver.next(on: "\(t)/q0")
        #expect(q0.qos == .atMostOnce)
        #expect(q0.properties.correlationData == Data([0, 1, 2, 255]))
    }

    @Test("MQTT 3.1.1 clients publish and receive; properties are simply absent")
    func protocol311() async throws {
        let t = topic("v311")
        let receiver = try await MessageCollector(port: port, filters: ["\(t)/#"], protocolVersion: .v311)
        let sender = try await MessageCollector(port: port, filters: [], protocolVersion: .v311)
        defer { Task { await receiver.stop(); await sender.stop() } }
        try sender.client.publish(
            "\(t)/a", Data("hello".utf8), qos: .atLeastOnce, properties: MQTTProperties(responseTopic: "ignored"))
        let message = try await receiver.next(on: "\(t)/a")
        #expect(String(decoding: message.payload, as: UTF8.self) == "hello")
        #expect(message.properties.responseTopic == nil)
    }

    @Test("retained messages are delivered with the retain flag on subscription")
    func retained() async throws {
        let t = topic("retained")
        let sender = try await MessageCollector(port: port, filters: [])
        try await sender.client.publishAcknowledged("\(t)/state", Data("on".utf8), retain: true)
        let receiver = try await MessageCollector(port: port, filters: ["\(t)/#"])
        defer { Task { await receiver.stop(); await sender.stop() } }
        let message = try await receiver.next(on: "\(t)/state")
        #expect(message.retain)
        try await sender.client.publishAcknowledged("\(t)/state", Data(), retain: true)
    }

    @Test("publishAcknowledged returns after PUBACK; QoS 0 to a disconnected client throws")
    func acknowledgements() async throws {
        let sender = try await MessageCollector(port: port, filters: [])
        for i in 0..<50 {
            try await sender.client.publishAcknowledged(topic("ack/\(i)"), Data("x".utf8), timeout: .seconds(2))
        }
        await sender.stop()
        #expect(throws: MQTTError.notConnected) {
            try sender.client.publish("x/y", Data(), qos: .atMostOnce)
        }
    }

    @Test("oversized payloads are refused before they reach the broker")
    func oversized() throws {
        let client = try MQTTClient(options: MQTTOptions(port: port, clientID: "oversize-\(UUID().uuidString.prefix(6))", maxPacketSize: 1024))
        #expect(throws: MQTTError.payloadTooLarge(2048)) {
            try client.publish("x/y", Data(count: 2048))
        }
    }

    @Test("after a broker restart the client reconnects and is subscribed again")
    func resubscribesAfterRestart() async throws {
        let broker = try TestBroker.start()
        defer { broker.stop() }
        let t = topic("restart")
        let receiver = try await MessageCollector(port: broker.port, filters: ["\(t)/#"])
        defer { Task { await receiver.stop() } }
        var events = receiver.client.events.makeAsyncIterator()
        #expect(await events.next() == .connected(sessionPresent: false))
        try broker.restart()
        // Wait for the disconnect and the reconnect as events, not by sleeping.
        var reconnected = false
        while let event = await events.next() {
            if case .connected = event {
                reconnected = true
                break
            }
        }
        #expect(reconnected)
        #expect(receiver.client.reconnectCount >= 1)
        let sender = try await MessageCollector(port: broker.port, filters: [])
        defer { Task { await sender.stop() } }
        try sender.client.publish("\(t)/after", Data("back".utf8))
        let message = try await receiver.next(on: "\(t)/after", timeout: .seconds(10))
        #expect(String(decoding: message.payload, as: UTF8.self) == "back")
    }
}
