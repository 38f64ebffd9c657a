import Bridge
import Logging

/// Builds the adapters the config enables. Each vendor folder adds its adapter here as it lands.
public enum AdapterCatalog {
    public static func adapters(for config: GatehouseConfig, logger: Logger) throws -> [any GatehouseAdapter] {
        for name in config.enabledAdapters {
            logger.warning("adapter \(name) is enabled in the config but not part of this build yet")
        }
        return []
    }
}
