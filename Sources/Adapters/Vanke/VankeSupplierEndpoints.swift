import Bridge
import Foundation
import Logging
import Topics

/// The supplier endpoints the platform calls (供应商提供接口), after the signature was checked.
/// Each returns the answer's members besides respCode, or throws a refusal.
struct VankeSupplierEndpoints: Sendable {
    let context: BridgeContext
    let settings: VankeSettings
    let gates: VankeGates
    let pusher: VankePusher
    let logger: Logger
    /// Made once, not per request.
    let clock: VankeTime

    var topics: ParkingTopics { context.topics.parking(settings.parkingLotId) }
    var opener: VankeGateOpener {
        VankeGateOpener(
            context: context, gates: gates, pusher: pusher, lot: settings.parkingLotId, lifetime: settings.commandLifetime,
            plateMaxAge: settings.plateMaxAge)
    }
    var now: String { Timestamp.rfc3339(Date(), in: context.timeZone) }

    /// One handler per endpoint, as a router has one route per path; unknown paths are not here.
    typealias Handler = @Sendable (VankeSupplierEndpoints, VankeRequestFields) async throws -> [String: JSONValue]

    static let routes: [String: Handler] = [
        "receiveOpenGate": { try await $0.openGate($1) },
        "receiveShowMsg": { try await $0.showMessage($1) },
        "queryPlaceStatus": { try await $0.placeStatus($1) },
        "queryUnPushCrossInfo": { try await $0.unpushed($1, stream: VankeStreams.failedCrossings) },
        "queryUnPushRecognitionInfo": { try await $0.unpushed($1, stream: VankeStreams.failedRecognitions) },
        "checkConnect": { endpoints, _ in
            await endpoints.pusher.platformAnswered()
            return [:]
        },
        // The three "(忽略)" queries: known, signed like the rest, but not served.
        "queryInOutRecord": notSupported, "queryInOutPayRecord": notSupported, "queryPrePayRecord": notSupported,
    ]

    private static let notSupported: Handler = { _, _ in throw VankeRefusal("not supported") }

    /// openMode 0 always open, 1 restore one-car-one-lift (both retained modes); 2 normal (open when
    /// the plate matches the gate's latest recognition; an empty plate acts as force); 3 force.
    func openGate(_ fields: VankeRequestFields) async throws -> [String: JSONValue] {
        let gate = try fields.string("deviceNo")
        let plate = try fields.optionalString("plateNumber")?.trimmingCharacters(in: .whitespaces)
        let mode = try fields.string("openMode")
        let gateTopics = topics.gate(gate)
        switch mode {
        case "0", "1":
            // The barrier hears it as a command (`always-open` / `restore`, as the contract
            // defines) besides the retained mode; not sent at all when it could only arrive late.
            guard context.mqtt.isConnected else {
                throw VankeRefusal("broker unavailable: the mode cannot reach gate \(gate) now")
            }
            let next: GateMode.Mode = mode == "0" ? .alwaysOpen : .normal
            // Stored (and retained) before it takes effect: a restart in between keeps the mode.
            try await context.publishState(gateTopics.mode, GateMode(next))
            await gates.setMode(gate, next)
            let command = GateCommand(mode: next == .alwaysOpen ? .alwaysOpen : .restore, plate: nil, requestedAt: now)
            do {
                try context.publishCommand(gateTopics.command, payload: JSONCoding.encode(command), lifetime: settings.commandLifetime)
            } catch MQTTError.notConnected {
                throw VankeRefusal("broker unavailable: the mode is stored, the command did not reach gate \(gate)")
            }
        case "2" where plate?.isEmpty == false:
            _ = try await opener.open(gate, mode: .normal, plate: plate)
        case "2", "3":
            _ = try await opener.open(gate, mode: .force, plate: plate?.isEmpty == false ? plate : nil)
        default:
            throw VankeRefusal("field 'openMode': expected 0, 1, 2 or 3, got \"\(mode)\"")
        }
        return [:]
    }

    func showMessage(_ fields: VankeRequestFields) async throws -> [String: JSONValue] {
        let device = try fields.string("deviceNo")
        let lines = try VankeDisplayMessage.lines(fields.members["msg"])
        try await context.publishState(topics.display(device), DisplayContent(lines: lines, at: now))
        return [:]
    }

    /// From the places' last known states, ordered by placeNo.
    func placeStatus(_ fields: VankeRequestFields) async throws -> [String: JSONValue] {
        let (size, page) = try fields.paging()
        let wanted = try fields.optionalString("placeStatus")
        if let wanted, Self.wireStatus.values.contains(wanted) == false {
            throw VankeRefusal("field 'placeStatus': expected vacancy, occupy or unusual, got \"\(wanted)\"")
        }
        let placeNo = try fields.optionalString("placeNo")
        var rows: [JSONValue] = []
        for (key, value) in try await context.store.cursors.values(adapter: "vanke", prefix: "place.") {
            let number = String(key.dropFirst("place.".count))
            guard let state = try? JSONDecoder().decode(PlaceState.self, from: value) else { continue }
            let status = Self.wireStatus[state.status] ?? "unusual"
            if let wanted, wanted != status { continue }
            if let placeNo, placeNo != number { continue }
            var row: [String: JSONValue] = ["placeNo": .string(number), "placeStatus": .string(status)]
            if let plate = state.plate { row["plateNumber"] = .string(plate) }
            if let image = state.image { row["image"] = .string(image) }
            rows.append(.object(row))
        }
        return Self.page(rows, size: size, page: page)
    }

    /// Failed pushes received within [beginTime, endTime] (both included; endTime defaults to
    /// now), oldest first, so pages stay stable while new failures are appended.
    func unpushed(_ fields: VankeRequestFields, stream: String) async throws -> [String: JSONValue] {
        let (size, page) = try fields.paging()
        let begin = try fields.time("beginTime", clock)
        let end = try fields.optionalTime("endTime", clock) ?? Date()
        guard begin <= end else { throw VankeRefusal("field 'beginTime': after endTime") }
        // Whole seconds on the wire: include the whole end second.
        let through = end.addingTimeInterval(0.999)
        let outbox = context.store.outbox
        let total = try await outbox.deadLetterCount(stream: stream, from: begin, to: through)
        let letters = try await outbox.deadLetters(stream: stream, from: begin, to: through, limit: size, offset: (page - 1) * size)
        let rows: [JSONValue] = letters.compactMap { letter in
            guard let job = VankePushJob(stored: letter.payload) else { return nil }
            var row: [String: JSONValue] = [
                "uuid": .string(job.uuid ?? ""), "deviceNo": .string(job.deviceNo ?? ""),
                "plateNumber": .string(job.plate ?? ""), "color": .string(job.color ?? "other"),
            ]
            if job.kind == .crossing {
                row["crossTime"] = .string(job.at ?? "")
            } else {
                row["recognitionTime"] = .string(job.at ?? "")
                row["image"] = .string(job.image ?? "")
            }
            return .object(row)
        }
        return ["total": .int(Int64(total)), "pageSize": .int(Int64(size)), "currentPage": .int(Int64(page)), "data": .array(rows)]
    }

    static let wireStatus: [PlaceState.Status: String] = [.vacant: "vacancy", .occupied: "occupy", .abnormal: "unusual"]

    static func page(_ rows: [JSONValue], size: Int, page: Int) -> [String: JSONValue] {
        let start = min((page - 1) * size, rows.count)
        let slice = Array(rows[start..<min(start + size, rows.count)])
        return ["total": .int(Int64(rows.count)), "pageSize": .int(Int64(size)), "currentPage": .int(Int64(page)), "data": .array(slice)]
    }
}
