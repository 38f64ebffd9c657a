/// The `error.code` values of a response (DESIGN §2, request/response).
public enum ErrorCode: String, Codable, Sendable, CaseIterable {
    /// Bad JSON, or a missing or malformed field (the message names the field).
    case invalidRequest = "invalid-request"
    /// A request or command arrived retained and was not executed.
    case retainedCommand = "retained-command"
    /// The request outlived its Message Expiry or `expiresAt`.
    case expired
    /// The operation is not available for this lock series or adapter.
    case unsupported
    /// The vendor does not know the room.
    case roomNotFound = "room-not-found"
    /// No card on the encoder.
    case cardAbsent = "card-absent"
    /// The lock does not answer its gateway.
    case lockOffline = "lock-offline"
    /// The encoder is in use and its queue is full.
    case busy
    /// The vendor refused our credentials.
    case unauthorized
    /// The vendor is unreachable or answered 400/5xx without a known code.
    case upstreamUnavailable = "upstream-unavailable"
    /// No answer in time (vendor, encoder or another adapter).
    case timeout
    /// Nobody serves this encoder or lock.
    case noHandler = "no-handler"
    /// A bug or an unexpected local failure.
    case `internal`
}

/// The vendor's own code and text, passed through for operators.
public struct VendorError: Codable, Sendable, Equatable, Hashable {
    /// The vendor's code as text (`"1"`, `"BY"`).
    public var code: String
    /// The vendor's message, untranslated.
    public var message: String

    /// A vendor code and its text as the vendor wrote it.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// The `error` object of a response; also the error type thrown across the bridge.
public struct GatehouseError: Error, Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The contract's error code.
    public var code: ErrorCode
    /// What went wrong, for people; names the field for `invalid-request`.
    public var message: String
    /// The vendor's own code and text, when the error came from a vendor.
    public var vendor: VendorError?
    /// True on a `timeout` whose work was started and may still take effect (a vendor call under
    /// way): the requester must check (read the card, the lock state), never blindly retry.
    public var inDoubt: Bool?

    /// An error with a human-readable message and, when the vendor gave one, its own code.
    public init(_ code: ErrorCode, _ message: String, vendor: VendorError? = nil, inDoubt: Bool? = nil) {
        self.code = code
        self.message = message
        self.vendor = vendor
        self.inDoubt = inDoubt
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// `invalid-request` naming the field: `field 'room': missing`.
    public static func invalidRequest(field: String, problem: String) -> GatehouseError {
        GatehouseError(.invalidRequest, "field '\(field)': \(problem)")
    }

    /// `invalid-request` about the payload as a whole (not JSON, not an object).
    public static func invalidRequest(_ problem: String) -> GatehouseError {
        GatehouseError(.invalidRequest, problem)
    }

    /// `retained-command`: a retained message on a request or command topic.
    public static func retainedCommand(topic: String) -> GatehouseError {
        GatehouseError(.retainedCommand, "retained message on \(topic) refused: requests are never executed from retained messages")
    }

    /// `expired`: the request is older than its lifetime.
    public static func expired(_ detail: String = "the request expired before it could be executed") -> GatehouseError {
        GatehouseError(.expired, detail)
    }

    /// `unsupported`: the operation is not available here.
    public static func unsupported(operation: String, reason: String) -> GatehouseError {
        GatehouseError(.unsupported, "\(operation) is not supported: \(reason)")
    }

    /// `no-handler`: nothing serves the addressed lock, encoder or adapter.
    public static func noHandler(_ target: String) -> GatehouseError {
        GatehouseError(.noHandler, "nothing serves \(target)")
    }

    /// `timeout`: no answer in time.
    public static func timeout(_ what: String) -> GatehouseError {
        GatehouseError(.timeout, "\(what) did not answer in time")
    }

    /// `internal`: a bug or an unexpected local failure.
    public static func `internal`(_ detail: String) -> GatehouseError {
        GatehouseError(.internal, detail)
    }
}
