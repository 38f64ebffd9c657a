import Foundation

/// An IPv4 or IPv6 address range in CIDR form (`10.0.0.0/8`, `fd00::/8`), or one address.
/// IPv4 clients reaching an IPv6 socket appear as `::ffff:a.b.c.d` and match IPv4 ranges.
public struct AddressRange: Sendable, Equatable, CustomStringConvertible {
    /// Network bytes (4 or 16) and how many leading bits must match.
    let network: [UInt8]
    let prefixLength: Int
    public let description: String

    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = parts.first.flatMap({ Self.bytes(String($0)) }) else { return nil }
        let bits = address.count * 8
        if parts.count == 2 {
            // Digits only: Int("+8") would read a sign.
            guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let length = Int(parts[1]), length <= bits,
                !parts[1].isEmpty
            else { return nil }
            prefixLength = length
        } else {
            prefixLength = bits
        }
        network = address
        description = trimmed
    }

    /// Whether `address` (text as NIO or the kernel prints it) lies in the range.
    public func contains(_ address: String) -> Bool {
        guard var bytes = Self.bytes(address) else { return false }
        if network.count == 4, bytes.count == 16, bytes[0..<12].elementsEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF]) {
            bytes = Array(bytes[12...])
        }
        guard bytes.count == network.count else { return false }
        var remaining = prefixLength
        for (have, want) in zip(bytes, network) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if have & mask != want & mask { return false }
            remaining -= 8
        }
        return true
    }

    /// The address's bytes via inet_pton: 4 for IPv4, 16 for IPv6; nil if it is neither.
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
