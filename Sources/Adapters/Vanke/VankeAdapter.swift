import AsyncHTTPClient
import Bridge
import Foundation
import Logging
import Synchronization
import Topics

/// Gatehouse as the parking supplier of one Vanke lot: field devices talk MQTT, the platform
/// talks HTTP both ways. Recognitions, crossings and alarms go out from the outbox; the
/// platform's gate commands, display texts and queries come in on the supplier endpoints.
public final class VankeAdapter: GatehouseAdapter {
    public let name = "vanke"
    let settings: VankeSettings
    private let logger: Logger
    private let http: HTTPClient
    private let running = Mutex<Running?>(nil)
    private let prepared = Mutex<Prepared?>(nil)

    /// What `prepare` builds before the broker connection starts.
    private struct Prepared {
        var client: VankePlatformClient
        var gates: VankeGates
        var pusher: VankePusher
        var intake: VankeIntake
        var endpoints: VankeSupplierEndpoints
    }

    private struct Running {
        /// Listener, watch and purge: cancelled on stop.
        var tasks: [Task<Void, Never>]
        /// The pusher: finished on stop, so pushes in flight get their answers.
        var pushing: Task<Void, Never>
        /// The supplier listener: shut down gracefully on stop.
        var serving: Task<Void, Never>
        var server: VankeSupplierServer
        var pusher: VankePusher
        var intake: VankeIntake
        var client: VankePlatformClient
    }

    public init(settings: VankeSettings, logger: Logger = Logger(label: "gatehouse.adapter.vanke")) {
        self.settings = settings
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, settings.pushConcurrency))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Builds the gates, pusher and intake and registers the event consumers, before the
    /// connection resumes the session and delivers what was queued for the bridge.
    public func prepare(_ bridge: BridgeContext) async throws {
        let client = VankePlatformClient(settings: settings, http: http, timeZone: bridge.timeZone)
        let gates = VankeGates()
        try await restore(gates, bridge)
        let watch = VankeDeviceWatch(
            settings: settings, marks: try await stored(VankeDeviceWatch.Mark.self, prefix: "device.", bridge),
            loops: try await stored(VankeDeviceWatch.LoopMark.self, prefix: "loop.", bridge))
        let pusher = VankePusher(context: bridge, settings: settings, client: client, gates: gates, logger: logger)
        let listen = bridge.config.http.listen
        let imageBase = (settings.imageBaseUrl ?? "http://\(listen)").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let intake = VankeIntake(
            context: bridge, settings: settings, gates: gates, watch: watch, pusher: pusher, imageBaseURL: imageBase,
            logger: logger, clock: VankeTime(timeZone: bridge.timeZone))
        let endpoints = VankeSupplierEndpoints(
            context: bridge, settings: settings, gates: gates, pusher: pusher, logger: logger,
            clock: VankeTime(timeZone: bridge.timeZone))
        // Stored events reach the consumers only once every adapter has started (GatehouseBridge.run),
        // so the places announced in `start` are known before a sensor is heard.
        intake.subscribe()
        prepared.withLock { $0 = Prepared(client: client, gates: gates, pusher: pusher, intake: intake, endpoints: endpoints) }
    }

    public func start(_ bridge: BridgeContext) async throws {
        guard let prepared = prepared.withLock({ $0 }) else { throw VankeAdapterError.notPrepared }
        let (client, pusher, intake, endpoints) = (prepared.client, prepared.pusher, prepared.intake, prepared.endpoints)
        let server = VankeSupplierServer(settings: settings, endpoints: endpoints, timeZone: bridge.timeZone, logger: logger)
        // Before the places' sensors are heard: a place first seen now must not be withdrawn as stale.
        await announceGatesAndPlaces(bridge)
        serveGateRequests(bridge, opener: endpoints.opener)
        await bridge.setAdapterState(name, .connecting, detail: settings.platformUrl)

        let check = min(settings.deviceCheckInterval, settings.loopAlarmAfter) / 5
        let watchPeriod = max(min(check, .seconds(10)), .milliseconds(50))
        let pushing = Task { await pusher.run() }
        let serving = Task { await server.run() }
        let tasks = [
            Task {
                while !Task.isCancelled {
                    do { try await Task.sleep(for: watchPeriod) } catch { return }
                    await intake.raiseDue()
                }
            },
            Task { [settings] in
                let probe = VankeDeviceProbe(settings: settings)
                guard !probe.devices.isEmpty else { return }
                while !Task.isCancelled {
                    await intake.probeDevices(probe)
                    do { try await Task.sleep(for: settings.deviceCheckInterval) } catch { return }
                }
            },
            Task { [settings, logger] in
                while !Task.isCancelled {
                    await Self.purge(bridge.store, settings: settings, now: Date(), logger: logger)
                    do { try await Task.sleep(for: .seconds(3600)) } catch { return }
                }
            },
        ]
        running.withLock { $0 = Running(tasks: tasks, pushing: pushing, serving: serving, server: server, pusher: pusher, intake: intake, client: client) }
    }

    /// Pictures past `imageRetention` (but never before the failed records that point at them),
    /// failed recognition and crossing pushes past `failedPushRetention`. Failed abnormal pushes
    /// stay: they are re-sent once the platform answers.
    static func purge(_ store: Store, settings: VankeSettings, now: Date, logger: Logger) async {
        let pictures = now.addingTimeInterval(-max(settings.imageRetention, settings.failedPushRetention).timeInterval)
        do { try await store.images.purge(olderThan: pictures) } catch { logger.warning("image purge: \(error)") }
        let failed = now.addingTimeInterval(-settings.failedPushRetention.timeInterval)
        for stream in [VankeStreams.failedRecognitions, VankeStreams.failedCrossings] {
            do {
                let purged = try await store.outbox.purgeDeadLetters(stream: stream, failedBefore: failed)
                if purged > 0 { logger.info("purged \(purged) failed pushes of \(stream) older than \(settings.failedPushRetention)") }
            } catch {
                logger.warning("failed-push purge: \(error)")
            }
        }
    }

    public func stop() async {
        let state = running.withLock { $0 }
        state?.tasks.forEach { $0.cancel() }
        await state?.server.stop()
        await state?.serving.value
        state?.pusher.finish()
        for task in state?.tasks ?? [] { await task.value }
        await state?.pushing.value
        try? await http.shutdown()
    }

    /// The platform's host answers HTTP, and the supplier listener is up.
    public func healthCheck() async -> AdapterHealth {
        guard let state = running.withLock({ $0 }) else { return AdapterHealth(healthy: false, detail: "not started") }
        guard state.server.port != nil else { return AdapterHealth(healthy: false, detail: "supplier endpoints not listening") }
        if let problem = await state.client.probe() {
            return AdapterHealth(healthy: false, detail: "platform \(settings.platformUrl): \(problem)")
        }
        return AdapterHealth(healthy: true)
    }

    /// The supplier endpoints' port once listening (the config may ask for port 0).
    public func supplierPort(timeout: Duration = .seconds(5)) async -> Int? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let port = running.withLock({ $0?.server.port }) { return port }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Gate modes and latest recognitions from the store.
    /// The watch's marks kept in the store under `prefix` + device number.
    private func stored<Mark: Decodable>(_ type: Mark.Type, prefix: String, _ bridge: BridgeContext) async throws -> [String: Mark] {
        try await bridge.store.cursors.values(adapter: name, prefix: prefix).reduce(into: [String: Mark]()) {
            if let mark = try? JSONDecoder().decode(Mark.self, from: $1.value) {
                $0[String($1.key.dropFirst(prefix.count))] = mark
            }
        }
    }

    private func restore(_ gates: VankeGates, _ bridge: BridgeContext) async throws {
        let lot = bridge.topics.parking(settings.parkingLotId)
        for (topic, payload) in try await bridge.store.retained.all(matching: lot.gatesPrefix) {
            guard topic.hasSuffix("/mode"), let mode = try? JSONDecoder().decode(GateMode.self, from: payload) else { continue }
            let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
            await gates.setMode(TopicID.decode(String(levels[levels.count - 2])), mode.mode)
        }
        for (key, value) in try await bridge.store.cursors.values(adapter: name, prefix: "latest.") {
            if let latest = try? JSONDecoder().decode(VankeGates.Recognition.self, from: value) {
                await gates.restoreLatest(String(key.dropFirst("latest.".count)), latest)
            }
        }
    }
}

enum VankeAdapterError: Error, CustomStringConvertible {
    case notPrepared
    var description: String { "start was called before prepare" }
}
