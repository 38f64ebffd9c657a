import OZLocks
import Bridge
import Foundation
import Simulators
import TestSupport
import Testing
import Topics

import AsyncHTTPClient
import NIOCore

@Suite("OZLocks facade: HTTP → MQTT → adapter → simulator → MQTT → HTTP")
struct OZLocksFacadeTests {
    private func call(
        _ port: Int, _ method: String, _ path: String, _ body: String, key: String = "facade-key", record: Bool = true,
        header: String = "X-API-Key"
    ) async throws -> (Int, JSONValue?)
    {
        // AsyncHTTPClient: the vendor's GET requests carry a JSON body, which URLSession refuses.
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/\(path)")
        request.method = method == "GET" ? .GET : .POST
        request.headers.add(name: header, value: key)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let data = Data(buffer: try await response.body.collect(upTo: 1 << 20))
        // For scripts/check-contract.py: every exchange against docs/openapi/ozlocks-facade.yaml.
        if record { ContractRecorder.shared?.recordHTTP(
            api: "ozlocks-facade", method: method, path: "/\(path)", status: Int(response.status.code), request: Data(body.utf8),
            response: data, contentType: response.headers.first(name: "Content-Type")) }
        return (Int(response.status.code), try? JSONValue.parse(data))
    }

    @Test("IssueCard and ReadCard through the facade, with the spec's own sloppy JSON")
    func issueCard() async throws {
        let h = try await OZLocksHarness.start(facade: true)
        let port = try #require(await h.adapter.facadePort())
        // The spec's example: a missing comma after WorkstationID and a trailing comma.
        let (status, answer) = try await call(port, "POST", "IssueCard", """
            {
              "Room": "101",
              "CheckIn": "04.09.2025 15:21",
              "CheckOut": "05.09.2025 14:00",
              "GuestName": "Иванов Иван",
              "NewIssue": true,
              "EncoderID": "001",
              "WorkstationID": "ADMIN01"
              "CardIssuer": "Ресепшн",
            }
            """)
        #expect(status == 200, "\(String(describing: answer))")
        #expect(answer?["Room"] == "101")
        #expect(answer?["CheckOut"] == "05.09.2025 14:00")
        #expect(answer?["Number"] == .string(h.simulator.issuedCards.first?.uid ?? "?"))
        #expect(answer?["EncoderID"] == "001")
        let (readStatus, card) = try await call(port, "GET", "ReadCard", #"{"EncoderID":"001","WorkstationID":"ADMIN01"}"#)
        #expect(readStatus == 200)
        #expect(card?["HolderName"] == "Иванов Иван")
        #expect(card?["CheckIn"] == "04.09.2025 15:21")
        await h.stop()
    }

    @Test("ReadState, OpenLock, CloseLock, ReadLogLock, IssueLockCode, ChangeLockCode, CheckOut through the facade")
    func lockEndpoints() async throws {
        let h = try await OZLocksHarness.start(facade: true)
        let port = try #require(await h.adapter.facadePort())
        h.simulator.setLowBattery(true, room: "101")
        let (s1, state) = try await call(port, "GET", "ReadState", #"{"Room":"101","WorkstationID":"W"}"#)
        #expect(s1 == 200)
        #expect(state?["LowCharge"] == true)
        #expect(try await call(port, "POST", "OpenLock", #"{"Room":"101","WorkstationID":"W"}"#).0 == 200)
        #expect(try await call(port, "POST", "CloseLock", #"{"Room":"101","WorkstationID":"W"}"#).0 == 200)
        #expect(h.simulator.calls("OpenLock") == 1 && h.simulator.calls("CloseLock") == 1)
        let (s2, code) = try await call(
            port, "POST", "IssueLockCode",
            #"{"Room":"101","CheckIn":"04.09.2025 15:21","CheckOut":"05.09.2025 14:00","GuestName":"Пётр","NewIssue":true,"LockCode":"481221","WorkstationID":"W"}"#)
        #expect(s2 == 200, "\(String(describing: code))")
        let guest = try #require(code?["GuestID"]?.intValue)
        let (s3, _) = try await call(
            port, "POST", "ChangeLockCode", #"{"Room":"101","GuestID":\#(guest),"LockCode":"123456","WorkstationID":"W"}"#)
        #expect(s3 == 200)
        h.simulator.appendLog(room: "101", type: 17, typeName: "Код гостя", at: Date(), holderID: Int(guest), holderName: "Пётр")
        let (s4, log) = try await call(port, "GET", "ReadLogLock", #"{"Room":"101","WorkstationID":"W"}"#)
        #expect(s4 == 200)
        #expect(log?["Log"]?.arrayValue?.last?["RecordType"] == 17)
        let (s5, out) = try await call(port, "POST", "CheckOut", #"{"Room":"101","WorkstationID":"W"}"#)
        #expect(s5 == 200)
        #expect(out?["Room"] == "101")
        await h.stop()
    }

    @Test("unknown API key → 401 with ECode/EMessage; malformed JSON → 500 naming the field; vendor errors pass through; upstream down → 400")
    func facadeErrors() async throws {
        let h = try await OZLocksHarness.start(facade: true)
        let port = try #require(await h.adapter.facadePort())
        let (s1, e1) = try await call(port, "GET", "ReadState", #"{"Room":"101","WorkstationID":"W"}"#, key: "nope")
        #expect(s1 == 401)
        #expect(e1?["ECode"] != nil && e1?["EMessage"] != nil)
        let (s2, e2) = try await call(port, "GET", "ReadState", #"{"WorkstationID":"W"}"#)
        #expect(s2 == 500)
        #expect(e2?["EMessage"]?.stringValue?.contains("Room") == true)
        // A body that is JSON but not an object (schemathesis found `[null, null]` named "field ''").
        for operation in ["IssueCard", "CheckOut"] {
            let (status, answer) = try await call(port, "POST", operation, "[null, null]")
            #expect(status == 500)
            #expect(answer?["EMessage"] == "the body must be a JSON object", "\(operation): \(String(describing: answer))")
        }
        let (s3, e3) = try await call(port, "POST", "IssueCard", #"{"Room":"101","CheckIn":"tomorrow","CheckOut":"05.09.2025 14:00","GuestName":"X","NewIssue":true,"EncoderID":"001","WorkstationID":"W"}"#)
        #expect(s3 == 500)
        #expect(e3?["EMessage"]?.stringValue?.contains("CheckIn") == true)
        h.simulator.setOnline(false, room: "101")
        let (s4, e4) = try await call(port, "POST", "OpenLock", #"{"Room":"101","WorkstationID":"W"}"#)
        #expect(s4 == 500)
        #expect(e4?["ECode"] == "10")
        let (s5, e5) = try await call(port, "POST", "OpenLock", #"{"Room":"102","WorkstationID":"W"}"#)
        #expect(s5 == 500)
        #expect(e5?["ECode"] == "3")  // series H: unsupported
        h.simulator.setBehaviour(.error(code: "42", message: "vendor's own"))
        let (s6, e6) = try await call(port, "GET", "ReadState", #"{"Room":"103","WorkstationID":"W"}"#)
        #expect(s6 == 500)
        #expect(e6?["ECode"] == "42")  // an undocumented vendor code passes through
        h.simulator.setBehaviour(.badRequest)
        let (s7, e7) = try await call(port, "GET", "ReadState", #"{"Room":"103","WorkstationID":"W"}"#)
        #expect(s7 == 400)  // upstream-unavailable: "server not available"
        #expect(e7?["ECode"] == "400")
        await h.stop()
    }

    @Test("facade.apiKeyHeader: the PMS's key header may differ from the upstream server's")
    func ownKeyHeader() async throws {
        let h = try await OZLocksHarness.start(facade: true, settings: { $0.facade?.apiKeyHeader = "X-PMS-Key" })
        let port = try #require(await h.adapter.facadePort())
        let body = #"{"Room":"101","WorkstationID":"W"}"#
        #expect(try await call(port, "GET", "ReadState", body, header: "X-PMS-Key").0 == 200)
        #expect(try await call(port, "GET", "ReadState", body, header: "X-API-Key").0 == 401)
        await h.stop()
    }

    @Test("unknown path, wrong method and an oversize body get ECode/EMessage, not Hummingbird's bare status")
    func listenerErrors() async throws {
        let h = try await OZLocksHarness.start(facade: true)
        let port = try #require(await h.adapter.facadePort())
        // Neither the path nor the method is in the document: not recorded for the contract check.
        let (s1, e1) = try await call(port, "POST", "OpenEverything", "{}", record: false)
        #expect(s1 == 404)
        #expect(e1?["ECode"] == "404" && e1?["EMessage"]?.stringValue?.contains("/OpenEverything") == true, "\(String(describing: e1))")
        let (s2, e2) = try await call(port, "POST", "ReadState", #"{"Room":"101","WorkstationID":"W"}"#, record: false)
        #expect([404, 405].contains(s2))
        #expect(e2?["ECode"] != nil && e2?["EMessage"] != nil, "\(String(describing: e2))")
        let (s3, e3) = try await call(port, "POST", "IssueCard", "{\"Pad\":\"" + String(repeating: "x", count: 2 << 20) + "\"}")
        #expect(s3 == 413)
        #expect(e3?["ECode"] == "413", "\(String(describing: e3))")
        await h.stop()
    }

    @Test("a slow lock server: the IssueCard POST gets 500 ECode 11 'outcome unknown', and the PMS's identical retry gets the card cut meanwhile, not a second one")
    func inDoubtThenRetry() async throws {
        // The facade waits 1 s; the lock server cuts the card after 1.5 s.
        let h = try await OZLocksHarness.start(facade: true, timeout: .seconds(3), facadeTimeout: .seconds(1))
        let port = try #require(await h.adapter.facadePort())
        h.simulator.setBehaviour(.slow(.milliseconds(1500)))
        let body = #"{"Room":"101","CheckIn":"04.09.2025 15:21","CheckOut":"05.09.2025 14:00","GuestName":"Петров","NewIssue":true,"EncoderID":"001","WorkstationID":"ADMIN01"}"#
        let (status, answer) = try await call(port, "POST", "IssueCard", body)
        #expect(status == 500, "\(String(describing: answer))")
        #expect(answer?["ECode"] == "11")
        #expect(answer?["EMessage"]?.stringValue?.hasPrefix("outcome unknown") == true, "\(String(describing: answer))")
        try await until("the lock server cut the card") { h.simulator.issuedCards.count == 1 }
        h.simulator.setBehaviour(.normal)
        // The clerk tries again: the same POST is answered from the journal.
        let (again, card) = try await call(port, "POST", "IssueCard", body)
        #expect(again == 200, "\(String(describing: card))")
        #expect(card?["Number"] == .string(h.simulator.issuedCards.first?.uid ?? "?"))
        #expect(h.simulator.issuedCards.count == 1, "the retry cut a second card")
        ChaosFigures.record([
            "fault": "facade-lock-server-slow", "cardsCut": h.simulator.issuedCards.count,
            "cutTwice": h.simulator.issuedCards.count - 1, "inDoubt": answer?["ECode"] == "11" ? 1 : 0,
        ])
        // A different request is a new one.
        let (other, _) = try await call(port, "POST", "IssueCard", body.replacingOccurrences(of: "Петров", with: "Сидоров"))
        #expect(other == 200)
        #expect(h.simulator.issuedCards.count == 2)
        await h.stop()
    }
}
