import Foundation

/// One mosquitto for the TLS tests, with certificates made for it by `scripts/tls-pki.sh` and a
/// TLS listener per case, next to its plain loopback listener (for watchers).
///
/// The listener that asks for client certificates is the one docs/broker.md shows: its lines are
/// read from there, with the paths and the port replaced, so the documented example is the tested
/// one. Started once per test process; `make test` stops it with the run's other brokers.
public final class TLSTestBroker: Sendable {
    /// What each TLS listener presents.
    public enum Listener: String, Sendable, CaseIterable {
        /// docs/broker.md's listener: the CA's server certificate, client certificates required,
        /// the certificate's CN as the username.
        case clientCertificates
        /// The CA's server certificate for localhost and 127.0.0.1; no client certificate needed.
        case verified
        /// The same, expired yesterday.
        case expired
        /// Signed by the CA, for the host name broker.invalid only.
        case wrongHost
    }

    public let broker: TestBroker
    /// The folder with the certificates (see scripts/tls-pki.sh for the names).
    public let pki: URL
    public let ports: [Listener: Int]
    /// The Gatehouse side of docs/broker.md's example (`mqtt:` with `url` and `tls`), its paths
    /// pointing at `pki` and its url at the `clientCertificates` listener.
    public let documentedConfig: String

    public static let shared: TLSTestBroker = {
        do { return try TLSTestBroker() } catch { fatalError("cannot start the TLS test broker: \(error)") }
    }()

    public var plainPort: Int { broker.port }
    public func port(_ listener: Listener) -> Int { ports[listener] ?? 0 }
    public func file(_ name: String) -> String { pki.appendingPathComponent(name).path }
    public var log: String { (try? String(contentsOf: broker.directory.appendingPathComponent("mosquitto.log"), encoding: .utf8)) ?? "" }

    private init() throws {
        pki = TestFiles.directory("tls-pki")
        let made = try Subprocess.runBlocking(
            "/bin/bash", [TestBroker.repositoryRoot.appendingPathComponent("scripts/tls-pki.sh").path, pki.path])
        guard made.status == 0 else { throw TestFailure("scripts/tls-pki.sh failed (\(made.status))") }
        let docs = try DocumentedTLSExample.read()
        var lastError: any Error = TestFailure("no attempt")
        // The TLS ports are picked here, free a moment ago: another process may take one first.
        for _ in 0..<3 {
            var ports: [Listener: Int] = [:]
            for listener in Listener.allCases { ports[listener] = try FreePort.pick() }
            let config = Self.brokerConfig(docs.broker, pki: pki, ports: ports)
            do {
                broker = try TestBroker.start(extraConfig: config)
                self.ports = ports
                documentedConfig = docs.gatehouse(pki: pki, port: ports[.clientCertificates] ?? 0)
                return
            } catch {
                lastError = error
            }
        }
        throw lastError
    }

    private static func brokerConfig(_ documented: String, pki: URL, ports: [Listener: Int]) -> String {
        let dir = pki.path
        func listener(_ which: Listener, certificate: String) -> String {
            """
            listener \(ports[which] ?? 0) 127.0.0.1
            certfile \(dir)/\(certificate)
            keyfile \(dir)/server.key

            """
        }
        return DocumentedTLSExample.brokerLines(documented, pki: pki, port: ports[.clientCertificates] ?? 0) + "\n"
            + listener(.verified, certificate: "server.crt") + listener(.expired, certificate: "expired.crt")
            + listener(.wrongHost, certificate: "wrong-host.crt")
    }
}

/// The TLS example of docs/broker.md: the broker's listener and Gatehouse's `mqtt` section.
enum DocumentedTLSExample {
    struct Blocks {
        var broker: String
        var gatehouseYAML: String

        /// Gatehouse's section with the test's files and port.
        func gatehouse(pki: URL, port: Int) -> String {
            gatehouseYAML
                .replacingOccurrences(of: "/etc/gatehouse/tls/gatehouse.", with: "\(pki.path)/client.")
                .replacingOccurrences(of: "/etc/gatehouse/tls/", with: "\(pki.path)/")
                .replacingOccurrences(of: "broker.example:8883", with: "localhost:\(port)")
        }
    }

    static func read() throws -> Blocks {
        let text = try String(
            contentsOf: TestBroker.repositoryRoot.appendingPathComponent("docs/broker.md"), encoding: .utf8)
        let blocks = fencedBlocks(text)
        guard let broker = blocks.first(where: { $0.contains("require_certificate true") }),
            let gatehouse = blocks.first(where: { $0.contains("mqtts://") && $0.contains("cert:") })
        else { throw TestFailure("docs/broker.md has no TLS example (a listener block and an mqtt: block)") }
        return Blocks(broker: broker, gatehouseYAML: gatehouse)
    }

    /// The broker's lines with the test's files and a loopback port.
    static func brokerLines(_ block: String, pki: URL, port: Int) -> String {
        block.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.hasPrefix("listener ") { return "listener \(port) 127.0.0.1" }
            return line.replacingOccurrences(of: "/etc/mosquitto/tls/", with: "\(pki.path)/")
        }.joined(separator: "\n")
    }

    private static func fencedBlocks(_ text: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                if let lines = current {
                    blocks.append(lines.joined(separator: "\n"))
                    current = nil
                } else {
                    current = []
                }
            } else {
                current?.append(line)
            }
        }
        return blocks
    }
}
