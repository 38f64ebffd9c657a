/// A configuration value that must never be logged or published: every textual form is
/// `<redacted>`, and the value comes out only through `reveal()`.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let value: String

    /// Wraps a secret value.
    public init(_ value: String) {
        self.value = value
    }

    /// The secret itself; call only where it is handed to the system that needs it.
    public func reveal() -> String { value }

    /// Whether the secret is the empty string.
    public var isEmpty: Bool { value.isEmpty }
    /// Empty or only white space: as a credential it would switch authentication off.
    public var isBlank: Bool { value.allSatisfy(\.isWhitespace) }

    /// Compares with a presented credential in time independent of where they differ,
    /// so an API-key check does not leak the key byte by byte.
    public func matches(_ candidate: String) -> Bool {
        let expected = Array(value.utf8)
        let given = Array(candidate.utf8)
        var difference = UInt8(expected.count == given.count ? 0 : 1)
        for index in 0..<max(expected.count, given.count) {
            let a = index < expected.count ? expected[index] : 0
            let b = index < given.count ? given[index] : 0
            difference |= a ^ b
        }
        return difference == 0
    }

    public static func == (lhs: Secret, rhs: Secret) -> Bool { lhs.matches(rhs.value) }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    // No children, so `dump` and mirrors show only the description.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: nil) }
}
