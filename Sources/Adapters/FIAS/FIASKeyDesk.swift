import Bridge
import Foundation
import Logging
import Topics

/// Answers the PMS's key records by turning them into contract requests on the broker: whoever
/// serves the encoder (the OZLocks adapter, an MQTT-native encoder) cuts the card. The answer
/// always goes back before the PMS's own timeout — negative if it must, never silence.
struct FIASKeyDesk: Sendable {
    let context: BridgeContext
    let requests: RequestClient
    let settings: FIASSettings
    let time: FIASTime
    let logger: Logger
    /// Records without DA/TI: a repeat within `duplicateWindow` (sliding) is the same request.
    let duplicates: DuplicateWindow

    func answer(_ record: FIASRecord, problem: String? = nil) async -> FIASRecord? {
        if let problem {
            // Every record of a type the link announced gets an answer, a malformed one a refusal.
            guard ["KR", "KD", "KZ"].contains(record.type) || (record.type == "KM" && settings.keyModify) else { return nil }
            return answer(record, .failure("UR", "Bad record: \(problem)"), type: record.type == "KZ" ? "KZ" : "KA")
        }
        switch record.type {
        case "KR":
            // Only KT N cancels the room's earlier keys. A missing KT adds a key (it must never check
            // the other guests out by default); a KT this adapter does not know is refused.
            switch record["KT"] ?? "" {
            case "N": return await keyRequest(record, newIssue: true)
            case "D", "O", "": return await keyRequest(record, newIssue: false)
            case let other: return answer(record, .failure("UR", "Unknown key type KT\(other)"))
            }
        case "KM" where settings.keyModify: return await keyRequest(record, newIssue: false)
        case "KD": return await keyDelete(record)
        case "KZ": return await keyRead(record)
        default:
            logger.info("FIAS: ignoring a \(record.type) record (not a key record Gatehouse serves)")
            return nil
        }
    }

    // MARK: records

    private func keyRequest(_ record: FIASRecord, newIssue: Bool) async -> FIASRecord {
        let encoder = record["KC"] ?? ""
        guard let room = nonEmpty(record["RN"]) else { return answer(record, .failure("UR", "Missing room number (RN)")) }
        guard !encoder.isEmpty else { return answer(record, .failure("UR", "Missing encoder (KC)")) }
        // One KA carries one `$2`: several keys come as one KR each (KT N, then KT D…), so a K#
        // above 1 is refused rather than answered OK for a single card.
        if let count = record["K#"], !count.isEmpty, count != "1" {
            return answer(record, .failure("UR", count.allSatisfy(\.isASCII) && Int(count).map { $0 > 1 } == true
                ? "K#\(count): send one KR per key" : "Bad number of keys K#\(count)"))
        }
        guard let departureDate = nonEmpty(record["GD"]),
            let checkOut = time.parse(date: departureDate, time: nonEmpty(record["DT"]) ?? settings.defaultCheckOutTime)
        else { return answer(record, .failure("UR", "Missing or bad departure (GD/DT)")) }
        var checkIn = Date()
        if let arrival = nonEmpty(record["GA"]), let day = time.parse(date: arrival), !time.isToday(day), day < checkOut {
            checkIn = day
        }
        // G#, the PMS's guest/reservation number, is the lock system's guest id when it is a number:
        // a KT D for the same G# then adds a card to that guest instead of creating another one.
        let guest = nonEmpty(record["G#"]).flatMap { $0.allSatisfy({ $0.isASCII && $0.isNumber }) ? Int($0) : nil }
        // KO is positional (zone n allowed when character n is 1): passed on as the allowed zone numbers.
        let zones = nonEmpty(record["KO"]).map { $0.enumerated().filter { $0.element == "1" }.map { String($0.offset + 1) } }
        let request = IssueCardRequest(
            room: room, checkIn: checkIn, checkOut: checkOut, guestName: record["GN"] ?? "", guestId: guest, newIssue: newIssue,
            workstation: settings.workstation(forWS: record["WS"] ?? ""), zones: zones)
        let outcome = await call(
            context.topics.encoder(settings.encoder(forKC: encoder)).request("issue-card"), request,
            transaction: await transaction(record), record: record)
        return answer(record, outcome, uid: outcome.result(IssueCardResult.self)?.cardUid)
    }

    private func keyDelete(_ record: FIASRecord) async -> FIASRecord {
        guard let room = nonEmpty(record["RN"]) else { return answer(record, .failure("UR", "Missing room number (RN)")) }
        let request = CheckOutRequest(
            encoder: nonEmpty(record["KC"]).map(settings.encoder(forKC:)), workstation: settings.workstation(forWS: record["WS"] ?? ""))
        let outcome = await call(context.topics.lock(room).request("check-out"), request, transaction: await transaction(record), record: record)
        return answer(record, outcome)
    }

    private func keyRead(_ record: FIASRecord) async -> FIASRecord {
        guard let encoder = nonEmpty(record["KC"]) else { return answer(record, .failure("UR", "Missing encoder (KC)"), type: "KZ") }
        let outcome = await call(
            context.topics.encoder(settings.encoder(forKC: encoder)).request("read-card"),
            WorkstationRequest(workstation: settings.workstation(forWS: record["WS"] ?? "")), transaction: nil, record: record)
        let card = outcome.result(ReadCardResult.self)
        // A card that carries no room is blank: said so, not an OK with empty fields.
        if outcome.status == "OK", card?.room?.isEmpty ?? true {
            return answer(record, .failure("UR", "Blank card"), type: "KZ")
        }
        var reply = answer(record, outcome.status == "OK" ? Outcome(status: "OK", text: "Key Read OK", data: outcome.data) : outcome, type: "KZ")
        if let card {
            if let room = card.room { reply.set("RN", room) }
            if let name = card.holderName { reply.set("GN", name) }
            if let text = card.checkOut, let checkOut = Timestamp.parseRFC3339(text) {
                reply.set("GD", time.date(checkOut))
                reply.set("DT", time.hoursMinutes(checkOut))
            }
        }
        return reply
    }

    // MARK: request and answer

    /// The outcome of a contract request as FIAS sees it.
    struct Outcome: Sendable {
        var status: String
        var text: String
        var data: JSONValue?

        static func failure(_ status: String, _ text: String) -> Outcome { Outcome(status: status, text: text, data: nil) }

        /// The answer's `data` as the contract's type; nil when there is none or it does not read.
        func result<Result: Decodable>(_ type: Result.Type) -> Result? {
            data.flatMap { try? RequestDecoder.decode(type, from: $0) }
        }
    }

    /// Sends a contract request (its times in the site's zone) and waits for its answer.
    private func call(_ topic: String, _ request: some Encodable, transaction: String?, record: FIASRecord) async -> Outcome {
        let wait = settings.requestWait
        do {
            var payload = try JSONValue(encoding: request, in: time.timeZone)
            if case .object(var members) = payload, let transaction {
                members["transaction"] = .string(transaction)
                payload = .object(members)
            }
            let envelope = try await requests.request(topic, payload: payload.jsonData(), timeout: wait)
            if let error = envelope.error { return FIASAnswerText.outcome(for: error, record: record) }
            return Outcome(status: "OK", text: "", data: envelope.data)
        } catch {
            return FIASAnswerText.outcome(for: error, record: record)
        }
    }

    private func answer(_ record: FIASRecord, _ outcome: Outcome, uid: String? = nil, type: String = "KA") -> FIASRecord {
        let now = Date()
        var fields: [(String, String)] = [("AS", outcome.status)]
        if !outcome.text.isEmpty { fields.append(("CT", String(outcome.text.prefix(40)))) }
        fields += [("KC", record["KC"] ?? ""), ("WS", record["WS"] ?? "")]
        if let uid { fields.append(("$2", uid)) }
        fields += [("DA", time.date(now)), ("TI", time.time(now))]
        return FIASRecord(type, fields)
    }

    /// The same record repeated by the PMS maps to the same transaction, so the router answers it
    /// from the journal instead of cutting a second card. DA/TI tell a repeat from a new request for
    /// another identical card (KT D); without them, a repeat within `duplicateWindow` is the same.
    private func transaction(_ record: FIASRecord) async -> String {
        var identity = ["KR", "KD", "KM"].contains(record.type) ? [record.type] : []
        identity += ["KC", "WS", "RN", "GN", "GA", "GD", "DT", "KT", "KO", "G#"].map { record[$0] ?? "" }
        if let date = nonEmpty(record["DA"]), let clock = nonEmpty(record["TI"]) {
            identity += [date, clock]
            return "fias-" + DuplicateWindow.fnv1a(identity.joined(separator: "|"))
        }
        return await duplicates.transaction(for: identity.joined(separator: "|"), prefix: "fias")
    }

    private func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
