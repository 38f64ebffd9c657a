import Foundation

extension OFDState {
    /// CreateAuthToken: a new token for the right login and password, nil (403) otherwise.
    mutating func issueToken(login: String?, password: String?, now: Date) -> OFDJSON? {
        guard Self.same(login, self.login), Self.same(password, self.password) else { return nil }
        // 32 lowercase hex digits, as the spec's example (itself a dash-less UUID) shows.
        let token = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let expiresAt = now.addingTimeInterval(tokenLifetime.ofdSeconds)
        tokens[token] = expiresAt
        tokensIssued += 1
        return .object([
            ("AuthToken", .string(token)),
            ("ExpirationDateUtc", .string(OFDDateFormat.string(from: expiresAt))),
        ])
    }

    /// Whether the token was issued here and has not expired.
    func accepts(token: String?, now: Date) -> Bool {
        guard let token, let expiresAt = tokens[token] else { return false }
        return now < expiresAt
    }

    /// Compares in time independent of where the strings differ.
    private static func same(_ given: String?, _ expected: String) -> Bool {
        guard let given else { return false }
        let a = Array(given.utf8), b = Array(expected.utf8)
        var difference: UInt8 = a.count == b.count ? 0 : 1
        for index in b.indices { difference |= b[index] ^ (index < a.count ? a[index] : 0) }
        return difference == 0
    }
}
