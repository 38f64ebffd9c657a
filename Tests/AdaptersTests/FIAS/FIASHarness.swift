import OZLocks
import FIAS
import Bridge
import Foundation
import Simulators
import TestSupport
import Topics

/// A PMS simulator, an OZLocks simulator, and one bridge running the FIAS and OZLocks adapters:
/// a KR from the "PMS" travels over MQTT to whoever serves the encoder and back as a KA.
final class FIASHarness: Sendable {
    let pms: PMSSimulator
    let locks: OZLocksSimulator
    let running: RunningBridge
    let fias: FIASAdapter
    let client: MessageCollector

    static func start(
        pms options: PMSSimulator.Options = .init(), answerTimeout: Duration = .seconds(10),
        keepAlive: Duration = .seconds(60), ozlocksTimeout: Duration = .seconds(3),
        watchEverything: Bool = true, settings configure: (inout FIASSettings) -> Void = { _ in }
    ) async throws -> FIASHarness {
        let pms = PMSSimulator(options: options)
        let pmsPort = try await pms.start()
        let locks = OZLocksSimulator(
            apiKey: "k", rooms: [.init("101", series: .wr), .init("102", series: .h)], encoders: ["1", "2"])
        let locksPort = try await locks.start()

        var ozlocks = OZLocksSettings()
        ozlocks.url = "http://127.0.0.1:\(locksPort)"
        ozlocks.apiKey = Secret("k")
        ozlocks.timeout = ozlocksTimeout
        ozlocks.encoderTimeout = ozlocksTimeout
        ozlocks.locks = [.init(room: "101", series: .wr), .init(room: "102", series: .h)]
        ozlocks.encoders = ["1", "2"]
        ozlocks.pollInterval = .seconds(3600)
        ozlocks.pollLogs = false

        var settings = FIASSettings()
        settings.port = pmsPort
        settings.answerTimeout = answerTimeout
        settings.keepAlive = keepAlive
        settings.reconnectMinDelay = .milliseconds(200)
        settings.reconnectMaxDelay = .seconds(1)
        configure(&settings)
        let fias = FIASAdapter(settings: settings)

        var config = RunningBridge.testConfig(port: TestBroker.shared.port)
        config.site.timeZone = TimeZone(identifier: "Europe/Moscow")!
        let running = try await RunningBridge(config: config, adapters: [OZLocksAdapter(settings: ozlocks), fias])
        // `watchEverything: false` leaves request topics nobody serves without any subscriber.
        let client = try await MessageCollector(
            port: TestBroker.shared.port, filters: watchEverything ? ["\(config.mqtt.baseTopic)/#"] : [])
        try await pms.waitUntilAlive(timeout: .seconds(10))
        return FIASHarness(pms: pms, locks: locks, running: running, fias: fias, client: client)
    }

    private init(pms: PMSSimulator, locks: OZLocksSimulator, running: RunningBridge, fias: FIASAdapter, client: MessageCollector) {
        self.pms = pms
        self.locks = locks
        self.running = running
        self.fias = fias
        self.client = client
    }

    var adapterStateTopic: String { running.bridge.context.topics.bridge.adapter("fias") }

    /// Waits until `gatehouse/bridge/adapters/fias` says `state`.
    func waitForLinkState(_ state: String, timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            let position = client.mark()
            let last = client.received(on: adapterStateTopic).last.flatMap { try? JSONValue.parse($0.payload)["state"]?.stringValue }
            if last == state { return }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw TestFailure("FIAS link never became \(state) (last: \(last ?? "none"))") }
            _ = try await client.next(on: adapterStateTopic, after: position, timeout: left)
        }
    }

    func stop() async {
        await client.stop()
        await running.stop()
        await pms.stop()
        await locks.stop()
    }
}
