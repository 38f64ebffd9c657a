import Foundation

/// A listening or connecting address: `127.0.0.1:8080`, `localhost:8080`, `[::1]:8080`.
public struct ConfigHostPort: Sendable, Hashable, CustomStringConvertible {
    /// Host name or address, without brackets.
    public var host: String
    /// 0 asks the system for a free port.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`; IPv6 addresses must be bracketed.
    public init?(parsing text: String) {
        let host: Substring
        let port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return nil
            }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
            guard host.contains(":") else { return nil }
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
            guard !host.contains(":") else { return nil }
        }
        guard !host.isEmpty, !host.contains(where: { $0.isWhitespace || "/[]@".contains($0) }),
            !port.isEmpty, port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }),
            let number = Int(port), number <= 65_535
        else { return nil }
        self.init(host: String(host), port: number)
    }

    /// `host:port`, bracketing IPv6 hosts.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// A loopback host name or address (127.0.0.0/8, ::1, localhost): reachable from this machine only.
    public static func isLoopback(_ host: String) -> Bool {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return ["::1", "localhost"].contains(name) || name.hasPrefix("127.")
    }
}
