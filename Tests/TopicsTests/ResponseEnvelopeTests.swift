import Foundation
import Testing
import Topics

@Suite("Errors and response envelope")
struct ResponseEnvelopeTests {
    @Test func errorCodesAreExactlyTheContract() {
        #expect(ErrorCode.allCases.map(\.rawValue) == [
            "invalid-request", "retained-command", "expired", "unsupported", "room-not-found", "card-absent",
            "lock-offline", "busy", "unauthorized", "upstream-unavailable", "timeout", "no-handler", "internal",
        ])
    }

    @Test func okEnvelope() {
        let envelope = ResponseEnvelope.ok(["room": "101"], transaction: "t-17")
        #expect(String(decoding: envelope.encoded(), as: UTF8.self) == #"{"status":"ok","data":{"room":"101"},"transaction":"t-17"}"#)
        #expect(String(decoding: ResponseEnvelope.ok(nil).encoded(), as: UTF8.self) == #"{"status":"ok"}"#)
    }

    @Test func errorEnvelopeWithVendorText() {
        let error = GatehouseError(.roomNotFound, "Room 999 does not exist",
                                   vendor: VendorError(code: "1", message: "Номер не существует"))
        let envelope = ResponseEnvelope.failure(error, transaction: "t/17")
        #expect(String(decoding: envelope.encoded(), as: UTF8.self)
            == #"{"status":"error","error":{"code":"room-not-found","message":"Room 999 does not exist","vendor":{"code":"1","message":"Номер не существует"}},"transaction":"t/17"}"#)
    }

    @Test func errorEnvelopeWithoutVendorOrTransaction() {
        let envelope = ResponseEnvelope.failure(.invalidRequest(field: "room", problem: "missing"))
        #expect(String(decoding: envelope.encoded(), as: UTF8.self)
            == #"{"status":"error","error":{"code":"invalid-request","message":"field 'room': missing"}}"#)
    }

    @Test func envelopeDecodesBack() throws {
        let original = ResponseEnvelope.failure(GatehouseError(.busy, "encoder 001 is busy", vendor: VendorError(code: "BY", message: "")), transaction: "t-1")
        #expect(try ResponseEnvelope.decode(original.encoded()) == original)
        let ok = ResponseEnvelope.ok(["records": [["type": 17, "at": "2025-09-04T15:21:00+03:00"]]], transaction: nil)
        #expect(try ResponseEnvelope.decode(ok.encoded()) == ok)
        // Foundation's decoder reads it too.
        #expect(try JSONDecoder().decode(ResponseEnvelope.self, from: ok.encoded()) == ok)
    }

    @Test func okEncodingAnEncodable() {
        struct Opened: Encodable { var room = "101" }
        #expect(ResponseEnvelope.ok(encoding: Opened(), transaction: "t") == .ok(["room": "101"], transaction: "t"))
    }

    @Test func gatehouseErrorCodable() throws {
        let error = GatehouseError(.lockOffline, "lock 101 is offline")
        let data = try JSONEncoder().encode(error)
        #expect(try JSONValue.parse(data) == ["code": "lock-offline", "message": "lock 101 is offline"])
        #expect(try JSONDecoder().decode(GatehouseError.self, from: data) == error)
    }

    @Test func convenienceConstructors() {
        #expect(GatehouseError.invalidRequest(field: "zones[2]", problem: "expected string, got number").message
            == "field 'zones[2]': expected string, got number")
        #expect(GatehouseError.retainedCommand(topic: "gatehouse/locks/101/request/open").code == .retainedCommand)
        #expect(GatehouseError.expired().code == .expired)
        #expect(GatehouseError.unsupported(operation: "open", reason: "series H locks are offline").message
            == "open is not supported: series H locks are offline")
        #expect(GatehouseError.noHandler("encoder 001").code == .noHandler)
        #expect(GatehouseError.timeout("OZLocks").code == .timeout)
        #expect(GatehouseError.internal("boom").description == "internal: boom")
    }
}
