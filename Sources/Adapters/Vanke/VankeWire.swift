import Foundation

/// Bodies on the Vanke wire. Every request carries `version`, `token`, `parkingLotId`, `time`;
/// pushes also `appId`. Field names are the spec's, typos aside (see `CrossGate.appld`).
enum VankeWire {
    static let version = "1.0"

    /// receivePlateNumber.
    struct PlateNumber: Encodable {
        var version = VankeWire.version
        var token: String
        var appId: String
        var parkingLotId: String
        var time: String
        var deviceNo: String
        var uuid: String
        var recognitionTime: String
        /// A URL a browser opens (spec V1.4), not the picture itself.
        var image: String
        /// Empty when the camera read no plate (若识别不到，则放空).
        var plateNumber: String
        var color: String
        var reliability: Int?
    }

    /// receiveCrossGate. The spec's table names the supplier id `appld` (a typo of `appId`): both
    /// are sent, so a platform that reads either finds it.
    struct CrossGate: Encodable {
        var version = VankeWire.version
        var token: String
        var appId: String
        var appld: String
        var parkingLotId: String
        var time: String
        var deviceNo: String
        var uuid: String
        var plateNumber: String
        var color: String
        var crossTime: String
    }

    /// receiveAbnormal.
    struct Abnormal: Encodable {
        var version = VankeWire.version
        var token: String
        var appId: String
        var parkingLotId: String
        var time: String
        var abnormalCode: String
        var deviceNo: String?
        var msg: String
    }

    /// Every answer: respCode "0" success (for receivePlateNumber: open), "1" not.
    /// Read leniently: a number is accepted for the code.
    struct Answer: Decodable {
        var respCode: String
        var respDesc: String?

        private enum Keys: String, CodingKey { case respCode, respDesc }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            if let text = try? container.decode(String.self, forKey: .respCode) {
                respCode = text
            } else {
                respCode = String(try container.decode(Int.self, forKey: .respCode))
            }
            respDesc = try? container.decodeIfPresent(String.self, forKey: .respDesc)
        }
    }
}
