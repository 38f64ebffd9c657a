import Crypto
import Foundation

/// The standard's token (V1.7, "token 生成说明"): lower-case hex MD5 of `time&appId&appSecret`, where
/// time is the request's own `time` member. The same formula signs both directions.
enum VankeToken {
    static func make(time: String, appId: String, appSecret: String) -> String {
        Insecure.MD5.hash(data: Data("\(time)&\(appId)&\(appSecret)".utf8))
            .map { String(format: "%02x", $0) }.joined()
    }

    /// Compares in time independent of where the strings differ. Case matters: the spec's example is
    /// lower-case and nothing says upper-case is accepted.
    static func matches(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8), b = Array(expected.utf8)
        var difference: UInt8 = a.count == b.count ? 0 : 1
        for index in b.indices { difference |= b[index] ^ (index < a.count ? a[index] : 0) }
        return difference == 0
    }
}
