import Bridge
import Foundation
import Logging
import Topics

/// What field devices publish for the lot, turned into stored pushes and gate knowledge. Every
/// event is in the bridge's intake before the broker hears it arrived (`BridgeContext.consume`),
/// and leaves it in the transaction that puts its push in the outbox, so a crash at any point
/// loses nothing; a redelivered recognition or crossing is recognised by its uuid.
/// Bad payloads are refused with a log line naming the field (it reaches `bridge/log`).
struct VankeIntake: Sendable {
    let context: BridgeContext
    let settings: VankeSettings
    let gates: VankeGates
    let watch: VankeDeviceWatch
    let pusher: VankePusher
    let imageBaseURL: String
    let logger: Logger
    /// Made once: a calendar per event would sit on the hot path.
    let clock: VankeTime

    var topics: ParkingTopics { context.topics.parking(settings.parkingLotId) }

    func subscribe() {
        // Events keep their retain flag, so a retained one is refused also when it arrives live.
        context.consume(topics.recognitionFilter, retainAsPublished: true) { await recognition($0) }
        context.consume(topics.crossingFilter, retainAsPublished: true) { await crossing($0) }
        context.consume(topics.loopFilter) { await loop($0.message); return .settled }
        context.consume(topics.placeFilter) { await place($0.message); return .settled }
        context.consume(topics.deviceAvailabilityFilter) { await availability($0.message); return .settled }
        context.consume(topics.deviceAlarmFilter, retainAsPublished: true) { await alarm($0) }
    }

    // MARK: gates

    func recognition(_ stored: IntakeEvent) async -> IntakeDisposition {
        let message = stored.message
        if let size = message.oversize {
            tooLarge(message, size: size)
            return .settled
        }
        guard let gate = level(message, fromEnd: 1), let fields = event(GateRecognition.self, message) else { return .settled }
        do {
            try check(uuid: fields.uuid)
            // A redelivery must not change what the gate knows, nor end the original's re-send.
            var redelivered = await gates.latest(gate)?.uuid == fields.uuid
            if !redelivered { redelivered = await alreadyTaken("vanke.recognition:\(fields.uuid)") }
            if redelivered {
                logger.info("recognition \(fields.uuid) at gate \(gate) arrived again: already taken")
                return .settled
            }
            if let reliability = fields.reliability, !(0...100).contains(reliability) {
                throw GatehouseError.invalidRequest(field: "reliability", problem: "expected a percentage 0–100, got \(reliability)")
            }
            let at = try time(fields.recognizedAt, field: "recognizedAt")
            let given = fields.imageUrl.flatMap { $0.isEmpty ? nil : $0 }
            // No picture at all: a stored "no picture" JPEG, never `image: ""` (see VankeNoPicture).
            var image: (id: String, data: Data)?
            if given == nil { image = (UUID().uuidString.lowercased(), try fields.image.map(decodePicture) ?? VankeNoPicture.jpeg) }
            let url = given ?? image.map { "\(imageBaseURL)/images/\($0.id).jpg" } ?? ""
            let job = VankePushJob(
                kind: .recognition, deviceNo: gate, uuid: fields.uuid, plate: fields.plate,
                color: (fields.color ?? .other).rawValue, at: clock.format(at), image: url, reliability: fields.reliability)
            let current = VankeGates.Recognition(uuid: fields.uuid, plate: fields.plate)
            let superseded = await gates.recognized(gate, current)
            var arrival = VankePusher.Arrival(stream: VankeStreams.gate, key: gate, job: job, drop: superseded)
            arrival.intake = (stored.id, claim: "vanke.recognition:\(fields.uuid)")
            arrival.image = image
            arrival.latest = (gate, current)
            if await gates.mode(gate) == .alwaysOpen {
                let pusher = pusher
                let decision = GateDecision(uuid: fields.uuid, open: true, by: .alwaysOpen)
                arrival.afterCommit = { pusher.publishDecision(gate, decision) }
            }
            pusher.store(arrival)
            return .handedOn
        } catch {
            refuse(message, error)
            return .settled
        }
    }

    func crossing(_ stored: IntakeEvent) async -> IntakeDisposition {
        let message = stored.message
        guard let gate = level(message, fromEnd: 1), let fields = event(GateCrossing.self, message) else { return .settled }
        do {
            try check(uuid: fields.uuid)
            let at = try time(fields.crossedAt, field: "crossedAt")
            if await alreadyTaken("vanke.crossing:\(fields.uuid)") {
                logger.info("crossing \(fields.uuid) at gate \(gate) arrived again: already taken")
                return .settled
            }
            let job = VankePushJob(
                kind: .crossing, deviceNo: gate, uuid: fields.uuid, plate: fields.plate,
                color: (fields.color ?? .other).rawValue, at: clock.format(at))
            let superseded = await gates.crossed(gate)
            var arrival = VankePusher.Arrival(stream: VankeStreams.gate, key: gate, job: job, drop: superseded, latest: (gate, nil))
            arrival.intake = (stored.id, claim: "vanke.crossing:\(fields.uuid)")
            pusher.store(arrival)
            return .handedOn
        } catch {
            refuse(message, error)
            return .settled
        }
    }

    func loop(_ message: MQTTMessage) async {
        guard let gate = level(message, fromEnd: 1), !message.payload.isEmpty else { return }
        do {
            let fields = try RequestDecoder.decode(GateLoop.self, from: message.payload)
            let since = try fields.since.map { try time($0, field: "since") }
            let occupation = await watch.loop(gate, occupied: fields.occupied, since: since, now: Date())
            try await storeMark(occupation, key: "loop.\(gate)")
            if let superseded = await gates.loop(gate, occupied: fields.occupied) { pusher.drop(superseded) }
            // The stored plate goes with the vehicle, or a restart would bring it back; in the
            // pusher's writer, so it follows the recognition's own transaction.
            if !fields.occupied { pusher.forgetLatest(gate) }
        } catch {
            refuse(message, error)
        }
    }

    // MARK: places and devices

    func place(_ message: MQTTMessage) async {
        guard let place = level(message, fromEnd: 0) else { return }
        do {
            guard !message.payload.isEmpty else {
                try await context.store.cursors.remove(adapter: "vanke", key: "place.\(place)")
                await context.homeAssistant.remove(kind: "place", id: place)
                return
            }
            let fields = try RequestDecoder.decode(PlaceState.self, from: message.payload)
            try await context.store.cursors.set(adapter: "vanke", key: "place.\(place)", value: JSONEncoder().encode(fields))
            await context.homeAssistant.add(VankeAdapter.placeDevice(place, lot: topics))
        } catch {
            refuse(message, error)
        }
    }

    func availability(_ message: MQTTMessage) async {
        guard let device = level(message, fromEnd: 1), !message.payload.isEmpty else { return }
        do {
            let fields = try RequestDecoder.decode(BridgeState.self, from: message.payload)
            try await deviceState(device, online: fields.state == .online)
        } catch {
            refuse(message, error)
        }
    }

    /// A device's connection as its availability (Last Will) or an active check says.
    func deviceState(_ device: String, online: Bool) async throws {
        if settings.device(device) == nil {
            logger.warning("device \(device) is not in adapters.vanke.devices: its alarms name it as unregistered (1402)")
        }
        try await storeMark(await watch.availability(device, online: online, now: Date()), key: "device.\(device)")
    }

    /// One round of active checks; an unreachable device is marked offline like a Last Will.
    func probeDevices(_ probe: VankeDeviceProbe) async {
        for (device, reachable) in await probe.check() {
            do {
                try await deviceState(device, online: reachable)
            } catch {
                logger.error("cannot store the connection state of device \(device): \(error)")
            }
        }
    }

    /// Keeps a watch mark in the store, or forgets it (nil).
    private func storeMark<Mark: Encodable>(_ mark: Mark?, key: String) async throws {
        if let mark {
            try await context.store.cursors.set(adapter: "vanke", key: key, value: JSONEncoder().encode(mark))
        } else {
            try await context.store.cursors.remove(adapter: "vanke", key: key)
        }
    }

    /// Alarms carry no uuid: a redelivery (the PUBACK was lost with the connection) is pushed again.
    func alarm(_ stored: IntakeEvent) async -> IntakeDisposition {
        let message = stored.message
        guard let device = level(message, fromEnd: 1), let fields = event(DeviceAlarm.self, message) else { return .settled }
        do {
            guard fields.code.count == 4, fields.code.allSatisfy(\.isASCII), Int(fields.code) != nil else {
                throw GatehouseError.invalidRequest(field: "code", problem: "expected a 4-digit abnormal code such as 1401")
            }
            let text = fields.message.flatMap { $0.isEmpty ? nil : $0 }
                ?? VankeAlarmText.field(code: fields.code, device, settings.device(device))
            let job = VankePushJob(kind: .abnormal, deviceNo: device, abnormalCode: fields.code, message: text)
            var arrival = VankePusher.Arrival(stream: VankeStreams.abnormal, key: device, job: job)
            arrival.intake = (stored.id, claim: nil)
            pusher.store(arrival)
            return .handedOn
        } catch {
            refuse(message, error)
            return .settled
        }
    }

    /// The watch's periodic alarms (device offline too long, loop occupied too long).
    func raiseDue() async {
        let (jobs, marks, loopMarks) = await watch.due(now: Date())
        do {
            for (device, mark) in marks { try await storeMark(mark, key: "device.\(device)") }
            for (gate, mark) in loopMarks { try await storeMark(mark, key: "loop.\(gate)") }
            for job in jobs {
                logger.warning("abnormal \(job.abnormalCode ?? "?"): \(job.message ?? "")")
                enqueueAbnormal(job)
            }
        } catch {
            logger.error("cannot store a device alarm: \(error)")
        }
    }

    func enqueueAbnormal(_ job: VankePushJob) {
        pusher.store(VankePusher.Arrival(stream: VankeStreams.abnormal, key: job.deviceNo ?? "-", job: job))
    }

    // MARK: helpers

    /// The decoded id `fromEnd` levels before the last (0: the last level itself).
    private func level(_ message: MQTTMessage, fromEnd: Int) -> String? {
        let levels = message.topic.split(separator: "/", omittingEmptySubsequences: false)
        guard levels.count > fromEnd else { return nil }
        return TopicID.decode(String(levels[levels.count - 1 - fromEnd]))
    }

    /// An event payload, or nil (logged) when it is retained, empty or malformed. A retained event
    /// would be pushed again on every reconnect, so it is refused like a retained command.
    private func event<T: Decodable>(_ type: T.Type, _ message: MQTTMessage) -> T? {
        if let size = message.oversize {
            logger.warning("refused \(message.topic): \(size) bytes, over mqtt.maxPacketSize")
            return nil
        }
        guard !message.payload.isEmpty else { return nil }
        if message.retain {
            logger.warning("refused a retained event on \(message.topic): events are never replayed")
            return nil
        }
        do {
            return try RequestDecoder.decode(type, from: message.payload)
        } catch {
            refuse(message, error)
            return nil
        }
    }

    /// The event was taken before (a broker redelivery); a store that cannot say counts as no.
    private func alreadyTaken(_ key: String) async -> Bool {
        (try? await context.store.intake.isClaimed(key)) ?? false
    }

    /// A recognition too large to take: the barrier's side hears `open: false` rather than nothing
    /// (it can name the recognition only when its uuid was found in the bytes).
    private func tooLarge(_ message: MQTTMessage, size: Int) {
        let reason = "too-large: \(size) bytes, over mqtt.maxPacketSize (publish imageUrl instead of the picture)"
        guard let gate = level(message, fromEnd: 1), let uuid = (try? JSONValue.parse(message.payload))?["uuid"]?.stringValue
        else {
            logger.warning("refused \(message.topic): \(reason); no uuid found, so no decision")
            return
        }
        logger.warning("refused recognition \(uuid) at gate \(gate): \(reason)")
        pusher.publishDecision(gate, GateDecision(uuid: uuid, open: false, by: .bridge, reason: reason))
    }

    private func refuse(_ message: MQTTMessage, _ error: any Error) {
        let text = (error as? GatehouseError)?.message ?? "\(error)"
        logger.warning("refused \(message.topic): \(text)")
    }

    private func check(uuid: String) throws {
        guard !uuid.isEmpty, uuid.count <= 64 else {
            throw GatehouseError.invalidRequest(field: "uuid", problem: "expected 1–64 characters")
        }
    }

    private func time(_ text: String?, field: String) throws -> Date {
        guard let text else { return Date() }
        guard let date = Timestamp.parseRFC3339(text) else {
            throw GatehouseError.invalidRequest(field: field, problem: "expected an RFC 3339 time, got \"\(text)\"")
        }
        return date
    }

    private func decodePicture(_ base64: String) throws -> Data {
        guard let data = Data(base64Encoded: base64, options: .ignoreUnknownCharacters) else {
            throw GatehouseError.invalidRequest(field: "image", problem: "not base64")
        }
        guard data.count <= settings.maxImageBytes else {
            throw GatehouseError.invalidRequest(field: "image", problem: "\(data.count) bytes, over the \(settings.maxImageBytes)-byte limit")
        }
        guard data.starts(with: [0xFF, 0xD8, 0xFF]) else {
            throw GatehouseError.invalidRequest(field: "image", problem: "not a JPEG picture")
        }
        return data
    }
}
