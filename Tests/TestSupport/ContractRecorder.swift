import Bridge
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends every message a `MessageCollector` receives to the file named by
/// `GATEHOUSE_CONTRACT_LOG`, one JSON line each:
/// `{"topic":…,"payload_b64":…,"retain":…,"qos":…}`, and every HTTP exchange a test has with an
/// endpoint Gatehouse serves (`recordHTTP`) as
/// `{"kind":"http","api":…,"method":…,"path":…,"status":…,"request_b64":…,"response_b64":…,"contentType":…}`.
/// `scripts/check-contract.py` validates the MQTT lines against `docs/asyncapi.yaml` and the HTTP
/// lines against `docs/openapi/<api>.yaml` after `make test`.
///
/// The file is opened once with `O_APPEND` and each line goes out in one `write` under a lock,
/// so lines from parallel tests (and from several test processes) never interleave. Without the
/// variable `shared` is nil and collectors skip recording entirely.
public final class ContractRecorder: Sendable {
    /// The recorder of this process, or nil when `GATEHOUSE_CONTRACT_LOG` is unset or empty.
    public static let shared: ContractRecorder? = {
        guard let path = ProcessInfo.processInfo.environment["GATEHOUSE_CONTRACT_LOG"], !path.isEmpty else { return nil }
        return ContractRecorder(path: path)
    }()

    private let descriptor: Mutex<Int32>

    /// Opens (creating) `path` for appending; a file that cannot be opened records nothing.
    public init?(path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            FileHandle.standardError.write(Data("ContractRecorder: cannot open \(path): errno \(errno)\n".utf8))
            return nil
        }
        descriptor = Mutex(fd)
    }

    deinit {
        descriptor.withLock { _ = close($0) }
    }

    private struct Line: Encodable {
        var topic: String
        var payload_b64: String
        var retain: Bool
        var qos: Int32
    }

    private struct HTTPLine: Encodable {
        var kind = "http"
        var api: String
        var method: String
        var path: String
        var status: Int
        var request_b64: String
        var response_b64: String
        var contentType: String?
    }

    /// Appends one message as a JSON line.
    public func record(_ message: MQTTMessage) {
        append(
            Line(
                topic: message.topic, payload_b64: message.payload.base64EncodedString(), retain: message.retain,
                qos: message.qos.rawValue))
    }

    /// Appends one HTTP exchange with an endpoint Gatehouse serves: `api` names the OpenAPI document
    /// (`docs/openapi/<api>.yaml`), `path` is the request path without host or query, `request` the
    /// body sent, `response`, `status` and `contentType` what came back.
    public func recordHTTP(
        api: String, method: String, path: String, status: Int, request: Data, response: Data, contentType: String?
    ) {
        append(
            HTTPLine(
                api: api, method: method.uppercased(), path: path, status: status,
                request_b64: request.base64EncodedString(), response_b64: response.base64EncodedString(),
                contentType: contentType))
    }

    private func append(_ line: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard var data = try? encoder.encode(line) else { return }
        data.append(UInt8(ascii: "\n"))
        descriptor.withLock { fd in
            data.withUnsafeBytes { raw in
                guard var base = raw.baseAddress else { return }
                var left = raw.count
                while left > 0 {
                    let written = write(fd, base, left)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return
                    }
                    left -= written
                    base = base.advanced(by: written)
                }
            }
        }
    }
}
