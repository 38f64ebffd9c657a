/// Comparisons of secrets (tokens, API keys) whose duration does not depend on where they differ.
public enum ConstantTime {
    /// True when `a` and `b` are byte-for-byte equal. Runs over the longer input whatever the
    /// content, so timing reveals at most the length.
    public static func equals(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
        equals(Array(a.utf8), Array(b.utf8))
    }

    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        difference |= UInt8(a.count == b.count ? 0 : 1)
        let length = max(a.count, b.count)
        for i in 0..<length {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            difference |= x ^ y
        }
        return difference == 0
    }

    /// True when `candidate` equals any of `keys`; every key is compared, so timing does not tell which.
    public static func matchesAny(_ candidate: some StringProtocol, of keys: [String]) -> Bool {
        var found = false
        for key in keys where equals(candidate, key) { found = true }
        return found
    }
}
