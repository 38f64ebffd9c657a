import Foundation

/// The JSON body of an API request, read field by field with the spec's types.
///
/// Types are strict (a number where the spec says String is refused with ECode 5): a lenient
/// server would hide a client that drifts from the spec. `null` counts as absent, and an empty
/// string counts as absent for required strings.
struct OZRequestFields {
    let body: OZJSON
    let dates: OZDateFormat

    init(_ data: Data, dates: OZDateFormat) throws(OZFault) {
        self.dates = dates
        // An empty body reads as `{}` so that the missing field, not the JSON, is what gets reported.
        if data.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
            body = .object([])
            return
        }
        do {
            body = try OZJSON.parse(data)
        } catch {
            throw OZFault(code: "5", message: "Тело запроса не является корректным JSON")
        }
        guard case .object = body else { throw OZFault(code: "5", message: "Тело запроса должно быть JSON-объектом") }
    }

    private func present(_ field: String) -> OZJSON? {
        guard let value = body[field], value != .null else { return nil }
        return value
    }

    func string(_ field: String) throws(OZFault) -> String? {
        guard let value = present(field) else { return nil }
        guard case .string(let string) = value else { throw .malformed(field, "ожидается строка") }
        return string
    }

    func requiredString(_ field: String) throws(OZFault) -> String {
        guard let string = try string(field), !string.isEmpty else { throw .missing(field) }
        return string
    }

    func int(_ field: String) throws(OZFault) -> Int? {
        guard let value = present(field) else { return nil }
        guard case .int(let number) = value else { throw .malformed(field, "ожидается целое число") }
        return number
    }

    func requiredInt(_ field: String) throws(OZFault) -> Int {
        guard let number = try int(field) else { throw .missing(field) }
        return number
    }

    func bool(_ field: String) throws(OZFault) -> Bool? {
        guard let value = present(field) else { return nil }
        guard case .bool(let flag) = value else { throw .malformed(field, "ожидается true или false") }
        return flag
    }

    func requiredBool(_ field: String) throws(OZFault) -> Bool {
        guard let flag = try bool(field) else { throw .missing(field) }
        return flag
    }

    func requiredDate(_ field: String) throws(OZFault) -> Date {
        let text = try requiredString(field)
        guard let date = dates.date(from: text) else { throw .malformed(field, "ожидается формат ДД.ММ.ГГГГ ЧЧ:ММ") }
        return date
    }
}
