import AsyncHTTPClient
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Why a call to a vendor's HTTP API failed, read from AsyncHTTPClient's and SwiftNIO's error
/// cases (never from their text). The one thing every adapter must know about a failed call is
/// whether the vendor may have received it: a change that may have reached the lock server or
/// the fiscal operator has an unknown outcome, and must not be reported as "not done".
public enum VendorCallFailure: Sendable, Equatable, CustomStringConvertible {
    /// The vendor refused the connection (nothing listening).
    case refused
    /// No connection within the connect timeout, or no route to the host.
    case unreachable
    /// Connected, but no whole answer within the call's timeout.
    case timeout
    /// The vendor closed the connection before answering.
    case closed
    /// The call was never made (the client shut down, a bad URL).
    case notSent(String)
    /// Anything else: a short description.
    case other(String)

    public init(_ error: any Error) {
        switch error {
        case let error as HTTPClientError:
            switch error {
            case .connectTimeout: self = .unreachable
            case .deadlineExceeded, .readTimeout: self = .timeout
            case .remoteConnectionClosed: self = .closed
            case .alreadyShutdown, .invalidURL, .emptyHost, .emptyScheme: self = .notSent("\(error)")
            default: self = .other(Self.short(error))
            }
        case let error as NIOConnectionError:
            let errnos = error.connectionErrors.compactMap { ($0.error as? IOError)?.errnoCode }
            self = errnos.contains(ECONNREFUSED) ? .refused : .unreachable
        case let error as IOError where [ECONNREFUSED].contains(error.errnoCode):
            self = .refused
        case let error as IOError where [EHOSTUNREACH, ENETUNREACH].contains(error.errnoCode):
            self = .unreachable
        case ChannelError.connectTimeout:
            self = .unreachable
        default:
            self = .other(Self.short(error))
        }
    }

    /// Nothing reached the vendor: a change was certainly not carried out.
    public var neverSent: Bool {
        switch self {
        case .refused, .unreachable, .notSent: true
        case .timeout, .closed, .other: false
        }
    }

    /// Short and free of secrets (no URL with a token, no body).
    public var description: String {
        switch self {
        case .refused: "connection refused"
        case .unreachable: "cannot connect"
        case .timeout: "timeout"
        case .closed: "connection closed"
        case .notSent(let why): "not sent: \(why)"
        case .other(let text): text
        }
    }

    private static func short(_ error: any Error) -> String {
        let text = "\(error)"
        return text.count > 120 ? String(text.prefix(120)) : text
    }
}

/// A vendor's base URL as configured, without the trailing slash an operator may have typed.
public func vendorBaseURL(_ url: String) -> String {
    var trimmed = Substring(url)
    while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
    return String(trimmed)
}

extension Duration {
    /// A call timeout as AsyncHTTPClient takes it.
    public var timeAmount: TimeAmount {
        .nanoseconds(components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000)
    }
}
