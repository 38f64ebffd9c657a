import AsyncHTTPClient
import Bridge
import Foundation
import Logging
import Synchronization
import Topics

/// The OZLocks Web-API as MQTT topics: serves encoder and lock requests, polls lock states and
/// logs, and optionally runs the OZLocks-compatible HTTP facade.
public final class OZLocksAdapter: GatehouseAdapter {
    public let name = "ozlocks"
    let settings: OZLocksSettings
    let client: OZLocksClient
    let logger: Logger
    private let http: HTTPClient
    private let running = Mutex<Running?>(nil)

    private struct Running {
        var context: BridgeContext
        var tasks: [Task<Void, Never>]
        var poller: LockPoller?
        var facade: OZLocksFacade?
        /// The facade's listener: shut down gracefully, never cancelled.
        var serving: Task<Void, Never>?
    }

    public init(settings: OZLocksSettings, logger: Logger = Logger(label: "gatehouse.adapter.ozlocks")) {
        self.settings = settings
        self.logger = logger
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        client = OZLocksClient(settings: settings, http: http, logger: logger)
    }

    var context: BridgeContext? { running.withLock { $0?.context } }
    var timeZone: TimeZone { context?.timeZone ?? .gmt }
    var dates: OZLocksDate { OZLocksDate(timeZone: timeZone) }
    func now() -> String { Timestamp.rfc3339(Date(), in: timeZone) }

    static func encoderKey(_ encoder: String) -> String { "ozlocks.encoder.\(encoder)" }

    public func start(_ bridge: BridgeContext) async throws {
        running.withLock { $0 = Running(context: bridge, tasks: [], poller: nil, facade: nil) }
        registerRoutes(bridge)
        await bridge.setAdapterState(name, .connecting, detail: settings.url)
        let poller = LockPoller(adapter: self, context: bridge)
        var tasks = [Task { await poller.run() }, Task { await self.announceLocks(bridge) }]
        var facade: OZLocksFacade?
        var serving: Task<Void, Never>?
        if let settings = settings.facade {
            let server = OZLocksFacade(
                settings: settings, apiKeyHeader: settings.apiKeyHeader ?? self.settings.apiKeyHeader, context: bridge, logger: logger)
            facade = server
            serving = Task { await server.run() }
        }
        running.withLock {
            $0?.tasks = tasks
            $0?.poller = poller
            $0?.facade = facade
            $0?.serving = serving
        }
    }

    /// Polls every WR lock once now, without spreading (operators' "refresh", and tests).
    /// Reads one lock back and publishes its state if it changed: after an open or close the
    /// state must not wait for the next poll (4–7 s, seen from Home Assistant).
    func refreshState(of room: String) {
        guard let poller = running.withLock({ $0?.poller }), settings.series(of: room) == .wr else { return }
        Task { await poller.refresh(room) }
    }

    public func pollNow() async {
        await running.withLock { $0?.poller }?.cycle(spread: false)
    }

    /// The facade's port once it listens (nil without a facade).
    public func facadePort(timeout: Duration = .seconds(5)) async -> Int? {
        guard let facade = running.withLock({ $0?.facade }) else { return nil }
        let deadline = ContinuousClock.now + timeout
        while facade.port == nil && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return facade.port
    }

    public func stop() async {
        let state = running.withLock { $0 }
        state?.tasks.forEach { $0.cancel() }
        await state?.facade?.stop()
        await state?.serving?.value
        // The poller's calls end with its cancellation; waited for, so none meets a closed client.
        for task in state?.tasks ?? [] { await task.value }
        try? await http.shutdown()
    }

    /// Any answer from the vendor but 401/400 proves it is reachable and accepts our key.
    public func healthCheck() async -> AdapterHealth {
        // Any room will do: the question is whether the server answers and takes the key. A site
        // with only series H locks asks about one of them (or none), and the vendor's data error
        // (ECode 5 for an empty room) is an answer too.
        let room = settings.locks.first { $0.series == .wr }?.room ?? settings.locks.first?.room ?? ""
        do {
            _ = try await client.call(
                .readState, OZLocksWire.RoomAtWorkstation(Room: room, WorkstationID: settings.workstation),
                as: OZLocksWire.ReadStateAnswer.self)
            return AdapterHealth(healthy: true)
        } catch {
            switch error.code {
            case .unauthorized, .upstreamUnavailable, .timeout, .internal:
                return AdapterHealth(healthy: false, detail: error.message)
            default:
                return AdapterHealth(healthy: true)
            }
        }
    }

    // MARK: routes

    private func registerRoutes(_ bridge: BridgeContext) {
        let topics = bridge.topics
        let encoderFilters = settings.encoders.isEmpty
            ? [topics.encoderRequestFilter] : settings.encoders.map { "\(topics.encoder($0).state)/request/+" }
        for filter in encoderFilters {
            bridge.serve(
                RequestRoute(filter, timeout: settings.encoderRequestTimeout, serializationKey: { request in
                    request.topicLevel(Self.levels(topics.base) + 1).map(Self.encoderKey)
                }) { [self] request in
                    let encoder = request.topicLevel(Self.levels(topics.base) + 1) ?? ""
                    return try await serveEncoder(request, encoder: encoder)
                })
        }
        let rooms = settings.locks.map(\.room)
        let lockFilters = rooms.isEmpty
            ? [topics.lockRequestFilter, topics.lockSetFilter]
            : rooms.flatMap { ["\(topics.lock($0).state)/request/+", topics.lock($0).set] }
        for filter in lockFilters {
            var route = RequestRoute(
                filter, acceptsPlainText: filter.hasSuffix("/set"),
                serializationKey: { request in
                    // A check-out of an offline lock uses an encoder: queue it with that encoder's work.
                    struct EncoderField: Decodable { var encoder: String? }
                    guard request.operation == "check-out" else { return nil }
                    return (try? request.decode(EncoderField.self))?.encoder.map(Self.encoderKey)
                }
            ) { [self] request in
                let room = request.topicLevel(Self.levels(topics.base) + 1) ?? ""
                return try await serveLock(request, room: room)
            }
            // A check-out may wait for a card on an encoder: the encoder's budget.
            route.operationTimeouts = ["check-out": settings.encoderRequestTimeout]
            bridge.serve(route)
        }
    }

    /// How many levels the base topic has (`gatehouse` → 1), to find the id level after it.
    static func levels(_ base: String) -> Int { base.split(separator: "/", omittingEmptySubsequences: false).count }

    // MARK: shared helpers

    func publishEncoder(_ encoder: String, _ state: EncoderState) async {
        guard let context else { return }
        do {
            try await context.publishState(context.topics.encoder(encoder).state, state)
        } catch {
            logger.warning("cannot publish the state of encoder \(encoder): \(error)")
        }
    }

    /// A vendor time as RFC 3339 in the site's zone; nil when the vendor sent something unreadable.
    func rfc3339(vendor text: String) -> String? {
        dates.parse(text).map { Timestamp.rfc3339($0, in: timeZone) }
    }

    func event(from record: OZLocksWire.LogState) -> LockEvent? {
        guard let time = record.EventTime, let at = dates.parse(time) else {
            logger.warning("skipping a lock log record with an unreadable time")
            return nil
        }
        // The spec names no record type for unauthorised attempts; the vendor's own label says it.
        let unauthorized = record.RecordTypeEx?.lowercased().contains("несанкционирован") ?? false
        return LockEvent(
            type: record.RecordType.value, typeName: record.RecordTypeEx, at: Timestamp.rfc3339(at, in: timeZone),
            holderId: record.HolderID?.value, holderName: record.HolderName, unauthorized: unauthorized)
    }
}
