import Bridge
import Crypto
import Foundation

/// `token = MD5(time + "&" + appId + "&" + appSecret)`, lower-case hex (spec: token 生成说明).
enum VankeToken {
    static func make(time: String, appId: String, secret: Secret) -> String {
        let digest = Insecure.MD5.hash(data: Data("\(time)&\(appId)&\(secret.reveal())".utf8))
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Compared in constant time: the duration does not tell how much of a guess was right.
    static func verify(_ token: String, time: String, appId: String, secret: Secret) -> Bool {
        ConstantTime.equals(token.lowercased(), make(time: time, appId: appId, secret: secret))
    }
}
