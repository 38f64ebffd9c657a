import Bridge

extension FIASAdapter {
    /// `adapters.fias` in the registry.
    public static let plugin = AdapterPlugin(
        name: "fias", summary: "FIAS: the hotel PMS's socket protocol (key requests, room events)", contract: "Hotel: locks and encoders",
        settings: FIASSettings.init(section:),
        check: { settings, section, config in checkOrder(settings, section, handler: config.requests.handlerTimeout) },
        make: { FIASAdapter(settings: $0) })

    static func checkOrder(_ settings: FIASSettings, _ section: ConfigSection, handler: Duration) {
        if settings.requestWait <= handler {
            section.report(
                "must be longer than requests.handlerTimeout (\(handler)) + 1.5 s (the time FIAS keeps to send its answer), so the PMS hears the handler's own answer",
                key: "answerTimeout")
        }
    }
}
