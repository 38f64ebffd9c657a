import Foundation
import Hummingbird

/// Which method a request path names. Paths compare case-insensitively, as ASP.NET routes do (the
/// spec itself writes `Authorization` capitalised and `integration` not), and a trailing `/` is ignored.
enum OFDRoute: Equatable {
    case createAuthToken
    /// A method that needs an AuthToken.
    case partner(OFDPartnerCall)

    init?(path: String) {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if segments.last == "" { segments.removeLast() }
        let lower = segments.map { $0.lowercased() }
        // The INN in `…/inn/{inn}/kkts` after this prefix.
        func inn(after prefix: [String]) -> String? {
            guard lower.count == prefix.count + 3, Array(lower.prefix(prefix.count)) == prefix,
                  lower[prefix.count] == "inn", lower[prefix.count + 2] == "kkts" else { return nil }
            let raw = segments[prefix.count + 1]
            return raw.isEmpty ? nil : raw.removingPercentEncoding ?? raw
        }
        let partner = ["", "api", "integration", "partner", "v1"]
        if lower == ["", "api", "authorization", "createauthtoken"] {
            self = .createAuthToken
        } else if lower == partner + ["kkt", "pay"] {
            self = .partner(.pay)
        } else if lower == partner + ["kkt", "paystatus"] {
            self = .partner(.payStatus)
        } else if let inn = inn(after: partner) ?? inn(after: ["", "api", "integration", "v1"]) {
            // The spec's first example leaves out `partner`; both spellings are served.
            self = .partner(.kkts(inn: inn))
        } else {
            return nil
        }
    }

    var endpoint: OFDSimulator.Endpoint {
        switch self {
        case .createAuthToken: .createAuthToken
        case .partner(.pay): .pay
        case .partner(.payStatus): .payStatus
        case .partner(.kkts): .kkts
        }
    }

    var method: HTTPRequest.Method {
        switch self {
        case .createAuthToken, .partner(.pay): .post
        case .partner(.payStatus), .partner(.kkts): .get
        }
    }
}

/// The partner methods behind the token check.
enum OFDPartnerCall: Equatable {
    case pay
    case payStatus
    case kkts(inn: String)
}
