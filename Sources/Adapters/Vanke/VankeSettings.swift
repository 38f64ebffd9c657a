import Bridge
import Foundation

/// The `adapters.vanke` section: Gatehouse as the parking supplier of one lot.
public struct VankeSettings: Sendable {
    /// What a field device is, which picks its abnormal code (spec 异常报警编号).
    public enum DeviceKind: String, Sendable, CaseIterable, Codable {
        case display, recognizer, barrier, other

        /// Its code when it loses its connection: 1101 viewer, 1201 sense, 1301 barrier; 1402 for
        /// any other kind (1401, the spec's "other", is a vehicle on the loop too long).
        var abnormalCode: String {
            switch self {
            case .display: "1101"
            case .recognizer: "1201"
            case .barrier: "1301"
            case .other: VankeAlarmText.otherDeviceOffline
            }
        }

        /// The device's name in the spec's message templates.
        var chineseName: String {
            switch self {
            case .display: "显示屏"
            case .recognizer: "车牌识别器"
            case .barrier: "栏杆机"
            case .other: "设备"
            }
        }
    }

    public struct Device: Sendable, Equatable {
        public var deviceNo: String
        public var kind: DeviceKind
        /// The lane as the templates name it, e.g. `东二门01道`.
        public var lane: String
        /// Where to check the device's connection (TCP connect every `deviceCheckInterval`), for a
        /// device that publishes no availability with a Last Will.
        public var address: ConfigHostPort?
        public init(deviceNo: String, kind: DeviceKind, lane: String, address: ConfigHostPort? = nil) {
            self.deviceNo = deviceNo
            self.kind = kind
            self.lane = lane
            self.address = address
        }
    }

    /// Where receivePlateNumber, receiveCrossGate and receiveAbnormal are POSTed.
    public var platformUrl = "http://127.0.0.1:8093"
    public var appId = ""
    public var appSecret = Secret("")
    public var parkingLotId = ""
    /// The supplier endpoints' listener.
    public var listener = ListenerSettings(listen: ConfigHostPort(host: "127.0.0.1", port: 8094))
    public var listen: ConfigHostPort {
        get { listener.listen }
        set { listener.listen = newValue }
    }
    /// One push attempt.
    public var timeout: Duration = .seconds(5)
    /// Consecutive failed attempts (network, timeout, unreadable answer) before a push is a failed record.
    public var retries = 5
    /// First retry delay; doubled per attempt up to `retryDelayMax`.
    public var retryDelay: Duration = .milliseconds(500)
    public var retryDelayMax: Duration = .seconds(10)
    /// How often a refused recognition is sent again while the vehicle waits.
    public var repollInterval: Duration = .seconds(2)
    /// How long a refused recognition is sent again at a gate whose loop never reported; with a
    /// loop it is sent until allowed or the vehicle leaves (spec: 直至同意放行).
    public var repollFor: Duration = .seconds(600)
    /// Incoming requests whose `time` is further from our clock are refused. The token signs only
    /// `time`, so a captured call can be replayed within this window: 60 s allows the drift of
    /// NTP-synchronised clocks with a wide margin and is a fifth of the 5 minutes it used to be.
    public var timeWindow: Duration = .seconds(60)
    /// A device offline for longer than this raises its abnormal code; devices with an `address`
    /// are checked this often (spec: 定时（暂定 5 分钟）检测各个硬件设备的连接情况).
    public var deviceCheckInterval: Duration = .seconds(300)
    /// A loop occupied for longer than this raises 1401.
    public var loopAlarmAfter: Duration = .seconds(30)
    /// Base of the picture URLs pushed to the platform; default `http://<http.listen>`.
    public var imageBaseUrl: String?
    /// The recognition must also fit `mqtt.maxPacketSize` (4 MiB by default: base64 grows a picture by 4/3).
    public var maxImageBytes = 2 << 20
    /// How long stored pictures are kept.
    public var imageRetention: Duration = .seconds(7 * 86_400)
    /// How long failed recognition and crossing pushes stay for `queryUnPush*`: an outage must not
    /// grow the store for ever.
    public var failedPushRetention: Duration = .seconds(30 * 86_400)
    /// Pushes in flight at once (one per gate at most: a gate's pushes stay in order).
    public var pushConcurrency = 64
    /// MQTT 5 Message Expiry of gate commands and decisions: a barrier that gets one later (the
    /// broker held it for a slow device) never acts on it.
    public var commandLifetime: Duration = .seconds(10)
    /// openMode 2 opens only for a recognition younger than this: the plate ends with the vehicle
    /// (an empty loop or a crossing end it sooner), also across restarts.
    public var plateMaxAge: Duration = .seconds(300)
    /// A recognition the platform refused, then could not be pushed for `retries` attempts (an
    /// outage): true releases the gate as the spec's rule reads (failed record → auto-release),
    /// false keeps it closed for a car the platform has just refused.
    public var releaseRefusedOnOutage = true
    public var devices: [Device] = []

    public init() {}

    public init(section: ConfigSection) {
        _ = section.bool("enabled", default: true)
        platformUrl = section.string("platformUrl", default: platformUrl)
        if URL(string: platformUrl)?.host == nil { section.report("expected an http:// or https:// URL", key: "platformUrl") }
        appId = section.requiredString("appId")
        appSecret = section.requiredSecret("appSecret")
        parkingLotId = section.requiredString("parkingLotId")
        listener = section.listener(default: listen)
        timeout = section.duration("timeout", default: timeout, range: .milliseconds(10)...(.seconds(120)))
        retries = section.int("retries", default: retries, range: 1...100)
        retryDelay = section.duration("retryDelay", default: retryDelay)
        retryDelayMax = section.duration("retryDelayMax", default: retryDelayMax)
        repollInterval = section.duration("repollInterval", default: repollInterval, range: .milliseconds(100)...(.seconds(3600)))
        repollFor = section.duration("repollFor", default: repollFor)
        timeWindow = section.duration("timeWindow", default: timeWindow, range: .seconds(5)...(.seconds(900)))
        deviceCheckInterval = section.duration("deviceCheckInterval", default: deviceCheckInterval)
        loopAlarmAfter = section.duration("loopAlarmAfter", default: loopAlarmAfter)
        imageBaseUrl = section.optionalString("imageBaseUrl")
        checkImageBase(section)
        maxImageBytes = section.int("maxImageBytes", default: maxImageBytes, range: 1024...(64 << 20))
        imageRetention = section.duration("imageRetention", default: imageRetention)
        failedPushRetention = section.duration("failedPushRetention", default: failedPushRetention, range: .seconds(3600)...(.seconds(3650 * 86_400)))
        pushConcurrency = section.int("pushConcurrency", default: pushConcurrency, range: 1...1024)
        commandLifetime = section.duration("commandLifetime", default: commandLifetime, range: .seconds(1)...(.seconds(3600)))
        plateMaxAge = section.duration("plateMaxAge", default: plateMaxAge, range: .seconds(5)...(.seconds(86_400)))
        releaseRefusedOnOutage = section.bool("releaseRefusedOnOutage", default: releaseRefusedOnOutage)
        devices = section.sectionList("devices").map { device in
            Device(
                deviceNo: device.requiredString("deviceNo"), kind: device.enumValue("kind", default: .other),
                lane: device.string("lane", default: ""), address: device.optionalHostPort("address"))
        }
    }

    /// The platform's staff open the pushed picture URLs in a browser ("在浏览器上直接查看"): a
    /// loopback address (the default, the bridge's own listener) opens nothing there, unless the
    /// platform runs on this host too (the demo, a simulator).
    private func checkImageBase(_ section: ConfigSection) {
        guard let platformHost = URL(string: platformUrl)?.host, !ConfigHostPort.isLoopback(platformHost) else { return }
        guard let base = imageBaseUrl else {
            section.report(
                "unset: pictures are pushed as http://<http.listen>/images/…, which the platform cannot open from its side; set the address it reaches the bridge at",
                key: "imageBaseUrl", severity: .warning)
            return
        }
        if let host = URL(string: base)?.host, ConfigHostPort.isLoopback(host) {
            section.report(
                "\(base) is a loopback address: the platform's browsers cannot open the pictures; set the address it reaches the bridge at",
                key: "imageBaseUrl", severity: .warning)
        }
    }

    /// The configured device; nil for one not in `devices`.
    func device(_ deviceNo: String) -> Device? {
        devices.first { $0.deviceNo == deviceNo }
    }

    /// Back-off before attempt `attempt + 1`.
    func backoff(_ attempt: Int) -> Duration {
        let factor = Double(1 << min(max(attempt - 1, 0), 20))
        return min(retryDelay * factor, retryDelayMax)
    }
}
