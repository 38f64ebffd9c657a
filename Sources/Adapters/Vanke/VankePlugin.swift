import Bridge

extension VankeAdapter {
    /// `adapters.vanke` in the registry.
    public static let plugin = AdapterPlugin(
        name: "vanke", summary: "Vanke parking standard V1.7: gates, places, devices, both ways over HTTP", contract: "Parking (`<lot>` = parkingLotId)",
        settings: VankeSettings.init(section:),
        check: { settings, section, config in
            // base64 grows a picture by 4/3; the rest of the recognition is far below 64 KiB.
            if settings.maxImageBytes / 3 * 4 + 65_536 > config.mqtt.maxPacketSize {
                section.report(
                    "a picture of \(settings.maxImageBytes) bytes does not fit mqtt.maxPacketSize (\(config.mqtt.maxPacketSize)) as base64",
                    key: "maxImageBytes", severity: .warning)
            }
        },
        make: { VankeAdapter(settings: $0) })
}
