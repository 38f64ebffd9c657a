import Foundation
import PropertyBased

/// The property checker's seeded generator behind a concrete type, so the standard library's
/// `random(in:using:)` can draw from it (they take a generic generator, not an existential).
struct PayloadRandom: RandomNumberGenerator {
    var base: any SeededRandomNumberGenerator

    mutating func next() -> UInt64 { base.next() }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func bool() -> Bool { Bool.random(using: &self) }
    mutating func pick<T>(_ choices: [T]) -> T { choices[int(0...(choices.count - 1))] }

    /// Text with the characters payloads really carry: Latin, Cyrillic, digits, blanks, quotes, escapes, emoji.
    mutating func text() -> String {
        let alphabet: [Character] = ["a", "Z", "0", "9", " ", "-", "_", "Ж", "я", "\"", "\\", "\n", "\u{0}", "é", "😀", "/"]
        return String((0..<int(0...12)).map { _ in pick(alphabet) })
    }

    /// An RFC 3339 time between 1970 and 2100 with a random offset, and the instant it names.
    mutating func rfc3339() -> (text: String, seconds: Int) {
        let seconds = int(0...4_102_444_800)
        let offsetMinutes = pick([0, 180, -300, 330, 840, -720])
        var local = time_t(seconds + offsetMinutes * 60)
        var parts = tm()
        gmtime_r(&local, &parts)
        let offset: String
        if offsetMinutes == 0 && bool() {
            offset = "Z"
        } else {
            let magnitude = abs(offsetMinutes)
            offset = (offsetMinutes < 0 ? "-" : "+") + String(format: "%02d:%02d", magnitude / 60, magnitude % 60)
        }
        let text = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec) + offset
        return (text, seconds)
    }
}

extension PayloadRandom {
    /// A property-based generator whose values `make` builds from this random source.
    static func generator<Value>(_ make: @escaping @Sendable (inout PayloadRandom) -> Value)
        -> Generator<Value, Shrink.None<Value>>
    {
        Generator { rng in
            var random = PayloadRandom(base: rng)
            return make(&random)
        }
    }
}
