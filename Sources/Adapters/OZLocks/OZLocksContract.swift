import Foundation
import Topics

// The hotel payloads are the contract's, in Topics (HotelPayloads.swift).

/// Lock codes: 6–8 digits (vendor rule), checked before anything is sent.
enum LockCode {
    static func validate(_ code: String) throws(GatehouseError) {
        guard (6...8).contains(code.count), code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw GatehouseError.invalidRequest(field: "code", problem: "must be 6 to 8 digits")
        }
    }
}
