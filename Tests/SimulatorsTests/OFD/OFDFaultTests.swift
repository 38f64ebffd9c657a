import Foundation
import Simulators
import Testing

@Suite struct OFDFaultTests {
    @Test func forbiddenRefusesEverythingWithNoBody() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            let token = try await client.token()
            simulator.setFault(.forbidden)
            let auth = try await client.createToken()
            #expect(auth.status == 403 && auth.body.isEmpty)
            #expect(try await client.kkts(token: token).status == 403)
            #expect(try await client.pay(token: token).status == 403)
            #expect(try await client.payStatus(token: token, from: "2022-10-01T00:00:00", to: "2022-10-02T00:00:00").status == 403)
            #expect(simulator.tokensIssued == 1)
            simulator.setFault(.none)
            #expect(try await client.kkts(token: token).status == 200)
            #expect(Endpoint.allCases.allSatisfy { simulator.calls($0) >= 1 })
        }
    }

    @Test func successFalseAndErrorObjectComeWithStatus200() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            let token = try await client.token()
            simulator.setFault(.successFalse(message: "Сервис временно недоступен"), for: .kkts)
            let refused = try await client.kkts(token: token)
            #expect(refused.status == 200)
            #expect(refused.json == .object(["Success": false, "Errors": .array(["Сервис временно недоступен"])]))
            // Only the endpoint it was set for.
            #expect(try await client.pay(token: token)["IsCompleted"] == true)
            simulator.setFault(.errorObject(message: "Ошибка сервера"), for: .kkts)
            let error = try await client.kkts(token: token)
            #expect(error.status == 200)
            #expect(error["Error"]?["Message"] == "Ошибка сервера")
            #expect(error["Error"]?["Code"]?.text?.isEmpty == false)
            #expect(error["Success"] == nil && error["Data"] == nil)
            simulator.setFault(.errorObject(message: "Нет доступа"), for: .createAuthToken)
            #expect(try await client.createToken()["Error"]?["Message"] == "Нет доступа")
            simulator.setFault(.none, for: .createAuthToken)
            #expect(try await client.createToken()["AuthToken"] != nil)
        }
    }

    @Test func serverErrorsAndThrottling() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            let token = try await client.token()
            for status in [500, 502, 503] {
                simulator.setFault(.serverError(status: status), for: .payStatus)
                let reply = try await client.payStatus(token: token, from: "2022-10-01T00:00:00", to: "2022-10-02T00:00:00")
                #expect(reply.status == status)
                #expect(reply.json == .null)  // not JSON: an HTML page from whatever stands in front
            }
            for retryAfter in ["1", "120", "Wed, 21 Oct 2015 07:28:00 GMT"] {
                simulator.setFault(.tooManyRequests(retryAfter: retryAfter), for: .payStatus)
                let throttled = try await client.payStatus(token: token, from: "2022-10-01T00:00:00", to: "2022-10-02T00:00:00")
                #expect(throttled.status == 429 && throttled.header("Retry-After") == retryAfter && throttled.body.isEmpty)
            }
            #expect(simulator.calls(.payStatus) == 6)
            // A fault for all, then cleared for all.
            simulator.setFault(.serverError(status: 503))
            #expect(try await client.createToken().status == 503)
            #expect(try await client.kkts(token: token).status == 503)
            simulator.setFault(.none)
            #expect(try await client.payStatus(token: token, from: "2022-10-01T00:00:00", to: "2022-10-02T00:00:00")["Success"] == true)
        }
    }

    @Test func aFaultForTheNextCallsWearsOff() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            let token = try await client.token()
            simulator.setFault(.tooManyRequests(retryAfter: "1"), for: .kkts, times: 2)
            #expect(try await client.kkts(token: token).status == 429)
            #expect(try await client.pay(token: token).status == 200)  // other endpoints untouched
            #expect(try await client.kkts(token: token).status == 429)
            #expect(try await client.kkts(token: token).status == 200)
            #expect(try await client.kkts(token: token).status == 200)
            // Set for every endpoint: each gets its own count.
            simulator.setFault(.serverError(status: 503), times: 1)
            #expect(try await client.kkts(token: token).status == 503)
            #expect(try await client.createToken().status == 503)
            #expect(try await client.kkts(token: token).status == 200)
            #expect(try await client.createToken().status == 200)
        }
    }

    @Test func anErrorAboutTheTokenInA200Body() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            let token = try await client.token()
            simulator.setFault(.tokenErrorInBody, for: .kkts)
            let refused = try await client.kkts(token: token)
            #expect(refused.status == 200)
            #expect(refused.json == .object(["Success": false, "Errors": .array(["AuthToken недействителен или истёк"])]))
            simulator.setFault(.none)
            #expect(try await client.kkts(token: token).data.count == 1)
        }
    }

    @Test func slowAnswersNormallyAfterTheDelay() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            let token = try await client.token()
            simulator.setFault(.slow(.milliseconds(300)), for: .kkts)
            let start = ContinuousClock.now
            let reply = try await client.kkts(token: token)
            #expect(ContinuousClock.now - start >= .milliseconds(300))
            #expect(reply.status == 200 && reply.data.count == 1)
            // The delay comes before the token check: a bad token is refused, late.
            let late = ContinuousClock.now
            #expect(try await client.kkts(token: "bad").status == 401)
            #expect(ContinuousClock.now - late >= .milliseconds(300))
        }
    }
}

private typealias Endpoint = OFDSimulator.Endpoint
