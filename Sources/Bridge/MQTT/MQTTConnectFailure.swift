import CMosquitto
import Foundation

/// Why a connection attempt ended before the broker accepted it, in words an operator can act on.
///
/// libmosquitto reports a failed TLS handshake only through its log callback (OpenSSL's error
/// queue, "host name verification failed") and says "certificate verify failed" for every refused
/// broker certificate; the verification's own result (kept by `MQTTTLSSetup`) says which check failed.
public struct MQTTConnectFailure: Sendable, Equatable {
    public let reason: String
    /// The failure is TLS's: a certificate, a file, or a handshake the broker ended.
    public let isTLS: Bool
    public let at: Date

    /// What one attempt left behind, read on the network thread right after it failed.
    struct Evidence {
        /// The connect call's result; nil when the connect went through and the connection ended later.
        var connectResult: Int32?
        /// The result of the read that ended the connection, if one did.
        var readResult: Int32?
        /// Error lines libmosquitto logged during the attempt.
        var libraryErrors: [String] = []
        /// X509_V_ERR_* of the attempt's certificate verification; 0 when it passed or did not run.
        var verifyResult = 0
        /// The broker closed the socket while libmosquitto still waited for its TLS handshake.
        var closedInHandshake = false
        /// No CONNACK within the connect timeout.
        var timedOut: Duration?
        /// The broker answered CONNECT with this refusal (bad credentials, not authorised).
        var refusal: String?
    }

    static func diagnose(_ evidence: Evidence, options: MQTTOptions, at: Date = Date()) -> MQTTConnectFailure {
        let tls = options.tls != nil
        let lines = evidence.libraryErrors
        if let refusal = evidence.refusal {
            return .init(reason: "the broker refused the connection: \(refusal)", isTLS: false, at: at)
        }
        // First: libmosquitto's own check refuses with "unspecified" in the verify result.
        if lines.contains(where: { $0.contains("host name verification failed") }) {
            return .init(
                reason: "the broker's certificate was refused: it is not valid for host name '\(options.host)'",
                isTLS: true, at: at)
        }
        if tls, options.tls?.insecure == false, evidence.verifyResult != 0 {
            let why = String(cString: X509_verify_cert_error_string(evidence.verifyResult))
            return .init(reason: "the broker's certificate was refused: \(why)", isTLS: true, at: at)
        }
        if let load = lines.first(where: { $0.hasPrefix("Error: Unable to") }) {
            let detail = openSSLReasons(lines).first.map { " (\($0))" } ?? ""
            return .init(reason: sentence(load.dropFirst("Error: ".count)) + detail, isTLS: true, at: at)
        }
        if let reason = openSSLReasons(lines).first {
            return .init(reason: "the TLS handshake failed: \(reason)\(hint(reason, port: options.port))", isTLS: true, at: at)
        }
        if evidence.closedInHandshake {
            return .init(
                reason: "the TLS handshake failed: the broker closed the connection\(hint("unexpected eof", port: options.port))",
                isTLS: true, at: at)
        }
        if let timeout = evidence.timedOut {
            return .init(reason: "no answer to CONNECT within \(timeout)", isTLS: false, at: at)
        }
        if let rc = evidence.connectResult ?? evidence.readResult, rc != MOSQ_ERR_SUCCESS.rawValue {
            return .init(reason: String(cString: mosquitto_strerror(rc)), isTLS: tls && rc == MOSQ_ERR_TLS.rawValue, at: at)
        }
        return .init(reason: "the broker closed the connection before answering CONNECT", isTLS: false, at: at)
    }

    /// "OpenSSL Error[0]: error:0A000086:SSL routines::certificate verify failed" → "certificate verify failed".
    private static func openSSLReasons(_ lines: [String]) -> [String] {
        lines.filter { $0.hasPrefix("OpenSSL Error") }.compactMap { line in
            line.split(separator: ":", omittingEmptySubsequences: false).last.map {
                $0.trimmingCharacters(in: .whitespaces)
            }
        }.filter { !$0.isEmpty }
    }

    /// What the OpenSSL reasons a broker's alert produces mean for Gatehouse's configuration.
    private static func hint(_ reason: String, port: Int) -> String {
        switch reason {
        case let r where r.contains("certificate required"):
            " (the broker wants a client certificate: set mqtt.tls.cert and mqtt.tls.key)"
        case let r where r.contains("unknown ca"):
            " (the broker does not trust the CA of mqtt.tls.cert)"
        case let r where r.contains("certificate expired"):
            " (the broker refused mqtt.tls.cert as expired)"
        case let r where r.contains("wrong version number") || r.contains("unexpected eof"):
            " (is port \(port) a TLS listener?)"
        default: ""
        }
    }

    private static func sentence(_ text: Substring) -> String {
        var text = String(text)
        if text.hasSuffix(".") { text.removeLast() }
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
