import Foundation
import Topics

/// Field rules of the Russian fiscal identifiers, checked before anything reaches the operator.
enum OFDValidation {
    /// INN: 10 digits (organisation) or 12 (individual) with the tax service's check digits.
    static func isValidINN(_ inn: String) -> Bool {
        // ASCII only: `wholeNumberValue` also reads "²" or "٣" as digits, which no INN holds and
        // which made the operator's URL unbuildable.
        let digits = inn.unicodeScalars.compactMap { (48...57).contains($0.value) ? Int($0.value) - 48 : nil }
        guard digits.count == inn.unicodeScalars.count else { return false }
        func check(_ weights: [Int]) -> Int { zip(weights, digits).map(*).reduce(0, +) % 11 % 10 }
        switch digits.count {
        case 10: return check([2, 4, 10, 3, 5, 9, 4, 6, 8]) == digits[9]
        case 12:
            return check([7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == digits[10]
                && check([3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == digits[11]
        default: return false
        }
    }

    static func inn(_ value: String, field: String = "inn") throws(GatehouseError) {
        guard isValidINN(value) else {
            throw GatehouseError.invalidRequest(field: field, problem: "must be 10 or 12 digits with valid check digits")
        }
    }

    /// KPP: 9 characters (4 digits, 2 digits or capital letters, 3 digits).
    static func kpp(_ value: String) throws(GatehouseError) {
        let chars = Array(value)
        let digit: (Character) -> Bool = { $0.isASCII && $0.isNumber }
        let ok = chars.count == 9 && chars[0..<4].allSatisfy(digit) && chars[6..<9].allSatisfy(digit)
            && chars[4..<6].allSatisfy { digit($0) || ("A"..."Z").contains($0) }
        guard ok else { throw GatehouseError.invalidRequest(field: "kpp", problem: "must be 9 characters (NNNNXXNNN)") }
    }

    /// RNM (register's registration number): 16 digits as registers carry them (the kkts
    /// example's `KktRegId`), or 14 as the spec's own kkt/pay and paystatus examples write them.
    /// The operator knows its registers; refusing its own examples would only be in the way.
    static func rnm(_ value: String) throws(GatehouseError) {
        guard [14, 16].contains(value.count), value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw GatehouseError.invalidRequest(field: "rnm", problem: "must be 14 or 16 digits")
        }
    }

    static func email(_ value: String) throws(GatehouseError) {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        let ok = parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".")
            && !parts[1].hasSuffix(".") && !value.contains(" ")
        guard ok else { throw GatehouseError.invalidRequest(field: "email", problem: "is not an e-mail address") }
    }

    /// A pay-status period. The spec sets no longest period (a 30-day limit was once assumed and
    /// refused what the operator may answer); if it has one, its refusal comes back with its text.
    static func period(from: Date, to: Date) throws(GatehouseError) {
        guard from <= to else { throw GatehouseError.invalidRequest(field: "to", problem: "must not be before from") }
    }
}
