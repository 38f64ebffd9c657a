import Foundation

/// Device health as the standard asks (接收异常信息: check every device's connection, 5 minutes
/// by default): a device offline for longer than the interval raises its abnormal code once;
/// a loop occupied for too long raises 1401 once per occupation. The offline marks are kept in
/// the store, so a restart neither forgets an outage nor raises it twice.
actor VankeDeviceWatch {
    struct Mark: Codable, Equatable {
        var offlineSince: Date
        var raised: Bool
    }

    private let settings: VankeSettings
    private var offline: [String: Mark] = [:]
    private var loops: [String: (since: Date, raised: Bool)] = [:]

    init(settings: VankeSettings, marks: [String: Mark]) {
        self.settings = settings
        offline = marks
    }

    /// Returns the mark to store, or nil to forget the device's mark.
    func availability(_ deviceNo: String, online: Bool, now: Date) -> Mark? {
        if online {
            offline[deviceNo] = nil
            return nil
        }
        let mark = offline[deviceNo] ?? Mark(offlineSince: now, raised: false)
        offline[deviceNo] = mark
        return mark
    }

    func loop(_ gate: String, occupied: Bool, since: Date) {
        if occupied {
            if loops[gate] == nil { loops[gate] = (since, false) }
        } else {
            loops[gate] = nil
        }
    }

    /// The alarms due now, each raised once; `marks` are the offline marks to store.
    func due(now: Date) -> (jobs: [VankePushJob], marks: [String: Mark]) {
        var jobs: [VankePushJob] = []
        var marks: [String: Mark] = [:]
        for (deviceNo, mark) in offline.sorted(by: { $0.key < $1.key })
        where !mark.raised && now.timeIntervalSince(mark.offlineSince) > settings.deviceCheckInterval.timeInterval {
            let device = settings.device(deviceNo)
            jobs.append(
                VankePushJob(
                    kind: .abnormal, deviceNo: deviceNo, abnormalCode: device.kind.abnormalCode,
                    message: "\(Self.lane(device))的\(device.kind.chineseName)【\(deviceNo)】连接异常！"))
            offline[deviceNo]?.raised = true
            marks[deviceNo] = offline[deviceNo]
        }
        for (gate, loop) in loops.sorted(by: { $0.key < $1.key })
        where !loop.raised && now.timeIntervalSince(loop.since) > settings.loopAlarmAfter.timeInterval {
            jobs.append(
                VankePushJob(
                    kind: .abnormal, deviceNo: gate, abnormalCode: "1401",
                    message: "\(Self.lane(settings.device(gate)))车辆压线圈过长！"))
            loops[gate]?.raised = true
        }
        return (jobs, marks)
    }

    /// The template's "**门**道", e.g. 东二门01道; the device number when no lane is configured.
    static func lane(_ device: VankeSettings.Device) -> String {
        device.lane.isEmpty ? device.deviceNo : device.lane
    }
}
