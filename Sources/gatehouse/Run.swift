import Adapters
import ArgumentParser
import Bridge
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the bridge with every enabled adapter.")

    @Option(name: .long, help: "The YAML configuration file (default: built-in defaults, a local broker).")
    var config: String?
    @Option(name: .long, help: "Run only these adapters (repeatable); one adapter per process scales out.")
    var adapter: [String] = []
    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String?

    func run() async throws {
        // First of all: a deploy's SIGTERM during start-up is kept and stops the bridge gracefully
        // once it runs, instead of killing a half-started process.
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        var settings = try loadConfig(config)
        if !adapter.isEmpty {
            let unknown = adapter.filter { !AdapterRegistry.names.contains($0) }
            guard unknown.isEmpty else { throw ValidationError("unknown adapter(s): \(unknown.joined(separator: ", "))") }
            settings.enabledAdapters = settings.enabledAdapters.filter(adapter.contains)
        }
        let level = logLevel.flatMap(Logger.Level.init(rawValue:)) ?? Logger.Level(rawValue: settings.log.level.rawValue) ?? .info
        bootstrapLogging(level: level)
        GatehouseMetrics.bootstrap()
        let logger = Logger(label: "gatehouse")
        DescriptorLimit.raise(logger: logger)
        let adapters = try AdapterCatalog.adapters(for: settings, logger: logger)
        // Every adapter has read its section: the parsed file and the record of which keys were
        // read (4 MB with 10,000 locks configured) are not needed any more.
        settings.adapterSections = [:]
        try await runBridge(settings, logger: logger, adapters: adapters, signals: signals)
    }
}

/// Runs the bridge and its HTTP listener until SIGINT/SIGTERM, then shuts both down gracefully.
func runBridge(
    _ settings: GatehouseConfig, logger: Logger, adapters: [any GatehouseAdapter], extraServices: [any Service] = [],
    signals: UnixSignalsSequence? = nil
) async throws {
    let signals = if let signals { signals } else { await UnixSignalsSequence(trapping: .sigterm, .sigint) }
    let bridge = try GatehouseBridge(config: settings, adapters: adapters, logger: logger)
    let http = try BridgeHTTPServer.application(bridge: bridge, logger: logger) { port in
        let tls = settings.http.listener.tls == nil ? "" : "HTTPS; "
        logger.info("HTTP listener on \(settings.http.listen.host):\(port) (\(tls)/healthz, /metrics, the console at /)")
    }
    let group = ServiceGroup(
        configuration: .init(
            services: [.init(service: bridge)] + extraServices.map { .init(service: $0) } + [.init(service: http)],
            logger: logger))
    try await withThrowingDiscardingTaskGroup { tasks in
        tasks.addTask {
            for await signal in signals {
                logger.info("received \(signal): stopping")
                await group.triggerGracefulShutdown()
            }
        }
        try await group.run()
        tasks.cancelAll()
    }
}
