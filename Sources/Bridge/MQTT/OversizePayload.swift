import Foundation
import Topics

/// What is kept of a payload over the size limit: its `uuid`, found by a byte search (parsing
/// megabytes of JSON just to refuse them would be the cost the limit exists to avoid).
enum OversizePayload {
    /// `{"uuid":"…"}` with the first `"uuid"` member's string value (≤ 64 characters), else `{}`.
    static func salvage(_ bytes: UnsafeRawBufferPointer) -> Data {
        guard let uuid = uuid(in: bytes) else { return Data("{}".utf8) }
        return JSONValue.object(["uuid": .string(uuid)]).jsonData()
    }

    static func uuid(in bytes: UnsafeRawBufferPointer) -> String? {
        let key = Array(#""uuid""#.utf8)
        guard bytes.count >= key.count else { return nil }
        var index = 0
        while index + key.count <= bytes.count {
            guard bytes[index] == key[0], bytes[index..<index + key.count].elementsEqual(key) else {
                index += 1
                continue
            }
            var cursor = index + key.count
            func skipSpace() { while cursor < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[cursor]) { cursor += 1 } }
            skipSpace()
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: ":") else { index += 1; continue }
            cursor += 1
            skipSpace()
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\"") else { index += 1; continue }
            let start = cursor + 1
            var end = start
            // Plain characters only: an escaped or over-long value is not a uuid worth trusting.
            while end < bytes.count, end - start <= 64, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"),
                bytes[end] >= 0x20
            {
                end += 1
            }
            guard end < bytes.count, bytes[end] == UInt8(ascii: "\""), end > start, end - start <= 64 else { return nil }
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        return nil
    }
}
