import Foundation
import NIOSSL

/// The files named by `mqtt.tls.*`, checked before they are needed (`gatehouse check-config`):
/// each must be readable, hold what its key says, and its certificates must be valid now.
///
/// Only `check-config` runs the expiry checks: `run` must start with an expired certificate
/// too, keep retrying and pick up the renewed file at the next reconnect (docs/broker.md, "TLS").
public enum TLSFileCheck {
    /// A certificate that expires sooner than this gets a warning.
    static let renewalWarning: TimeInterval = 14 * 86_400

    /// Problems with the TLS files of `mqtt`, none when the url is not `mqtts://`.
    public static func problems(_ mqtt: GatehouseConfig.MQTTSettings, now: Date = Date()) -> [ConfigProblem] {
        guard mqtt.usesTLS else { return [] }
        var problems: [ConfigProblem] = []
        if let ca = mqtt.tls.ca { problems += certificates(ca, key: "mqtt.tls.ca", now: now) }
        if let cert = mqtt.tls.cert { problems += certificates(cert, key: "mqtt.tls.cert", now: now) }
        if let key = mqtt.tls.key {
            if let problem = unreadable(key) {
                problems.append(ConfigProblem(path: "mqtt.tls.key", message: problem))
            } else if (try? NIOSSLPrivateKey(file: key, format: .pem)) == nil {
                problems.append(ConfigProblem(path: "mqtt.tls.key", message: "'\(key)' holds no PEM private key (or one with a passphrase, which Gatehouse cannot use)"))
            }
        }
        return problems
    }

    /// Why `path` cannot be read by this process, or nil when it can.
    static func unreadable(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            let reason = access(path, F_OK) == 0 ? "permission denied" : "no such file"
            return "cannot read '\(path)': \(reason)"
        }
        try? handle.close()
        return nil
    }

    private static func certificates(_ path: String, key: String, now: Date) -> [ConfigProblem] {
        if let problem = unreadable(path) { return [ConfigProblem(path: key, message: problem)] }
        guard let certificates = try? NIOSSLCertificate.fromPEMFile(path), !certificates.isEmpty else {
            return [ConfigProblem(path: key, message: "'\(path)' holds no PEM certificate")]
        }
        // The client certificate is the first one of its file (a chain may follow); a CA file is
        // a bundle, in which every certificate counts.
        let checked = key == "mqtt.tls.ca" ? certificates : [certificates[0]]
        return checked.compactMap { validity($0, path: path, key: key, now: now) }
    }

    private static func validity(_ certificate: NIOSSLCertificate, path: String, key: String, now: Date) -> ConfigProblem? {
        let notBefore = Date(timeIntervalSince1970: TimeInterval(certificate.notValidBefore))
        let notAfter = Date(timeIntervalSince1970: TimeInterval(certificate.notValidAfter))
        let stamp = { (date: Date) in ISO8601DateFormatter().string(from: date) }
        if notAfter < now {
            let effect = key == "mqtt.tls.ca" ? "brokers it signed cannot be verified" : "the broker refuses it"
            return ConfigProblem(path: key, message: "'\(path)' holds a certificate that expired on \(stamp(notAfter)): \(effect)")
        }
        if notBefore > now {
            return ConfigProblem(path: key, message: "'\(path)' holds a certificate not valid before \(stamp(notBefore))")
        }
        if notAfter.timeIntervalSince(now) < renewalWarning {
            return ConfigProblem(
                path: key, message: "'\(path)' holds a certificate that expires on \(stamp(notAfter)): renew it (picked up at the next reconnect)",
                severity: .warning)
        }
        return nil
    }
}
