import Foundation
import Topics

/// An error the operator reported in an HTTP 200 body, in any of its shapes: `Error: {Code,
/// Message}`, `Success: false`, `Errors: […]`, or a `Message` with neither `Success: true` nor
/// `Data`. Taken as success, one became a pay status and another an empty register list.
struct OFDFailure {
    let error: GatehouseError
    /// The text is about the AuthToken (invalid, expired, not authorised): the spec does not say
    /// how the operator refuses a token, and a 200 body saying so must renew it like a 401 does,
    /// not reach the requester as a refusal of its request.
    let aboutToken: Bool

    init?(_ data: Data) {
        guard let failure = try? JSONDecoder().decode(OFDWire.Failure.self, from: data) else { return nil }
        let text: String
        let code: String
        if let object = failure.Error {
            text = object.Message ?? "error \(object.Code ?? "?")"
            code = object.Code ?? "error"
        } else {
            let errors = (failure.Errors ?? []).joined(separator: "; ").nonEmpty
            guard failure.Success == false || errors != nil || (failure.Message != nil && failure.Success != true && failure.Data == nil)
            else { return nil }
            text = errors ?? failure.Message ?? "Success: false"
            code = failure.Success == false ? "Success:false" : errors != nil ? "Errors" : "Message"
        }
        error = GatehouseError(.invalidRequest, "the operator refused: \(text)", vendor: VendorError(code: code, message: text))
        let words = "\(code) \(text)".lowercased()
        aboutToken = ["token", "токен", "авторизац", "unauthori"].contains { words.contains($0) }
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
