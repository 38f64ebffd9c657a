import OZLocks
import FIAS
import Vanke
import OFD
import AsyncHTTPClient
import Bridge
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Simulators
import Topics

/// Shows the traffic like `mosquitto_sub -v -t 'gatehouse/#'` and plays a short script against the bridge.
struct DemoScenario: Service {
    let settings: GatehouseConfig
    let ozlocks: DemoOZLocks
    let adapter: OZLocksAdapter
    let pms: PMSSimulator
    let fiscal: DemoFiscal
    let parking: DemoParking
    let vanke: VankeAdapter
    let seconds: Int

    /// The OFD side: the operator simulator, the adapter and what the demo seeded.
    struct DemoFiscal: Sendable {
        let simulator: OFDSimulator
        let adapter: OFDAdapter
        let seed: OFDSimulator.DemoSeed
    }
    let logger: Logger

    func run() async throws {
        let topics = TopicTree(base: settings.mqtt.baseTopic)
        let watcher = try MQTTClient(
            options: MQTTOptions(host: settings.mqtt.host, port: settings.mqtt.port, clientID: "gatehouse-demo-watcher"),
            logger: Logger(label: "gatehouse.demo.mqtt"))
        watcher.subscribe("\(settings.mqtt.baseTopic)/#")
        watcher.start()
        try await watcher.waitUntilConnected(timeout: .seconds(10))
        let printer = Task {
            while let batch = await watcher.nextBatch() {
                for message in batch where !message.topic.contains("/bridge/probe/") {
                    let retained = message.retain ? " (retained)" : ""
                    show("  \(message.topic)\(retained) \(String(decoding: message.payload.prefix(400), as: UTF8.self))")
                }
            }
        }
        let run = "\(Int(Date().timeIntervalSince1970))"
        func step(_ title: String, _ topic: String, _ payload: String) async throws {
            show("--- \(title)")
            try watcher.publish(topic, Data(payload.utf8))
            try await Task.sleep(for: .milliseconds(600))
        }
        try await Task.sleep(for: .seconds(1))
        try await step("health check (broker round trip, store, OZLocks upstream)", topics.bridge.request("health-check"), #"{"transaction":"demo-\#(run)-1"}"#)
        try await step(
            "the PMS checks a guest into room 101: a card is cut on encoder 001",
            topics.encoder("001").request("issue-card"),
            #"{"room":"101","checkIn":"2025-09-04T15:21:00+03:00","checkOut":"2025-09-05T12:00:00+03:00","guestName":"Иванов Иван","newIssue":true,"workstation":"FRONT1","transaction":"demo-\#(run)-2"}"#)
        try await step("the front desk reads the card back", topics.encoder("001").request("read-card"), #"{"workstation":"FRONT1"}"#)
        try await step("room 102 has an offline (series H) lock: remote open is refused", topics.lock("102").request("open"), "{}")
        show("--- the battery of room 103 runs low; the poller notices")
        ozlocks.simulator.setLowBattery(true, room: "103")
        await adapter.pollNow()
        try await Task.sleep(for: .milliseconds(600))
        if let port = await adapter.facadePort() {
            show("--- a PMS written for OZLocks calls the facade: GET http://127.0.0.1:\(port)/ReadState")
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/ReadState")
            request.method = .GET
            request.headers.add(name: "X-API-Key", value: DemoOZLocks.facadeKey)
            request.body = .bytes(ByteBuffer(string: #"{"Room":"103","WorkstationID":"PMS"}"#))
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(10)),
                let body = try? await response.body.collect(upTo: 1 << 20)
            {
                show("  HTTP \(response.status.code) \(String(buffer: body))")
            }
        }
        show("--- the hotel PMS speaks FIAS: a KR for room 103 on encoder 001 (waiting for the link)")
        do {
            try await pms.waitUntilAlive(timeout: .seconds(15))
            let stamp = String(run.suffix(6))
            let answer = try await pms.request(
                "KR|WS7|KC001|RN103|KTN|DT12:00|GA250904|GD250906|GNСмирнова Анна|DA250904|TI\(stamp)|", timeout: .seconds(12))
            let fields: [String] = answer.keys.sorted().filter { $0 != "_raw" }.map { key in "\(key)=\(answer[key] ?? "")" }
            show("  PMS < KA " + fields.joined(separator: " "))
        } catch {
            show("  PMS: \(error)")
        }
        show("--- the fiscal registers of INN \(fiscal.seed.inn) are synced from OFD.ru (one fiscal drive ends in 10 days)")
        await fiscal.adapter.syncNow()
        try await Task.sleep(for: .milliseconds(600))
        if let rnm = fiscal.seed.rnms.last, let code = fiscal.seed.activationCodes.first {
            try await step(
                "an activation code is applied to register \(rnm)", topics.ofd.request("apply-code"),
                #"{"inn":"\#(fiscal.seed.inn)","rnm":"\#(rnm)","activationCode":"\#(code)","email":"buh@example.ru","transaction":"demo-\#(run)-3"}"#)
            show("--- the operator marks it paid; the adapter follows the pay status")
            fiscal.simulator.setPayStatus(rnm: rnm, code: code, status: "Payed")
            await fiscal.adapter.followNow()
            try await Task.sleep(for: .milliseconds(600))
        }
        try await parking.play(watcher, topics: topics, adapter: vanke)
        show("--- running; Ctrl-C stops (try: mosquitto_sub -v -t 'gatehouse/#')")
        if seconds > 0 {
            try? await Task.sleep(for: .seconds(seconds))
            kill(getpid(), SIGTERM)
        }
        try? await gracefulShutdown()
        await watcher.stop()
        printer.cancel()
    }
}

/// One line to stdout, unbuffered, so it interleaves with the log lines in order.
func show(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
