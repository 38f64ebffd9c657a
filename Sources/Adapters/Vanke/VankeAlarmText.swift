/// The spec's abnormal codes and message templates (异常报警编号), e.g.
/// `东二门01道的显示屏【DWWE10232】连接异常！`. The list is "包括但不限于" (not exhaustive); Gatehouse
/// adds 1402 in the 14xx "other" class for a device of another kind, or one it does not know,
/// that lost its connection: 1401 means a vehicle on the loop too long, never a device.
enum VankeAlarmText {
    static let loopTooLong = "1401"
    static let otherDeviceOffline = "1402"

    /// The offline code for a device (nil: not in `devices`).
    static func offlineCode(_ device: VankeSettings.Device?) -> String {
        device?.kind.abnormalCode ?? otherDeviceOffline
    }

    /// `**门**道的<kind>【<device>】连接异常！`; a device not in `devices` is named as such.
    static func offline(_ deviceNo: String, _ device: VankeSettings.Device?) -> String {
        guard let device else { return "未登记的设备【\(deviceNo)】连接异常！" }
        return "\(lane(device))的\(device.kind.chineseName)【\(deviceNo)】连接异常！"
    }

    /// `**门**道车辆压线圈过长！`
    static func loop(_ gate: String, _ device: VankeSettings.Device?) -> String {
        "\(device.map(lane) ?? gate)车辆压线圈过长！"
    }

    /// A field device's own alarm without a message: the template of its code where the spec has
    /// one (1101/1201/1301 connection, 1401 loop), otherwise the device and the code.
    static func field(code: String, _ deviceNo: String, _ device: VankeSettings.Device?) -> String {
        if code == loopTooLong { return loop(deviceNo, device) }
        if let kind = VankeSettings.DeviceKind.allCases.first(where: { $0.abnormalCode == code }) {
            let named = device ?? VankeSettings.Device(deviceNo: deviceNo, kind: kind, lane: "")
            return "\(lane(named))的\(kind.chineseName)【\(deviceNo)】连接异常！"
        }
        let place = device.map { "\(lane($0))的\($0.kind.chineseName)" } ?? "设备"
        return "\(place)【\(deviceNo)】报警（\(code)）"
    }

    /// The template's "**门**道", e.g. 东二门01道; the device number when no lane is configured.
    static func lane(_ device: VankeSettings.Device) -> String {
        device.lane.isEmpty ? device.deviceNo : device.lane
    }
}
