import Foundation

extension OFDState {
    /// kkt/pay: applies an activation code to a client's register.
    mutating func pay(_ fields: OFDRequestFields, now: Date) throws(OFDRefusal) -> OFDJSON {
        func required(_ name: String) throws(OFDRefusal) -> String {
            guard let value = fields[name] else { throw OFDRefusal(message: "Не заполнено обязательное поле \(name)") }
            return value
        }
        let inn = try required("Inn")
        let rnm = try required("Rnm")
        let code = try required("ActivationCode")
        let email = try required("Email")
        guard email.contains("@") else { throw OFDRefusal(message: "Некорректный Email: \(email)") }
        switch activationCodes[code] {
        case nil: throw OFDRefusal(message: "Код активации не найден")
        case true?: throw OFDRefusal(message: "Код активации уже использован")
        case false?: break
        }
        guard registers[inn]?.contains(where: { $0.rnm == rnm }) == true else {
            throw OFDRefusal(message: "ККТ не найдена")
        }
        activationCodes[code] = true
        let at = OFDDateFormat.wholeSeconds(now)
        let completed = payOutcome == .completed
        payments.append(OFDPayment(
            at: at, inn: inn, rnm: rnm, activationCode: code,
            status: completed ? "Payed" : "WaitingActivation", activatedAt: completed ? at : nil))
        if completed { markPaid(rnm: rnm, at: at) }
        return .object([("IsCompleted", .bool(completed)), ("IsWaiting", .bool(!completed))])
    }

    /// kkt/paystatus: the applications made within [from, to], both ends included.
    func payStatus(from: String?, to: String?) throws(OFDRefusal) -> OFDJSON {
        func date(_ name: String, _ text: String?) throws(OFDRefusal) -> Date {
            guard let text, !text.isEmpty else { throw OFDRefusal(message: "Не заполнено обязательное поле \(name)") }
            guard let date = OFDDateFormat.date(from: text) else {
                throw OFDRefusal(message: "Неверный формат даты \(name): \(text), ожидается yyyy-MM-ddTHH:mm:ss")
            }
            return date
        }
        let start = try date("DateFromUtc", from)
        let end = try date("DateToUtc", to)
        // No longest period: the spec names none.
        guard start <= end else { throw OFDRefusal(message: "Дата начала периода больше даты окончания") }
        let items = payments.filter { (start...end).contains($0.at) }.map { payment -> OFDJSON in
            .object([
                ("DateUtc", .string(OFDDateFormat.string(from: payment.at))),
                ("Inn", .string(payment.inn)),
                ("Rnm", .string(payment.rnm)),
                ("ActivationCode", .string(payment.activationCode)),
                ("Status", .string(payment.status)),
            ] + OFDJSON.members([("ActivationDateUtc", payment.activatedAt)]))
        }
        return .object([("Data", .array(items)), ("Success", .bool(true))])
    }

    /// Moves an application to another status; becoming `Payed` pays the register as `kkt/pay` would.
    mutating func setPayStatus(rnm: String, code: String, status: String, now: Date) {
        guard let index = payments.lastIndex(where: { $0.rnm == rnm && $0.activationCode == code }) else { return }
        let wasPaid = payments[index].status == "Payed"
        payments[index].status = status
        guard status == "Payed", !wasPaid else { return }
        let at = OFDDateFormat.wholeSeconds(now)
        payments[index].activatedAt = at
        markPaid(rnm: rnm, at: at)
    }

    /// A paid code buys a year of service from the later of now and the current contract end (this
    /// simulator's assumption: the spec only says the code "activates the operator's services").
    private mutating func markPaid(rnm: String, at: Date) {
        changeRegister(rnm: rnm) { register in
            register.lastPaidAt = at
            register.contractStartsAt = register.contractStartsAt ?? at
            register.contractEndsAt = max(register.contractEndsAt ?? at, at).addingTimeInterval(365 * 86_400)
        }
    }
}
