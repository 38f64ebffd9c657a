import Bridge
import Testing

@Suite("allowFrom address ranges")
struct AddressRangeTests {
    @Test("IPv4 and IPv6 ranges, IPv4-mapped clients, single addresses", arguments: [
        ("10.0.0.0/8", "10.255.1.2", true), ("10.0.0.0/8", "11.0.0.1", false),
        ("192.168.1.0/25", "192.168.1.127", true), ("192.168.1.0/25", "192.168.1.128", false),
        ("127.0.0.1", "127.0.0.1", true), ("127.0.0.1", "127.0.0.2", false),
        ("10.0.0.0/8", "::ffff:10.1.2.3", true), ("fd00::/8", "fd12::1", true), ("fd00::/8", "fe80::1", false),
        ("0.0.0.0/0", "203.0.113.9", true), ("::/0", "10.0.0.1", false),
    ])
    func contains(range: String, address: String, expected: Bool) throws {
        let parsed = try #require(AddressRange(range))
        #expect(parsed.contains(address) == expected)
    }

    @Test("what is not a range is refused", arguments: ["10.0.0.0/33", "10.0.0.0/", "10.0.0.0/+8", "example.org", "", "fd00::/129", "1.2.3"])
    func refused(text: String) {
        #expect(AddressRange(text) == nil)
    }
}
