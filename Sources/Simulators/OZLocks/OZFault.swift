/// An answer other than 200, as the OZLocks integration server gives it.
///
/// ECodes. The spec names only three (1, 2, 10); the rest are this simulator's invention, chosen so
/// that every refusal a real server must make has a distinct, stable code:
///
/// | ECode | EMessage                                                | source   |
/// |-------|---------------------------------------------------------|----------|
/// | 1     | Номер не существует                                     | spec     |
/// | 2     | Карта отсутствует на устройстве                         | spec     |
/// | 3     | Операция <op> недоступна для замков серии <S>          | invented |
/// | 4     | Код замка должен состоять из 6–8 цифр                   | invented |
/// | 5     | Не задан параметр <Field> / Неверный параметр <Field>…  | invented |
/// | 6     | Гость <id> не заселён в номер <room>                   | invented |
/// | 7     | Энкодер <id> не найден                                  | invented |
/// | 10    | Замок не в сети                                         | spec     |
///
/// HTTP 401 carries `{"ECode":"401","EMessage":"Не прошла авторизация"}`: the spec lists the status
/// with that text but gives no body. HTTP 400 ("Сервер не доступен") has a plain-text body, since
/// the spec gives none and a client must not rely on one.
struct OZFault: Error, Equatable {
    let code: String
    let message: String

    static let roomNotFound = OZFault(code: "1", message: "Номер не существует")
    static let cardAbsent = OZFault(code: "2", message: "Карта отсутствует на устройстве")
    static let lockOffline = OZFault(code: "10", message: "Замок не в сети")
    static let badLockCode = OZFault(code: "4", message: "Код замка должен состоять из 6–8 цифр")

    static func unsupported(_ operation: String, series: String) -> OZFault {
        OZFault(code: "3", message: "Операция \(operation) недоступна для замков серии \(series)")
    }

    static func missing(_ field: String) -> OZFault {
        OZFault(code: "5", message: "Не задан параметр \(field)")
    }

    static func malformed(_ field: String, _ why: String) -> OZFault {
        OZFault(code: "5", message: "Неверный параметр \(field): \(why)")
    }

    static func unknownGuest(_ guest: Int, room: String) -> OZFault {
        OZFault(code: "6", message: "Гость \(guest) не заселён в номер \(room)")
    }

    static func unknownEncoder(_ encoder: String) -> OZFault {
        OZFault(code: "7", message: "Энкодер \(encoder) не найден")
    }

    /// The 500 body.
    var json: OZJSON { .object([("ECode", .string(code)), ("EMessage", .string(message))]) }
}
