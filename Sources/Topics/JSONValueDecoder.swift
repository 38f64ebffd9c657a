import Foundation

/// Decodes Decodable types from a parsed ``JSONValue``.
///
/// Its DecodingErrors carry the full coding path and a `debugDescription` that is already the
/// problem as a user should read it (`expected string, got number`), which ``RequestDecoder``
/// turns into `invalid-request` messages. Dates are RFC 3339 strings.
struct JSONValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else {
            throw Self.mismatch(expected: "object", value, codingPath, [String: Any].self)
        }
        return KeyedDecodingContainer(KeyedContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else {
            throw Self.mismatch(expected: "array", value, codingPath, [Any].self)
        }
        return UnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(value: value, codingPath: codingPath)
    }

    /// The value as `T`: the callers checked the type already, so this throws only if they are wrong.
    private static func cast<T>(_ value: Any, _ path: [any CodingKey]) throws -> T {
        guard let typed = value as? T else {
            throw DecodingError.typeMismatch(T.self, .init(codingPath: path, debugDescription: "internal type mismatch"))
        }
        return typed
    }

    /// Decodes `type` from `value`, handling the primitives and Date here and everything else
    /// through the type's own `init(from:)`.
    static func unbox<T: Decodable>(_ type: T.Type, from value: JSONValue, at path: [any CodingKey]) throws -> T {
        if type == String.self {
            guard case .string(let text) = value else { throw mismatch(expected: "string", value, path, type) }
            return try cast(text, path)
        }
        if type == Bool.self {
            guard case .bool(let flag) = value else { throw mismatch(expected: "boolean", value, path, type) }
            return try cast(flag, path)
        }
        if type == Date.self {
            guard case .string(let text) = value else { throw mismatch(expected: "RFC 3339 time string", value, path, type) }
            guard let date = Timestamp.parseRFC3339(text) else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: path,
                    debugDescription: "expected an RFC 3339 time like 2025-09-04T15:21:00+03:00, got \"\(text)\""))
            }
            return try cast(date, path)
        }
        if let integerType = type as? any FixedWidthInteger.Type {
            return try cast(try integer(integerType, from: value, at: path), path)
        }
        if let floatType = type as? any BinaryFloatingPoint.Type {
            guard let number = value.doubleValue else { throw mismatch(expected: "number", value, path, type) }
            return try cast(floatType.init(number), path)
        }
        return try T(from: JSONValueDecoder(value: value, codingPath: path))
    }

    private static func integer<I: FixedWidthInteger>(_ type: I.Type, from value: JSONValue, at path: [any CodingKey]) throws -> I {
        guard let number = value.doubleValue else { throw mismatch(expected: "integer", value, path, type) }
        guard let whole = value.intValue else {
            throw DecodingError.typeMismatch(type, .init(codingPath: path, debugDescription: "expected integer, got \(number)"))
        }
        guard let result = I(exactly: whole) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: path, debugDescription: "\(whole) is out of range (\(I.min)…\(I.max))"))
        }
        return result
    }

    static func mismatch(expected: String, _ value: JSONValue, _ path: [any CodingKey], _ type: Any.Type) -> DecodingError {
        let context = DecodingError.Context(codingPath: path, debugDescription: "expected \(expected), got \(value.kindName)")
        return value.isNull ? .valueNotFound(type, context) : .typeMismatch(type, context)
    }
}

/// An array index in a coding path.
struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }

    init(_ index: Int) { intValue = index }
    init?(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.keys.compactMap(Key.init(stringValue:)) }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func value(_ key: Key) throws -> JSONValue {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing"))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try value(key).isNull }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try JSONValueDecoder.unbox(type, from: value(key), at: codingPath + [key])
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decode(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decode(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decode(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decode(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decode(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decode(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decode(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decode(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decode(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decode(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decode(type, key) }

    /// The one implementation behind the primitive overloads the protocol requires.
    private func decode<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        try JSONValueDecoder.unbox(type, from: value(key), at: codingPath + [key])
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try JSONValueDecoder(value: value(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try JSONValueDecoder(value: value(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        JSONValueDecoder(value: members["super"] ?? .null, codingPath: codingPath)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        JSONValueDecoder(value: members[key.stringValue] ?? .null, codingPath: codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(elements: [JSONValue], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private func current(_ type: Any.Type) throws -> (JSONValue, [any CodingKey]) {
        let path = codingPath + [IndexKey(currentIndex)]
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(codingPath: path, debugDescription: "missing (the array has \(elements.count) elements)"))
        }
        return (elements[currentIndex], path)
    }

    mutating func decodeNil() throws -> Bool {
        guard try current(Never.self).0.isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, path) = try current(type)
        let result = try JSONValueDecoder.unbox(type, from: value, at: path)
        currentIndex += 1
        return result
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let (value, path) = try current([String: Any].self)
        let container = try JSONValueDecoder(value: value, codingPath: path).container(keyedBy: type)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (value, path) = try current([Any].self)
        let container = try JSONValueDecoder(value: value, codingPath: path).unkeyedContainer()
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let (value, path) = try current(Any.self)
        currentIndex += 1
        return JSONValueDecoder(value: value, codingPath: path)
    }
}

private struct SingleValueContainer: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { value.isNull }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONValueDecoder.unbox(type, from: value, at: codingPath)
    }
}
