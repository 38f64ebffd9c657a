import Bridge

extension OFDAdapter {
    /// `adapters.ofd` in the registry.
    public static let plugin = AdapterPlugin(
        name: "ofd", summary: "OFD.ru partner API: cash registers, activation codes", contract: "Fiscal (OFD)",
        settings: OFDSettings.init(section:), make: { OFDAdapter(settings: $0) })
}
