import Metrics
import Prometheus

/// The process-wide Prometheus registry behind swift-metrics (which can be bootstrapped only once).
public enum GatehouseMetrics {
    public static let registry = PrometheusCollectorRegistry()

    private static let bootstrapped: Bool = {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Request latency: loopback round trips are sub-millisecond, vendor calls take seconds.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
        return true
    }()

    /// Installs the registry as the metrics backend; safe to call more than once.
    public static func bootstrap() { _ = bootstrapped }

    /// The Prometheus text exposition.
    public static func exposition() -> String { registry.emitToString() }
}
