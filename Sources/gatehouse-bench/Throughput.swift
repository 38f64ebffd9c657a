import Bridge
import Foundation

/// Part (a): end-to-end publish throughput of the Swift `MQTTClient` against `mosquitto_pub`,
/// 100-byte payloads, counted by the same `mosquitto_sub`.
struct ThroughputBench {
    let broker: BrokerAddress
    let workDirectory: String
    let control: MQTTClient
    let payloadBytes = 100
    /// `mosquitto_pub -l` stops early past ~65k lines (16-bit message ids wrap): feed it in batches.
    let linesPerInvocation = 50_000

    /// Alternates Swift and mosquitto_pub runs so slow drift of the machine hits both alike.
    func run(qos: MQTTQoS, messages: Int, repeats: Int) async -> ThroughputResult {
        var swift = Series(client: "Swift MQTTClient (TCP_NODELAY)")
        var baseline = Series(client: "mosquitto_pub -l --nodelay, \(linesPerInvocation)-line batches")
        for attempt in 1...repeats {
            for publisher in [Publisher.swift, .mosquittoPub] {
                do {
                    let rate = try await measure(publisher, qos: qos, messages: messages)
                    if publisher == .swift { swift.rates.append(rate) } else { baseline.rates.append(rate) }
                    Log.progress(String(format: "  QoS %d %@ run %d: %.0f msg/s", qos.rawValue, publisher.label, attempt, rate))
                } catch {
                    let failure = "run \(attempt): \(error)"
                    if publisher == .swift { swift.failures.append(failure) } else { baseline.failures.append(failure) }
                    Log.progress("  QoS \(qos.rawValue) \(publisher.label) run \(attempt) FAILED: \(error)")
                }
            }
        }
        return ThroughputResult(
            qos: Int(qos.rawValue), messages: messages, payloadBytes: payloadBytes,
            subscriber: "mosquitto_sub -V mqttv5 --nodelay -q \(qos.rawValue) -C N (one for both publishers)",
            swift: swift.summarised(), mosquittoPub: baseline.summarised())
    }

    private enum Publisher {
        case swift, mosquittoPub
        var label: String { self == .swift ? "swift" : "mosquitto_pub" }
    }

    /// One run: messages per second from the first publish to the last message counted.
    private func measure(_ publisher: Publisher, qos: MQTTQoS, messages: Int) async throws -> Double {
        let run = "bench/throughput/\(UUID().uuidString.prefix(8))"
        let dataTopic = "\(run)/data"
        let readyTopic = "\(run)/ready"
        try await control.publishAcknowledged(readyTopic, Data("ready".utf8), qos: .atLeastOnce, retain: true)
        defer { _ = try? control.publish(readyTopic, Data(), qos: .atLeastOnce, retain: true) }

        // The Swift publisher connects before the clock starts; mosquitto_pub's start-up is inside
        // its time (a few ms per invocation, noted in docs/performance.md).
        var client: MQTTClient?
        if publisher == .swift {
            let options = MQTTOptions(host: broker.host, port: broker.port, clientID: "bench-pub-\(UUID().uuidString.prefix(8))")
            let swiftClient = try MQTTClient(options: options)
            swiftClient.start()
            try await swiftClient.waitUntilConnected(timeout: .seconds(10))
            client = swiftClient
        }
        let subscriber = try CountingSubscriber(
            broker: broker, qos: Int(qos.rawValue), dataTopic: dataTopic, readyTopic: readyTopic, messages: messages)
        do {
            try await subscriber.waitUntilSubscribed(timeout: .seconds(10))
            let start = Monotonic.now()
            if let client {
                let payload = Self.payload(bytes: payloadBytes)
                for _ in 0..<messages { try client.publish(dataTopic, payload, qos: qos) }
            } else {
                try await publishWithMosquittoPub(topic: dataTopic, qos: qos, messages: messages)
            }
            guard let end = await subscriber.waitForAll(stallTimeout: .seconds(10)) else {
                throw BenchError("only \(subscriber.received) of \(messages) messages arrived")
            }
            await subscriber.finish()
            await client?.stop()
            return Double(messages) / Monotonic.seconds(from: start, to: end)
        } catch {
            await subscriber.finish()
            await client?.stop()
            throw error
        }
    }

    private func publishWithMosquittoPub(topic: String, qos: MQTTQoS, messages: Int) async throws {
        var remaining = messages
        while remaining > 0 {
            let lines = min(remaining, linesPerInvocation)
            let child = try ChildProcess.spawn(
                "mosquitto_pub",
                [
                    "-h", broker.host, "-p", "\(broker.port)", "-V", "mqttv5", "-q", "\(qos.rawValue)", "--nodelay",
                    "-i", "bench-pub-\(UUID().uuidString.prefix(8))", "-t", topic, "-l",
                ],
                stdin: try linesFile(lines), stdout: .null)
            let (status, killed) = await child.wait(timeout: .seconds(120))
            guard status == 0, !killed else { throw BenchError("mosquitto_pub exited with status \(status)") }
            remaining -= lines
        }
    }

    /// A file of `count` lines, each the 100-byte payload, written once and reused.
    private func linesFile(_ count: Int) throws -> String {
        let path = "\(workDirectory)/lines-\(count)-\(payloadBytes).txt"
        if !FileManager.default.fileExists(atPath: path) {
            var line = Self.payload(bytes: payloadBytes)
            line.append(0x0A)
            var data = Data(capacity: line.count * count)
            for _ in 0..<count { data.append(line) }
            try data.write(to: URL(fileURLWithPath: path))
        }
        return path
    }

    /// Printable bytes, so the same payload can be a line for `mosquitto_pub -l`.
    static func payload(bytes: Int) -> Data {
        Data((0..<bytes).map { UInt8(ascii: "a") + UInt8($0 % 26) })
    }
}
