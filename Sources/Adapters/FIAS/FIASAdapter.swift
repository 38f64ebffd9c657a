import Bridge
import Foundation
import Logging
import Synchronization
import Topics

/// The lock-system side of a FIAS link to a hotel PMS: key records in, contract requests out.
public final class FIASAdapter: GatehouseAdapter {
    public let name = "fias"
    let settings: FIASSettings
    private let logger: Logger
    private let running = Mutex<(link: FIASLink, task: Task<Void, Never>)?>(nil)

    public init(settings: FIASSettings, logger: Logger = Logger(label: "gatehouse.adapter.fias")) {
        self.settings = settings
        self.logger = logger
    }

    public func start(_ bridge: BridgeContext) async throws {
        let requests = RequestClient(context: bridge, name: "fias")
        requests.start()
        let time = FIASTime(timeZone: bridge.timeZone)
        let desk = FIASKeyDesk(
            context: bridge, requests: requests, settings: settings, time: time, logger: logger,
            duplicates: DuplicateWindow(store: bridge.store, scope: "fias", window: settings.duplicateWindow))
        let name = self.name
        let link = FIASLink(
            settings: settings, time: time, logger: logger, answer: { record, problem in await desk.answer(record, problem: problem) },
            report: { state, detail in await bridge.setAdapterState(name, state, detail: detail) },
            undelivered: { [settings, logger] record, reply, why in
                await FIASUnsentAnswer(context: bridge, settings: settings, logger: logger).report(record, reply, why: why)
            })
        let task = Task { await link.run() }
        running.withLock { $0 = (link, task) }
    }

    public func stop() async {
        guard let (link, task) = running.withLock({ $0 }) else { return }
        await link.stop()
        task.cancel()
        await task.value
    }

    /// Healthy while the link is alive (LA received and keep-alives answered).
    public func healthCheck() async -> AdapterHealth {
        guard let link = running.withLock({ $0?.link }) else { return AdapterHealth(healthy: false, detail: "not started") }
        return link.isAlive
            ? AdapterHealth(healthy: true)
            : AdapterHealth(healthy: false, detail: "no live FIAS link to \(settings.host):\(settings.port)")
    }

    /// True while the link is alive (for tests and the demo).
    public var isLinkAlive: Bool { running.withLock { $0?.link.isAlive } ?? false }
}
