import Bridge

extension OZLocksAdapter {
    /// `adapters.ozlocks` in the registry.
    public static let plugin = AdapterPlugin(
        name: "ozlocks", summary: "OZLocks Web-API: locks, encoders, the facade for PMS clients", contract: "Hotel: locks and encoders",
        settings: OZLocksSettings.init(section:),
        check: { settings, section, config in checkOrder(settings, section, handler: config.requests.handlerTimeout) },
        make: { OZLocksAdapter(settings: $0) })

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
}
