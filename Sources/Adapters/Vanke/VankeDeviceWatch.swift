import Foundation

/// Device health as the standard asks (接收异常信息: check every device's connection, 5 minutes
/// by default): a device offline for longer than the interval raises its abnormal code once;
/// a loop occupied for too long raises 1401 once per occupation. Both marks are kept in the
/// store, so a restart neither forgets an outage or an occupation nor raises either twice.
actor VankeDeviceWatch {
    struct Mark: Codable, Equatable {
        var offlineSince: Date
        var raised: Bool
    }

    /// A loop's occupation: since when, and whether 1401 went out for it.
    struct LoopMark: Codable, Equatable {
        var since: Date
        var raised: Bool
    }

    private let settings: VankeSettings
    private var offline: [String: Mark] = [:]
    private var loops: [String: LoopMark] = [:]

    init(settings: VankeSettings, marks: [String: Mark], loops: [String: LoopMark] = [:]) {
        self.settings = settings
        offline = marks
        self.loops = loops
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

    /// Returns the occupation to store, or nil to forget the gate's: the loop emptied. The retained
    /// state heard again after a restart continues the stored occupation, unless its `since` says
    /// the loop was occupied anew meanwhile.
    func loop(_ gate: String, occupied: Bool, since: Date?, now: Date) -> LoopMark? {
        guard occupied else {
            loops[gate] = nil
            return nil
        }
        if let known = loops[gate], let since, abs(known.since.timeIntervalSince(since)) > 1 { loops[gate] = nil }
        let mark = loops[gate] ?? LoopMark(since: since ?? now, raised: false)
        loops[gate] = mark
        return mark
    }

    /// The alarms due now, each raised once; `marks` and `loopMarks` are the marks to store.
    func due(now: Date) -> (jobs: [VankePushJob], marks: [String: Mark], loopMarks: [String: LoopMark]) {
        var jobs: [VankePushJob] = []
        var marks: [String: Mark] = [:]
        var loopMarks: [String: LoopMark] = [:]
        for (deviceNo, mark) in offline.sorted(by: { $0.key < $1.key })
        where !mark.raised && now.timeIntervalSince(mark.offlineSince) > settings.deviceCheckInterval.timeInterval {
            let device = settings.device(deviceNo)
            jobs.append(
                VankePushJob(
                    kind: .abnormal, deviceNo: deviceNo, abnormalCode: VankeAlarmText.offlineCode(device),
                    message: VankeAlarmText.offline(deviceNo, device)))
            offline[deviceNo]?.raised = true
            marks[deviceNo] = offline[deviceNo]
        }
        for (gate, loop) in loops.sorted(by: { $0.key < $1.key })
        where !loop.raised && now.timeIntervalSince(loop.since) > settings.loopAlarmAfter.timeInterval {
            jobs.append(
                VankePushJob(
                    kind: .abnormal, deviceNo: gate, abnormalCode: VankeAlarmText.loopTooLong,
                    message: VankeAlarmText.loop(gate, settings.device(gate))))
            loops[gate]?.raised = true
            loopMarks[gate] = loops[gate]
        }
        return (jobs, marks, loopMarks)
    }
}
