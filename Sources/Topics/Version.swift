public enum GatehouseVersion {
    public static let string = "0.1.0"
    /// The project's home, shown by Home Assistant as the support link of every device.
    public static let supportURL = "https://github.com/gatehouse-bridge/gatehouse"
}
