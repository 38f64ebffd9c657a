import Bridge
import Logging

/// Builds the adapters the config enables. Each vendor folder adds its adapter here as it lands.
public enum AdapterCatalog {
    /// Reads every configured adapter's section so its problems (unknown keys, wrong types) join
    /// the config's problem list, without starting anything.
    public static func check(_ config: GatehouseConfig) {
        for name in GatehouseConfig.knownAdapters {
            guard let section = config.adapterSection(name) else { continue }
            switch name {
            case "ozlocks": _ = OZLocksSettings(section: section)
            case "fias": _ = FIASSettings(section: section)
            case "ofd": _ = OFDSettings(section: section)
            case "vanke": _ = VankeSettings(section: section)
            default: continue
            }
            section.finish()
        }
    }

    public static func adapters(for config: GatehouseConfig, logger: Logger) throws -> [any GatehouseAdapter] {
        var adapters: [any GatehouseAdapter] = []
        for name in config.enabledAdapters {
            guard let section = config.adapterSection(name) else { continue }
            switch name {
            case "ozlocks":
                adapters.append(OZLocksAdapter(settings: OZLocksSettings(section: section)))
            case "fias":
                adapters.append(FIASAdapter(settings: FIASSettings(section: section)))
            case "ofd":
                adapters.append(OFDAdapter(settings: OFDSettings(section: section)))
            case "vanke":
                adapters.append(VankeAdapter(settings: VankeSettings(section: section)))
            default:
                logger.warning("adapter \(name) is enabled in the config but not part of this build yet")
            }
        }
        return adapters
    }
}
