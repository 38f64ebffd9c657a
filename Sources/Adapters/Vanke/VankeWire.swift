import Foundation
import Topics

/// The Vanke wire. Every request carries `version`, `token`, `parkingLotId`, `time`; pushes also
/// `appId` (the bodies are written in `VankePlatformClient.body`, `appld` typo included).
enum VankeWire {
    static let version = "1.0"

    /// Every answer: respCode "0" success (for receivePlateNumber: open), "1" not.
    /// Read leniently: a number is accepted for the code.
    struct Answer {
        var respCode: String
        var respDesc: String?

        /// nil when the body is not a JSON object with a respCode.
        init?(_ data: Data) {
            guard let value = try? JSONValue.parse(data) else { return nil }
            if let text = value["respCode"]?.stringValue {
                respCode = text
            } else if let number = value["respCode"]?.intValue {
                respCode = String(number)
            } else {
                return nil
            }
            respDesc = value["respDesc"]?.stringValue
        }
    }
}
