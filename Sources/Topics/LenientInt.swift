/// An integer that may also arrive as a string of digits (`"guestId": "12"`): PMSs and the
/// OZLocks Web-API both send either, so the contract accepts both and writes a number.
public struct LenientInt: Codable, Sendable, Equatable {
    public let value: Int

    public init(_ value: Int) { self.value = value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            value = number
        } else if let text = try? container.decode(String.self), let number = Int(text.trimmingCharacters(in: .whitespaces)) {
            value = number
        } else {
            throw DecodingError.typeMismatch(
                Int.self, .init(codingPath: decoder.codingPath, debugDescription: "expected an integer"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
