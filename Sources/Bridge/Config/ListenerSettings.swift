import Foundation

/// One HTTP listener as configured: where it binds, how much it takes, who may connect and
/// whether it speaks TLS. The bridge listener (`http`), the OZLocks facade and the Vanke supplier
/// listener all read the same keys, so they are bounded and locked down the same way.
public struct ListenerSettings: Sendable, Equatable {
    public var listen: ConfigHostPort
    public var limits = ListenerLimits()
    /// Certificate chain and private key (PEM files); nil serves plain HTTP.
    public var tls: ListenerTLS?
    /// Client address ranges allowed to connect; empty allows every address.
    public var allowFrom: [AddressRange] = []

    public init(listen: ConfigHostPort) { self.listen = listen }

    /// Bound beyond loopback: reachable from other machines.
    public var isExposed: Bool { !ConfigHostPort.isLoopback(listen.host) }
}

/// What one listener accepts before it refuses: none of these may be unbounded, or 2,000 idle
/// sockets, a trickled header or a gigabyte body would take the process's descriptors, memory or
/// tasks from the bridge.
public struct ListenerLimits: Sendable, Equatable {
    /// Open connections at once; beyond it new ones wait in the kernel's backlog.
    public var maxConnections = 4096
    /// A connection with no request in progress (including one that never finishes its header) is closed after this.
    public var idleTimeout: Duration = .seconds(30)
    /// From a request's header to the end of its body; a trickled body is cut off after this.
    public var readTimeout: Duration = .seconds(10)
    /// All header fields together.
    public var maxHeaderBytes = 16 << 10
    /// A body above this is refused (by its Content-Length before a byte is read).
    public var maxBodyBytes = 1 << 20

    public init() {}
}

public struct ListenerTLS: Sendable, Equatable {
    public var certificate: String
    public var key: String
    public init(certificate: String, key: String) {
        self.certificate = certificate
        self.key = key
    }
}

extension ConfigSection {
    /// A listener's keys in this section: `listen`, `limits`, `tls` and `allowFrom`.
    public func listener(default listen: ConfigHostPort, maxBodyBytes: Int? = nil) -> ListenerSettings {
        var settings = ListenerSettings(listen: hostPort("listen", default: listen))
        if let maxBodyBytes { settings.limits.maxBodyBytes = maxBodyBytes }
        let limits = section("limits")
        let d = settings.limits
        settings.limits.maxConnections = limits.int("maxConnections", default: d.maxConnections, range: 1...1_000_000)
        settings.limits.idleTimeout = limits.duration("idleTimeout", default: d.idleTimeout, range: .milliseconds(100)...(.seconds(3600)))
        settings.limits.readTimeout = limits.duration("readTimeout", default: d.readTimeout, range: .milliseconds(100)...(.seconds(3600)))
        settings.limits.maxHeaderBytes = limits.int("maxHeaderBytes", default: d.maxHeaderBytes, range: 1024...(1 << 20))
        settings.limits.maxBodyBytes = limits.int("maxBodyBytes", default: d.maxBodyBytes, range: 1024...(256 << 20))
        let tls = section("tls")
        if tls.isPresent {
            let certificate = tls.requiredString("certificate")
            let key = tls.requiredString("key")
            if !certificate.isEmpty, !key.isEmpty { settings.tls = ListenerTLS(certificate: certificate, key: key) }
            for (name, path) in [("certificate", certificate), ("key", key)] where !path.isEmpty {
                if !FileManager.default.isReadableFile(atPath: path) { tls.report("cannot read \(path)", key: name) }
            }
        }
        for text in stringList("allowFrom") {
            if let range = AddressRange(text) {
                settings.allowFrom.append(range)
            } else {
                report("'\(text)' is not an address or CIDR range like 10.0.0.0/8 or fd00::/8", key: "allowFrom")
            }
        }
        if settings.isExposed, settings.tls == nil {
            report(
                "listens on \(settings.listen.host), beyond loopback, without TLS: keys, signed calls and answers cross the network in clear (set tls, or allowFrom at least)",
                key: "listen", severity: .warning)
        }
        return settings
    }
}
