import Testing
import Topics

@Suite("TopicID")
struct TopicIDTests {
    @Test("encodes the characters that change a topic's meaning", arguments: [
        ("a/b+c#d%e", "a%2Fb%2Bc%23d%25e"),
        ("$SYS", "%24SYS"),
        ("a$b", "a$b"),
        ("nul\u{0}here", "nul%00here"),
        ("101", "101"),
        ("", ""),
        ("Номер 101", "Номер 101"),
        ("东二门01道", "东二门01道"),
        ("100%", "100%25"),
    ])
    func encode(id: String, level: String) {
        #expect(TopicID.encode(id) == level)
        #expect(TopicID.decode(level) == id)
    }

    @Test func decodeAcceptsLowercaseHex() {
        #expect(TopicID.decode("a%2fb%2b%24") == "a/b+$")
    }

    @Test func decodeKeepsPercentSequencesItNeverProduces() {
        #expect(TopicID.decode("%41%2") == "%41%2")
        #expect(TopicID.decode("%zz%") == "%zz%")
    }

    @Test func encodedIdIsAlwaysOneSafeLevel() {
        var random = SplitMix64(seed: 0x5EED)
        for _ in 0..<2000 {
            let id = random.id()
            let level = TopicID.encode(id)
            #expect(!level.unicodeScalars.contains { "/+#\u{0}".unicodeScalars.contains($0) }, "\(id)")
            #expect(!level.hasPrefix("$"))
            #expect(TopicID.decode(level) == id, "round trip of \(id.debugDescription)")
        }
    }
}

/// A deterministic generator so a failing property case can be reproduced.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Ids mixing the special characters, literal `%XX` text, Cyrillic, Chinese and emoji.
    mutating func id() -> String {
        let pieces = ["/", "+", "#", "%", "$", "\u{0}", "%2F", "%25", "%24", "a", "Z", "1", " ", "Номер", "东二门", "🚗", "-", "_"]
        let count = Int.random(in: 0...8, using: &self)
        return (0..<count).map { _ in pieces.randomElement(using: &self)! }.joined()
    }
}
