import Foundation
import Testing
import Topics

@Suite("Bridge payloads")
struct BridgePayloadTests {
    private func json(_ value: some Encodable) throws -> JSONValue {
        try JSONValue(encoding: value)
    }

    @Test func bridgeState() throws {
        #expect(try json(BridgeState.online) == ["state": "online"])
        #expect(try json(BridgeState.offline) == ["state": "offline"])
        #expect(try JSONDecoder().decode(BridgeState.self, from: Data(#"{"state":"offline"}"#.utf8)) == .offline)
        #expect(throws: GatehouseError.invalidRequest(field: "state", problem: #"unexpected value "asleep""#)) {
            try RequestDecoder.decode(BridgeState.self, from: Data(#"{"state":"asleep"}"#.utf8))
        }
    }

    @Test func adapterStatus() throws {
        let status = AdapterStatus(state: .disconnected, since: Date(timeIntervalSince1970: 1_756_988_460),
                                   in: TimeZone(identifier: "Europe/Moscow")!, detail: "connection refused")
        #expect(try json(status) == ["state": "disconnected", "since": "2025-09-04T15:21:00+03:00", "detail": "connection refused"])
        #expect(try json(AdapterStatus(state: .connected, since: "2025-09-04T15:21:00+03:00"))
            == ["state": "connected", "since": "2025-09-04T15:21:00+03:00"])
        #expect(AdapterStatus.State.allCases.map(\.rawValue) == ["connected", "connecting", "disconnected", "disabled"])
        #expect(try RequestDecoder.decode(AdapterStatus.self, from: JSONValue.parse(#"{"state":"connecting","since":"x"}"#))
            == AdapterStatus(state: .connecting, since: "x"))
    }

    @Test func logRecord() throws {
        let record = LogRecord(level: .warning, adapter: "vanke", message: "push failed",
                               at: Date(timeIntervalSince1970: 1_756_988_460), in: TimeZone(identifier: "UTC")!)
        #expect(try json(record) == ["level": "warning", "adapter": "vanke", "message": "push failed", "at": "2025-09-04T12:21:00+00:00"])
        #expect(try json(LogRecord(level: .error, message: "store full", at: "2025-09-04T12:21:00+00:00"))
            == ["level": "error", "message": "store full", "at": "2025-09-04T12:21:00+00:00"])
        let decoded = try JSONDecoder().decode(LogRecord.self, from: JSONValue(encoding: record).jsonData())
        #expect(decoded == record)
    }
}
