import Foundation
import Topics

/// A vendor-shaped error answer: HTTP status plus `{"ECode","EMessage"}`.
struct FacadeError: Error, Sendable {
    var status: Int
    var code: String
    var message: String

    /// Codes the vendor defines (1, 2, 10) are kept; the rest are Gatehouse's, listed in docs/adapters/ozlocks.md.
    /// A change whose outcome is unknown (`timeout`: the lock server may still cut the card) is
    /// 500 ECode 11, never the vendor's 400 "server not available", which a PMS retries.
    init(_ error: GatehouseError, change: Bool = false) {
        if change && error.code == .timeout {
            self.init(
                status: 500, code: "11",
                message: "outcome unknown: the lock system may still complete this; read the card or the lock before trying again (\(error.message))")
            return
        }
        if let vendor = error.vendor {
            self.init(status: 500, code: vendor.code, message: vendor.message)
            return
        }
        switch error.code {
        case .roomNotFound: self.init(status: 500, code: "1", message: error.message)
        case .cardAbsent: self.init(status: 500, code: "2", message: error.message)
        case .lockOffline: self.init(status: 500, code: "10", message: error.message)
        case .unsupported: self.init(status: 500, code: "3", message: error.message)
        case .invalidRequest: self.init(status: 500, code: "5", message: error.message)
        case .busy: self.init(status: 500, code: "7", message: error.message)
        case .expired: self.init(status: 500, code: "9", message: error.message)
        case .upstreamUnavailable, .timeout, .noHandler, .unauthorized, .retainedCommand, .internal:
            // 400 is the vendor's "server not available".
            self.init(status: 400, code: "400", message: error.message)
        }
    }

    init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    static func field(_ name: String, _ problem: String) -> FacadeError {
        FacadeError(status: 500, code: "5", message: "field '\(name)': \(problem)")
    }

    var body: Data {
        (try? JSONEncoder().encode(["ECode": code, "EMessage": message])) ?? Data()
    }

    /// Names the field a vendor-JSON decoding error is about.
    static func decoding(_ error: any Error) -> FacadeError {
        guard let error = error as? DecodingError else { return FacadeError(status: 500, code: "5", message: "unreadable request") }
        func path(_ keys: [any CodingKey]) -> String { keys.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, let context): return field(path(context.codingPath + [key]), "missing")
        // An empty coding path is the body itself (`[null, null]`, `"x"`): no field to name.
        case .typeMismatch(_, let context) where context.codingPath.isEmpty,
            .valueNotFound(_, let context) where context.codingPath.isEmpty:
            return FacadeError(status: 500, code: "5", message: "the body must be a JSON object")
        case .typeMismatch(_, let context): return field(path(context.codingPath), "wrong type")
        case .valueNotFound(_, let context): return field(path(context.codingPath), "must not be null")
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? FacadeError(status: 500, code: "5", message: "the body is not valid JSON")
                : field(path(context.codingPath), "invalid value")
        @unknown default: return FacadeError(status: 500, code: "5", message: "unreadable request")
        }
    }
}
