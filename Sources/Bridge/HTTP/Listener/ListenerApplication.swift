import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import Metrics
import NIOCore
import NIOSSL
import ServiceLifecycle

/// Builds every Gatehouse HTTP listener the same way from its `ListenerSettings`: connection
/// limit, idle and read timeouts, header limit, client address filter and optional TLS. The
/// listener's own routes and vendor-form errors come from its caller.
public enum ListenerApplication {
    /// `name` labels log lines and `gatehouse_http_refused_total{listener=…}`.
    public static func make<Responder: HTTPResponderBuilder>(
        name: String, settings: ListenerSettings, router: Responder, serverName: String,
        services: [any Service] = [], logger: Logger,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void
    ) throws -> some ApplicationProtocol where Responder.Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        let limits = settings.limits
        let refusals = Refusals(listener: name, logger: logger)
        let allowed = settings.allowFrom
        var http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: Self.handlers(limits: limits, allowed: allowed, refusals: refusals),
            idleTimeout: .nanoseconds(Int64(limits.idleTimeout.timeInterval * 1e9)))
        http1.httpDecoder = HTTP1Channel.Configuration.DecoderConfiguration(
            maxHeaderFieldSize: limits.maxHeaderBytes, maxHeaderListSize: limits.maxHeaderBytes, maxHeaderFieldCount: 100)
        var server = HTTPServerBuilder.http1(configuration: http1)
        if let tls = settings.tls { server = try .tls(server, tlsConfiguration: try Self.tlsConfiguration(tls)) }
        return Application(
            router: router, server: server,
            configuration: .init(
                address: .hostname(settings.listen.host, port: settings.listen.port), serverName: serverName,
                availableConnectionsDelegate: ConnectionLimit(limits.maxConnections, refusals: refusals)),
            services: services, onServerRunning: onServerRunning, logger: logger)
    }

    /// New handlers for each connection (Hummingbird evaluates the autoclosure per channel).
    private static func handlers(limits: ListenerLimits, allowed: [AddressRange], refusals: Refusals)
        -> [any RemovableChannelHandler]
    {
        var handlers: [any RemovableChannelHandler] = []
        if !allowed.isEmpty {
            handlers.append(ClientAddressFilter(allowed: allowed) { refusals.note(.notAllowed, $0) })
        }
        handlers.append(RequestReadDeadline(timeout: limits.readTimeout) { refusals.note(.slow, nil) })
        return handlers
    }

    /// The PEM files are read when the listener starts (a renewed certificate needs a restart).
    static func tlsConfiguration(_ tls: ListenerTLS) throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(tls.certificate).map { NIOSSLCertificateSource.certificate($0) }
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .file(tls.key))
    }
}

/// Connections a listener refused or cut, counted by reason and logged without flooding: a
/// slowloris run makes thousands.
final class Refusals: Sendable {
    enum Reason: String { case slow, notAllowed = "not-allowed", full }
    let listener: String
    let logger: Logger
    private let logged = LogThrottle(interval: .seconds(60))

    init(listener: String, logger: Logger) {
        self.listener = listener
        self.logger = logger
    }

    func note(_ reason: Reason, _ address: String?) {
        Counter(label: "gatehouse_http_refused_total", dimensions: [("listener", listener), ("reason", reason.rawValue)])
            .increment()
        guard logged.allow(reason.rawValue) else { return }
        switch reason {
        case .slow: logger.warning("\(listener): closed a connection whose request was not read in time (further ones within a minute are only counted)")
        case .notAllowed: logger.warning("\(listener): refused a connection from \(address ?? "?"), outside allowFrom (further ones within a minute are only counted)")
        case .full: logger.warning("\(listener): at its connection limit; new connections wait until one closes")
        }
    }
}
