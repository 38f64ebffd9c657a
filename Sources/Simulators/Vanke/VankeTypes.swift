import Foundation

/// A push that passed the platform's checks, with what the platform answered to it.
public struct VankePush: Sendable, Equatable {
    /// "receivePlateNumber", "receiveCrossGate" or "receiveAbnormal".
    public let endpoint: String
    /// Every top-level member as text: strings as they are, numbers as their decimal text,
    /// booleans as true/false, arrays and objects as compact JSON; null members are left out.
    public let fields: [String: String]
    /// "0" or "1", as answered (a denied plate, or the respCode1 fault, is "1").
    public let answeredRespCode: String
    /// The respDesc answered with respCode "1"; nil with "0".
    public let answeredRespDesc: String?
    public let receivedAt: Date

    public var uuid: String? { fields["uuid"] }

    public init(endpoint: String, fields: [String: String], answeredRespCode: String, answeredRespDesc: String? = nil,
                receivedAt: Date) {
        self.endpoint = endpoint
        self.fields = fields
        self.answeredRespCode = answeredRespCode
        self.answeredRespDesc = answeredRespDesc
        self.receivedAt = receivedAt
    }
}

/// A push refused for a token, time, id, field or body problem (HTTP 200, respCode "1").
public struct VankeRejectedPush: Sendable, Equatable {
    public let endpoint: String
    /// The respDesc answered: it names the field or the problem.
    public let respDesc: String
    /// The request body as received (UTF-8, invalid bytes replaced).
    public let body: String

    public init(endpoint: String, respDesc: String, body: String) {
        self.endpoint = endpoint
        self.respDesc = respDesc
        self.body = body
    }
}

/// What the console (or any watcher) hears about each push as it is answered.
public enum VankeEvent: Sendable, Equatable {
    case accepted(VankePush)
    case rejected(VankeRejectedPush)
}

/// A switchable misbehaviour of the platform, for all three push endpoints or one (`setFault`).
public enum VankeFault: Sendable, Equatable {
    /// Answers normally.
    case none
    /// Waits this long, then answers normally.
    case slow(Duration)
    /// HTTP 200 with a body that is not JSON (a truncated object).
    case garbage
    /// This status (e.g. 500, 502) with a small HTML page, as a proxy in front would send.
    case httpStatus(Int)
    /// Every push is checked as usual, but a good one is answered respCode "1" with this text.
    case respCode1(String)
    /// Checks and records the push as usual (the platform has processed it), then drops the
    /// connection without an answer, whatever the answer would have been: what a supplier sees
    /// as a network error.
    case acceptThenDrop
    /// Never answers; released (and then answered as the fault then in force says) by setFault or stop.
    case hang
}

/// A member value for a call to the supplier.
public enum VankeValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case string(String)
    case int(Int)
    /// JSON text inserted as is, e.g. the array of receiveShowMsg's msg.
    case raw(String)

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
}

/// How a call to the supplier is signed.
public enum VankeCallCredentials: Sendable, Equatable {
    /// The current time, the configured parkingLotId, a correct token.
    case valid
    /// A well-formed token made with another secret.
    case wrongToken
    /// No token member at all.
    case missingToken
    /// A correctly signed request whose time is this date (for the supplier's time-window checks).
    case time(Date)
    /// A correctly signed request for another parking lot (the token does not cover the lot).
    case parkingLotId(String)
}

/// What the supplier answered to a call.
public struct VankeSupplierAnswer: Sendable {
    /// HTTP status.
    public let status: Int
    /// The raw body.
    public let body: Data
    public let contentType: String?

    public init(status: Int, body: Data, contentType: String?) {
        self.status = status
        self.body = body
        self.contentType = contentType
    }

    /// The body as text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// respCode when the body is a JSON object whose respCode is a string (the spec's type); nil otherwise.
    public var respCode: String? { member("respCode") }
    public var respDesc: String? { member("respDesc") }

    private func member(_ name: String) -> String? {
        guard case .object(let members)? = try? JSONDecoder().decode(VankeJSON.self, from: body),
              case .string(let text)? = members.first(where: { $0.0 == name })?.1 else { return nil }
        return text
    }
}

/// One call to the supplier's interfaces and its answer (see `VankePlatformSimulator.onSupplierExchange`).
public struct VankeSupplierExchange: Sendable {
    /// The endpoint's name (`receiveOpenGate`).
    public let endpoint: String
    /// The request path (`/receiveOpenGate`, under the supplier URL's own path if it has one).
    public let path: String
    /// The request body as sent.
    public let request: Data
    public let answer: VankeSupplierAnswer
}

/// waitForPushes ran out of time.
public struct VankeWaitTimeout: Error, CustomStringConvertible {
    public let endpoint: String
    public let expected: Int
    public let arrived: Int

    public var description: String {
        "timed out waiting for \(expected) accepted \(endpoint) push(es); \(arrived) arrived"
    }
}
