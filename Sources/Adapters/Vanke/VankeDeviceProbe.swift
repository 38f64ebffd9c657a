import Bridge
import NIOCore
import NIOPosix

/// The active half of the device check (spec: 定时（暂定 5 分钟）检测各个硬件设备的连接情况): a
/// device that publishes no availability with a Last Will (a barrier controller, a display
/// behind a serial server) is given an `address`, and a TCP connection to it is tried every
/// `deviceCheckInterval`. What it finds feeds the same offline marks as a Last Will, so an outage
/// raises the device's code once, after the interval, and survives a restart.
struct VankeDeviceProbe: Sendable {
    let devices: [(deviceNo: String, address: ConfigHostPort)]
    /// One attempt: a device that does not accept within this is unreachable.
    let timeout: Duration

    init(settings: VankeSettings) {
        devices = settings.devices.compactMap { device in device.address.map { (device.deviceNo, $0) } }
        timeout = min(settings.deviceCheckInterval / 2, .seconds(5))
    }

    /// Tries every device once, all at once; the answer per device number.
    func check() async -> [(deviceNo: String, reachable: Bool)] {
        await withTaskGroup(of: (String, Bool).self) { group in
            for (deviceNo, address) in devices {
                group.addTask { (deviceNo, await Self.accepts(address, within: timeout)) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }

    static func accepts(_ address: ConfigHostPort, within timeout: Duration) async -> Bool {
        let milliseconds = Int64(timeout.components.seconds) * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(max(milliseconds, 1)))
        do {
            let channel = try await bootstrap.connect(host: address.host, port: address.port).get()
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }
}
