import Bridge
import FIAS
import Logging
import OFD
import OZLocks
import Vanke

/// Builds the adapters the config enables. Each vendor folder adds its adapter here as it lands.
public enum AdapterCatalog {
    /// Reads every enabled adapter's section so its problems (unknown keys, wrong types, unset
    /// variables) join the config's problem list, without starting anything. A disabled adapter's
    /// section is not read: its `${…}` variables and required keys stay silent, as
    /// docs/configuration.md promises (enable it to have it checked).
    public static func check(_ config: GatehouseConfig) {
        // Read first in `knownAdapters`' order; FIAS's budget is checked against it.
        var ozlocks: OZLocksSettings?
        for name in GatehouseConfig.knownAdapters where config.enabledAdapters.contains(name) {
            guard let section = config.adapterSection(name) else { continue }
            switch name {
            case "ozlocks":
                let settings = OZLocksSettings(section: section)
                ozlocks = settings
                checkOrder(settings, section, handler: config.requests.handlerTimeout)
            case "fias":
                let settings = FIASSettings(section: section)
                checkOrder(settings, section, handler: config.requests.handlerTimeout)
                checkEncoders(settings, section, config: config)
                if let ozlocks { checkEncodingBudget(settings, section, encoderTimeout: ozlocks.encoderTimeout) }
            case "ofd": _ = OFDSettings(section: section)
            case "vanke":
                let settings = VankeSettings(section: section)
                // base64 grows a picture by 4/3; the rest of the recognition is far below 64 KiB.
                if settings.maxImageBytes / 3 * 4 + 65_536 > config.mqtt.maxPacketSize {
                    section.report(
                        "a picture of \(settings.maxImageBytes) bytes does not fit mqtt.maxPacketSize (\(config.mqtt.maxPacketSize)) as base64",
                        key: "maxImageBytes", severity: .warning)
                }
            default: continue
            }
            section.finish()
        }
    }

    /// The lock system's encoders the FIAS tables name must be ones the OZLocks adapter serves,
    /// when it runs here with an explicit list: otherwise every key request for them gets no-handler.
    static func checkEncoders(_ settings: FIASSettings, _ section: ConfigSection, config: GatehouseConfig) {
        guard config.enabledAdapters.contains("ozlocks"), let ozlocks = config.adapterSection("ozlocks") else { return }
        let served = Set(ozlocks.stringList("encoders"))
        guard !served.isEmpty else { return }
        for (kc, encoder) in settings.encoders.sorted(by: { $0.key < $1.key }) where !served.contains(encoder) {
            section.report(
                "KC \(kc) maps to encoder '\(encoder)', which adapters.ozlocks.encoders does not list", key: "encoders", severity: .warning)
        }
    }

    /// Timeouts in order: vendor call < `requests.handlerTimeout` < the answer budget of whoever
    /// waits. Otherwise a requester gives up while the vendor still acts (the lock server cuts the
    /// card after FIAS answered), and a retry cuts a second valid card.
    static func checkOrder(_ settings: OZLocksSettings, _ section: ConfigSection, handler: Duration) {
        if settings.timeout >= handler {
            section.report(
                "must be shorter than requests.handlerTimeout (\(handler)): a lock-server call still running when its handler gives up has an unknown outcome",
                key: "timeout")
        }
        if let facade = settings.facade, facade.timeout <= max(handler, settings.encoderRequestTimeout) {
            section.section("facade").report(
                "must be longer than requests.handlerTimeout (\(handler)) and encoderTimeout + 2 s (\(settings.encoderRequestTimeout)), so the facade hears the handler's own answer",
                key: "timeout")
        }
        if settings.encoderTimeout < settings.timeout {
            section.report("must not be shorter than timeout (\(settings.timeout)): encoder calls wait for a card", key: "encoderTimeout")
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

    static func checkOrder(_ settings: FIASSettings, _ section: ConfigSection, handler: Duration) {
        if settings.requestWait <= handler {
            section.report(
                "must be longer than requests.handlerTimeout (\(handler)) + 1.5 s (the time FIAS keeps to send its answer), so the PMS hears the handler's own answer",
                key: "answerTimeout")
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
