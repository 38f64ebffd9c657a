/// One `FID value` pair of a FIAS record; the value is kept verbatim (leading zeros and spaces matter).
public struct FIASField: Sendable, Equatable {
    /// Two characters from A–Z, 0–9, `#`, `$`, `+`.
    public var id: String
    /// The text after the id, up to the next `|`; may be empty.
    public var value: String

    /// A field with the given id and value.
    public init(id: String, value: String) {
        self.id = id
        self.value = value
    }
}

/// A FIAS record: a two-character type and its fields in wire order, unknown ids included.
public struct FIASRecord: Sendable, Equatable, CustomStringConvertible {
    /// Two characters: "KR", "LS", "LD", …
    public var type: String
    /// The fields in wire order; a repeated id is kept as often as it came.
    public var fields: [FIASField]

    /// A record of `type` with `(id, value)` fields in the given order.
    public init(_ type: String, _ fields: [(String, String)] = []) {
        self.type = type
        self.fields = fields.map { FIASField(id: $0.0, value: $0.1) }
    }

    /// A record of `type` with the given fields.
    public init(type: String, fields: [FIASField]) {
        self.type = type
        self.fields = fields
    }

    /// The first value with that id: nil if absent, "" if present but empty.
    public subscript(_ id: String) -> String? {
        fields.first { $0.id == id }?.value
    }

    /// Replaces the value of the first field with that id, or appends the field.
    public mutating func set(_ id: String, _ value: String) {
        if let index = fields.firstIndex(where: { $0.id == id }) {
            fields[index].value = value
        } else {
            fields.append(FIASField(id: id, value: value))
        }
    }

    /// The same record with the values of the given ids (those present) replaced by `mask`, for logs.
    public func redacting(_ ids: Set<String>, mask: String = "***") -> FIASRecord {
        var copy = self
        for index in copy.fields.indices where ids.contains(copy.fields[index].id) {
            copy.fields[index].value = mask
        }
        return copy
    }

    /// The record as on the wire, without STX/ETX: "KR|WS3|KC1|…|".
    public var description: String {
        fields.reduce(into: type + "|") { $0 += $1.id + $1.value + "|" }
    }
}
