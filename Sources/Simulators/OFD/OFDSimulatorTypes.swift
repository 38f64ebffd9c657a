extension OFDSimulator {
    /// A switchable misbehaviour of the operator, applied before the token check (`afterProcessing`:
    /// after the request has been carried out).
    public enum Fault: Sendable, Equatable {
        /// Answers normally.
        case none
        /// HTTP 403 with an empty body, on every endpoint it is set for (CreateAuthToken too).
        case forbidden
        /// HTTP 200 `{"Success":false,"Errors":[message]}`.
        case successFalse(message: String)
        /// HTTP 200 `{"Error":{"Code":"InternalError","Message":message}}`.
        case errorObject(message: String)
        /// This status (500, 502, 503 …) with a small HTML page, as a proxy in front of the API would send.
        case serverError(status: Int)
        /// HTTP 429 with this `Retry-After` header (seconds, or an HTTP date) and an empty body.
        case tooManyRequests(retryAfter: String)
        /// Waits this long, then answers normally.
        case slow(Duration)
        /// HTTP 200 `{"Errors":[message]}`, without `Success`.
        case errorsList(message: String)
        /// HTTP 200 `{"Message":message}`: nothing else.
        case messageOnly(message: String)
        /// HTTP 200 `{}`: no `Data`, no `Success`, nothing.
        case emptyObject
        /// HTTP 200 `{"Success":false,"Errors":["AuthToken недействителен или истёк"]}` whatever the
        /// token: the operator refusing the token in the body instead of with 401.
        case tokenErrorInBody
        /// Carries the request out (a pay spends its code and pays the register), then answers this
        /// status with the HTML page of `serverError`: a proxy that lost the operator's answer.
        case afterProcessing(status: Int)
    }

    /// How a missing, unknown or expired token is refused.
    public enum TokenRefusal: Sendable {
        /// HTTP 401 with an empty body (the default).
        case status401
        /// HTTP 200 with the body of `Fault.tokenErrorInBody`.
        case errorInBody
    }

    /// The operator's four methods, as counted by `calls(_:)` and targeted by `setFault(_:for:)`.
    public enum Endpoint: String, Sendable, CaseIterable {
        case createAuthToken, pay, payStatus, kkts
    }

    /// What a successful `kkt/pay` answers.
    public enum PayOutcome: Sendable {
        /// `{"IsCompleted":true,"IsWaiting":false}`: the register is paid (status `Payed`).
        case completed
        /// `{"IsCompleted":false,"IsWaiting":true}`: waiting for the register's first document (`WaitingActivation`).
        case waiting
    }
}
