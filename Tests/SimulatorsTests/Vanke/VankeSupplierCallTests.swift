import Foundation
import Hummingbird
@testable import Simulators
import Testing

@Suite struct VankeSupplierCallTests {
    @Test func aCallIsSignedWithTheSpecsFormulaAndCarriesItsFields() async throws {
        try await withVankeFakeSupplier { (simulator, supplier, url) async throws in
            let before = vankeTime()
            let answer = try await simulator.callSupplier(url, "receiveOpenGate",
                                                         fields: ["deviceNo": "CAM-01", "openMode": "2", "plateNumber": "粤B12345"])
            let after = vankeTime()
            #expect(answer.status == 200 && answer.respCode == "0" && answer.respDesc == nil)
            #expect(answer.contentType == "application/json")
            let call = try #require(supplier.calls.first)
            #expect(call.path == "/vanke/receiveOpenGate")
            #expect(call.contentType?.hasPrefix("application/json") == true)
            #expect(call.tokenValid)
            #expect(call.members["version"] == "1.0" && call.members["parkingLotId"] == vankeLot)
            let time = try #require(call.members["time"])
            #expect(time.count == 17 && time >= before && time <= after)
            #expect(call.members["deviceNo"] == "CAM-01" && call.members["openMode"] == "2" && call.members["plateNumber"] == "粤B12345")
            #expect(call.kinds["openMode"] == "string")
            // The supplier interfaces list no appId.
            #expect(call.members["appId"] == nil)
        }
    }

    @Test func integersAndRawJSONKeepTheirTypes() async throws {
        try await withVankeFakeSupplier { (simulator, supplier, url) async throws in
            _ = try await simulator.callSupplier(url, "queryPlaceStatus", fields: ["currentPage": 2, "pageSize": 100, "placeStatus": "occupy"])
            _ = try await simulator.callSupplier(url, "receiveShowMsg",
                                                 fields: ["deviceNo": "LED-1", "msg": .raw(#"[{"text":"闽D782WY","alignment":"left"}]"#)])
            let calls = supplier.calls
            #expect(calls.count == 2)
            #expect(calls[0].kinds["currentPage"] == "number" && calls[0].members["currentPage"] == "2")
            #expect(calls[0].kinds["placeStatus"] == "string")
            #expect(calls[1].kinds["msg"] == "array" && calls[1].members["msg"]?.contains("闽D782WY") == true)
            #expect(calls.allSatisfy { $0.tokenValid })
        }
    }

    @Test func credentialVariants() async throws {
        try await withVankeFakeSupplier { (simulator, supplier, url) async throws in
            let wrong = try await simulator.callSupplier(url, "checkConnect", credentials: .wrongToken)
            #expect(wrong.respCode == "1" && wrong.respDesc == "token 校验失败")
            #expect(supplier.calls[0].members["token"]?.count == 32 && !supplier.calls[0].tokenValid)

            _ = try await simulator.callSupplier(url, "checkConnect", credentials: .missingToken)
            #expect(supplier.calls[1].members["token"] == nil && supplier.calls[1].members["time"]?.count == 17)

            let hourAgo = Date().addingTimeInterval(-3600)
            _ = try await simulator.callSupplier(url, "checkConnect", credentials: .time(hourAgo))
            #expect(supplier.calls[2].members["time"] == vankeTime(hourAgo) && supplier.calls[2].tokenValid)

            _ = try await simulator.callSupplier(url, "checkConnect", credentials: .parkingLotId("PL-0002"))
            #expect(supplier.calls[3].members["parkingLotId"] == "PL-0002" && supplier.calls[3].tokenValid)

            // A field named like a generated member replaces it.
            _ = try await simulator.callSupplier(url, "checkConnect", fields: ["time": "2017-08-18 17:14:15"])
            #expect(supplier.calls[4].members["time"] == "2017-08-18 17:14:15" && !supplier.calls[4].tokenValid)
        }
    }

    @Test func theTimeIsInTheConfiguredZone() async throws {
        let fake = VankeFakeSupplier()
        let port = try await fake.start()
        let simulator = VankePlatformSimulator(appId: vankeAppId, appSecret: vankeSecret, parkingLotId: vankeLot,
                                               timeZone: TimeZone(identifier: "Europe/Moscow")!)
        let at = Date(timeIntervalSince1970: 1_503_047_655)  // 2017-08-18 09:14:15 UTC
        _ = try await simulator.callSupplier("http://127.0.0.1:\(port)", "checkConnect", credentials: .time(at))
        #expect(fake.calls.first?.members["time"] == "20170818 12:14:15")
        #expect(fake.calls.first?.path == "/checkConnect")
        #expect(simulator.timeText(at) == "20170818 12:14:15")
        await fake.stop()
    }

    @Test func rawBodiesGoAsTheyAre() async throws {
        try await withVankeFakeSupplier { (simulator, supplier, url) async throws in
            let answer = try await simulator.callSupplierRaw(url, "receiveOpenGate", body: Data("{not json".utf8))
            #expect(answer.status == 200)
            #expect(supplier.calls.first?.body == Data("{not json".utf8))
            #expect(supplier.calls.first?.contentType?.hasPrefix("application/json") == true)
        }
    }

    @Test func answersOfAnyShapeAreRead() async throws {
        let answer: @Sendable (VankeFakeSupplier.Call) -> Response? = { call in
            switch call.path {
            case "/vanke/chunked":
                // A streamed body goes out chunked.
                let parts = [#"{"respCode":"1","#, #""respDesc":"车位不存在"}"#]
                return Response(status: .ok, headers: [.contentType: "application/json"],
                                body: .init { writer in
                                    for part in parts { try await writer.write(ByteBuffer(string: part)) }
                                    try await writer.finish(nil)
                                })
            case "/vanke/error": return Response(status: .internalServerError, body: .init(byteBuffer: ByteBuffer(string: "<h1>500</h1>")))
            case "/vanke/number": return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"respCode":0}"#)))
            default: return nil
            }
        }
        try await withVankeFakeSupplier(answer: answer) { (simulator, _, url) async throws in
            let chunked = try await simulator.callSupplier(url, "chunked")
            #expect(chunked.respCode == "1" && chunked.respDesc == "车位不存在")
            let error = try await simulator.callSupplier(url, "error")
            #expect(error.status == 500 && error.text == "<h1>500</h1>" && error.respCode == nil)
            // respCode is a String in the spec: a number is not read as one.
            #expect(try await simulator.callSupplier(url, "number").respCode == nil)
        }
    }

    @Test func anUnreachableOrSilentSupplierIsAnError() async throws {
        let simulator = VankePlatformSimulator(appId: vankeAppId, appSecret: vankeSecret, parkingLotId: vankeLot)
        let port = try await simulator.start()
        await simulator.stop()
        await #expect(throws: (any Error).self) { try await simulator.callSupplier("http://127.0.0.1:\(port)", "checkConnect") }
        await #expect(throws: (any Error).self) { try await simulator.callSupplier("https://127.0.0.1:1", "checkConnect") }

        // A platform simulator with the hang fault is a supplier that never answers.
        let silent = VankePlatformSimulator(appId: vankeAppId, appSecret: vankeSecret, parkingLotId: vankeLot)
        silent.setFault(.hang)
        let silentPort = try await silent.start()
        let start = ContinuousClock.now
        do {
            _ = try await VankeHTTPClient.post("http://127.0.0.1:\(silentPort)", "receiveAbnormal", body: Data("{}".utf8),
                                               timeout: .milliseconds(300))
            Issue.record("answered")
        } catch {
            #expect("\(error)".contains("no answer"))
        }
        #expect(ContinuousClock.now - start < .seconds(5))
        await silent.stop()
    }
}
