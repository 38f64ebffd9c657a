/// Finds the known key an unknown one was probably meant to be.
public enum ConfigKeySuggestion {
    /// A known key equal ignoring case, else the nearest within edit distance 2 (and closer than
    /// the key is long, so `ca` does not suggest `qos`).
    public static func closest(to key: String, among known: Set<String>) -> String? {
        let lowered = key.lowercased()
        if let match = known.sorted().first(where: { $0.lowercased() == lowered }) { return match }
        let scored = known.sorted().map { ($0, distance(lowered, $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 2, best.1 < min(key.count, best.0.count)
        else { return nil }
        return best.0
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1]
            for (j, cb) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
