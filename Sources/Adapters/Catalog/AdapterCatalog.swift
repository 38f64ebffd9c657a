import Bridge
import FIAS
import Logging
import OZLocks

/// Checks and builds the adapters the config enables, from the registry's plugins.
public enum AdapterCatalog {
    /// Reads every enabled adapter's section so its problems (unknown keys, wrong types, unset
    /// variables) join the config's problem list, without starting anything. A disabled adapter's
    /// section is not read: its `${…}` variables and required keys stay silent, as
    /// docs/configuration.md promises (enable it to have it checked). A section no plugin claims
    /// is an unknown adapter.
    public static func check(_ config: GatehouseConfig, plugins: [AdapterPlugin] = AdapterRegistry.plugins) {
        let known = plugins.map(\.name)
        for (name, section) in config.adapterSections.sorted(by: { $0.key < $1.key }) where !known.contains(name) {
            let hint = ConfigKeySuggestion.closest(to: name, among: Set(known)).map { "; did you mean \($0)?" } ?? ""
            section.report("unknown adapter (known: \(known.joined(separator: ", ")))\(hint)")
        }
        var read: [String: any Sendable] = [:]
        for plugin in plugins where config.enabledAdapters.contains(plugin.name) {
            guard let section = config.adapterSection(plugin.name) else { continue }
            read[plugin.name] = plugin.check(section, config)
            section.finish()
        }
        crossCheck(read, config)
    }

    /// The adapters to run, in the registry's order.
    public static func adapters(
        for config: GatehouseConfig, plugins: [AdapterPlugin] = AdapterRegistry.plugins, logger: Logger
    ) throws -> [any GatehouseAdapter] {
        let known = Set(plugins.map(\.name))
        for name in config.enabledAdapters where !known.contains(name) {
            logger.warning("adapter \(name) is enabled in the config but not part of this build")
        }
        return plugins.compactMap { plugin in
            guard config.enabledAdapters.contains(plugin.name), let section = config.adapterSection(plugin.name) else { return nil }
            return plugin.make(section)
        }
    }

    // MARK: checks that span two adapters

    /// The only place that knows two vendors at once: FIAS key requests are served by OZLocks.
    static func crossCheck(_ read: [String: any Sendable], _ config: GatehouseConfig) {
        guard let fias = read["fias"] as? FIASSettings, let section = config.adapterSection("fias"),
              let ozlocks = read["ozlocks"] as? OZLocksSettings else { return }
        checkEncoders(fias, section, served: ozlocks.encoders)
        checkEncodingBudget(fias, section, encoderTimeout: ozlocks.encoderTimeout)
    }

    /// The lock system's encoders the FIAS tables name must be ones the OZLocks adapter serves,
    /// when it runs here with an explicit list: otherwise every key request for them gets no-handler.
    static func checkEncoders(_ settings: FIASSettings, _ section: ConfigSection, served: [String]) {
        guard !served.isEmpty else { return }
        for (kc, encoder) in settings.encoders.sorted(by: { $0.key < $1.key }) where !served.contains(encoder) {
            section.report(
                "KC \(kc) maps to encoder '\(encoder)', which adapters.ozlocks.encoders does not list", key: "encoders", severity: .warning)
        }
    }

    /// A KR waits for a card to be cut: FIAS's answer budget must outlast the encoder's, or the PMS
    /// hears "outcome unknown" while the clerk is still putting the card on the encoder.
    static func checkEncodingBudget(_ settings: FIASSettings, _ section: ConfigSection, encoderTimeout: Duration) {
        if settings.requestWait <= encoderTimeout + .seconds(2) {
            section.report(
                "must be longer than adapters.ozlocks.encoderTimeout + 3.5 s (\(encoderTimeout + .milliseconds(3500))): a guest's card needs that long on the encoder",
                key: "answerTimeout")
        }
    }
}
