import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `gatehouse run` against a TLS broker: a config file with the given `mqtt` section, a store,
/// base topic and client id of its own, its HTTP listener on a free port, quick reconnects.
public final class TLSBridgeProcess: Sendable {
    public let process: GatehouseProcess
    public let base: String
    public let clientID: String
    public let configFile: URL

    /// `mqttSection` is YAML starting with `mqtt:`.
    public init(mqttSection: String) throws {
        let unique = UUID().uuidString.prefix(8).lowercased()
        base = "tls-\(unique)"
        clientID = "gatehouse-tls-\(unique)"
        let directory = TestFiles.directory("tls-bridge")
        configFile = directory.appendingPathComponent("gatehouse.yml")
        try mqttSection.write(to: configFile, atomically: true, encoding: .utf8)
        process = try GatehouseProcess(
            ["run", "--config", configFile.path],
            environment: [
                "GATEHOUSE_MQTT_BASE_TOPIC": base,
                "GATEHOUSE_MQTT_CLIENT_ID": clientID,
                "GATEHOUSE_STORE_PATH": directory.appendingPathComponent("gatehouse.sqlite").path,
                "GATEHOUSE_HTTP_LISTEN": "127.0.0.1:0",
                "GATEHOUSE_MQTT_RECONNECT_MIN_DELAY": "200ms",
                "GATEHOUSE_MQTT_RECONNECT_MAX_DELAY": "1s",
            ])
    }

    public var output: String { process.text }

    /// How often `text` is in the output so far.
    public func count(_ text: String) -> Int { output.components(separatedBy: text).count - 1 }

    /// Waits until `text` was logged `times` times: the bridge is retrying, not stuck.
    public func waitFor(_ text: String, times: Int, timeout: Duration = .seconds(15)) async throws {
        try await until("'\(text)' logged \(times) times:\n\(output)", timeout: timeout) { count(text) >= times }
    }

    /// The HTTP listener's port, from its start-up line.
    public func httpPort() async throws -> Int {
        let marker = "HTTP listener on 127.0.0.1:"
        try await process.waitForOutput(marker)
        let rest = output.components(separatedBy: marker)[1]
        guard let port = Int(rest.prefix { $0.isNumber }) else { throw TestFailure("no HTTP port in:\n\(output)") }
        return port
    }

    /// GET /healthz: status and body.
    public func healthz() async throws -> (status: Int, body: Data) {
        let port = try await httpPort()
        guard let url = URL(string: "http://127.0.0.1:\(port)/healthz") else { throw TestFailure("bad url") }
        let (body, response) = try await URLSession.shared.data(from: url)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, body)
    }

    public func stop() async {
        process.signal(SIGTERM)
        _ = try? await process.waitForExit()
    }
}
