import Foundation

/// The operations every lock series has: cards, check-out and the lock log.
extension OZLocksState {
    mutating func issueCard(_ fields: OZRequestFields) throws(OZFault) -> OZJSON {
        let room = try fields.requiredString("Room")
        let checkIn = try fields.requiredDate("CheckIn")
        let checkOut = try fields.requiredDate("CheckOut")
        let guestName = try fields.requiredString("GuestName")
        let guestID = try fields.int("GuestID")
        let newIssue = try fields.requiredBool("NewIssue")
        let encoder = try fields.requiredString("EncoderID")
        let workstation = try fields.requiredString("WorkstationID")
        let issuer = try fields.string("CardIssuer")
        try Self.checkStay(checkIn: checkIn, checkOut: checkOut, guestID: guestID)
        // Cards are written at the encoder, so an offline WR lock does not stop IssueCard.
        _ = try lock(room)
        // Any card on the encoder is written over, as a real encoder does; only an empty one stops us.
        if case .none = try encoderCard(encoder) { throw .cardAbsent }

        let id = admit(room: room, guestID: guestID, name: guestName, checkIn: checkIn, checkOut: checkOut, newIssue: newIssue)
        let card = OZLocksSimulator.IssuedCard(
            room: room, uid: newUID(), guestID: id, guestName: guestName, checkIn: checkIn, checkOut: checkOut,
            encoder: encoder, workstation: workstation, issuer: issuer)
        issued.append(card)
        encoders[encoder] = .guest(card)

        var answer: [(String, OZJSON)] = [
            ("Room", .string(room)), ("CheckOut", .string(dates.string(from: checkOut))), ("Number", .string(card.uid)),
        ]
        // The spec: GuestID is filled in only when the request did not give one.
        if guestID == nil { answer.append(("GuestID", .int(id))) }
        answer += [("EncoderID", .string(encoder)), ("WorkstationID", .string(workstation))]
        return .object(answer)
    }

    /// Series H clears the card on the encoder (EncoderID required); series WR checks out in the lock
    /// itself, so the lock must be online and an EncoderID, if sent, is only echoed.
    mutating func checkOut(_ fields: OZRequestFields, now: Date) throws(OZFault) -> OZJSON {
        let room = try fields.requiredString("Room")
        let encoder = try fields.string("EncoderID").flatMap { $0.isEmpty ? nil : $0 }
        let workstation = try fields.requiredString("WorkstationID")
        _ = try fields.string("CardIssuer")
        let lock = try lock(room)
        switch lock.series {
        case .h:
            guard let encoder else { throw .missing("EncoderID") }
            if case .none = try encoderCard(encoder) { throw .cardAbsent }
            encoders[encoder] = .blank
        case .wr:
            guard lock.online else { throw .lockOffline }
        }
        checkOutAll(room: room)
        var answer: [(String, OZJSON)] = [("Room", .string(room)), ("CheckOut", .string(dates.string(from: now)))]
        // With no EncoderID in the request (WR) there is nothing to echo, so the field is left out.
        if let encoder { answer.append(("EncoderID", .string(encoder))) }
        answer.append(("WorkstationID", .string(workstation)))
        return .object(answer)
    }

    /// A blank card reads as CardType 0 "Пустая карта" and a data card as CardType 9 "Карта данных"
    /// (both our choice: the spec shows only 6 "Карта гостя"); their other fields are empty strings.
    /// HolderID is a string, as in the spec's example, though its table says Int.
    func readCard(_ fields: OZRequestFields) throws(OZFault) -> OZJSON {
        let encoder = try fields.requiredString("EncoderID")
        let workstation = try fields.requiredString("WorkstationID")
        var answer: [(String, OZJSON)]
        switch try encoderCard(encoder) {
        case .none:
            throw .cardAbsent
        case .blank:
            answer = [("CardType", .int(0)), ("CardTypeEx", .string("Пустая карта")), ("CheckIn", .string("")),
                      ("CheckOut", .string("")), ("HolderName", .string("")), ("HolderID", .string(""))]
        case .data(let room, _):
            answer = [("CardType", .int(9)), ("CardTypeEx", .string("Карта данных")), ("Room", .string(room)),
                      ("CheckIn", .string("")), ("CheckOut", .string("")), ("HolderName", .string("")),
                      ("HolderID", .string(""))]
        case .guest(let card):
            answer = [("CardType", .int(6)), ("CardTypeEx", .string("Карта гостя")), ("Room", .string(card.room)),
                      ("CheckIn", .string(dates.string(from: card.checkIn))),
                      ("CheckOut", .string(dates.string(from: card.checkOut))),
                      ("HolderName", .string(card.guestName)), ("HolderID", .string(String(card.guestID)))]
        }
        answer += [("EncoderID", .string(encoder)), ("WorkstationID", .string(workstation))]
        return .object(answer)
    }

    /// With Room: an online (WR) lock's log read remotely; an EncoderID sent along is ignored but
    /// echoed (the spec says not to send it; a real server would not fail over it). Room of an H lock
    /// is refused with ECode 3. Without Room: the data card on EncoderID (series H), else ECode 2.
    func readLogLock(_ fields: OZRequestFields) throws(OZFault) -> OZJSON {
        let workstation = try fields.requiredString("WorkstationID")
        let room = try fields.string("Room").flatMap { $0.isEmpty ? nil : $0 }
        let encoder = try fields.string("EncoderID").flatMap { $0.isEmpty ? nil : $0 }
        let showUnauthorized = try fields.bool("ShowErrorEntrance") ?? true
        let records: [OZLogRecord]
        if let room {
            let lock = try onlineLock(room, for: "ReadLogLock")
            guard lock.online else { throw .lockOffline }
            records = lock.log
        } else {
            guard let encoder else {
                throw OZFault(code: "5", message: "Не задан параметр EncoderID (карта данных) или Room (онлайн замок)")
            }
            guard case .data(_, let log) = try encoderCard(encoder) else { throw .cardAbsent }
            records = log
        }
        let shown = records.filter { showUnauthorized || !$0.isUnauthorized }
        var answer: [(String, OZJSON)] = []
        if let encoder { answer.append(("EncoderID", .string(encoder))) }
        answer.append(("WorkstationID", .string(workstation)))
        answer.append(("Log", .array(shown.map(logEntry))))
        return .object(answer)
    }

    /// A LogState record; HolderID is a number here, as in the spec's example.
    private func logEntry(_ record: OZLogRecord) -> OZJSON {
        var entry: [(String, OZJSON)] = [("RecordType", .int(record.type)), ("RecordTypeEx", .string(record.typeName))]
        // A record without a time is a fault a test asks for (`appendLog(at: nil)`).
        if let at = record.at { entry.append(("EventTime", .string(dates.string(from: at)))) }
        entry.append(("HolderID", .int(record.holderID)))
        if let name = record.holderName { entry.append(("HolderName", .string(name))) }
        return .object(entry)
    }

    /// Refuses a stay that ends before it starts, and guest ids that cannot exist.
    static func checkStay(checkIn: Date, checkOut: Date, guestID: Int?) throws(OZFault) {
        guard checkOut > checkIn else { throw .malformed("CheckOut", "выезд не позже заезда") }
        if let guestID, guestID <= 0 { throw .malformed("GuestID", "ожидается положительное число") }
    }
}
