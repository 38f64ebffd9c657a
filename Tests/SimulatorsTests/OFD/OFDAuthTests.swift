import Foundation
import Simulators
import Testing

@Suite struct OFDAuthTests {
    @Test func theRightCredentialsGetAThirtyTwoHexToken() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            let before = Date()
            let reply = try await client.createToken()
            #expect(reply.status == 200)
            #expect(reply.json.keys == ["AuthToken", "ExpirationDateUtc"])
            let token = try #require(reply["AuthToken"]?.text)
            #expect(token.count == 32 && token.allSatisfy { "0123456789abcdef".contains($0) })
            // One hour from now, UTC, zone-less: within the second it was issued.
            let expiry = try #require(reply["ExpirationDateUtc"]?.text)
            #expect(!expiry.hasSuffix("Z") && expiry.count == 19)
            let window = [before, Date()].map { ofdText($0.addingTimeInterval(3600)) }
            #expect(expiry >= window[0] && expiry <= window[1])
            #expect(try await client.token() != token)
            #expect(simulator.tokensIssued == 2)
        }
    }

    @Test func wrongCredentialsGet403WithNoBody() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            let wrongPassword = try await client.createToken(password: "s3creT")
            #expect(wrongPassword.status == 403 && wrongPassword.body.isEmpty)
            #expect(try await client.createToken(login: "Partner").status == 403)
            let missing = try await client.post("/api/Authorization/CreateAuthToken", #"{"Login":"partner"}"#)
            #expect(missing.status == 403 && missing.body.isEmpty)
            #expect(try await client.post("/api/Authorization/CreateAuthToken", "not json").status == 403)
            #expect(simulator.tokensIssued == 0)
            #expect(simulator.calls(.createAuthToken) == 4)
        }
    }

    @Test func partnerMethodsWantAValidTokenInAnyCaseOfTheParameter() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            let missing = try await client.get("/api/integration/partner/v1/inn/\(ofdTestINN)/kkts")
            #expect(missing.status == 401 && missing.body.isEmpty)
            #expect(try await client.kkts(token: "f3accdfda7574736ba94a78d00e974f4").status == 401)
            #expect(try await client.pay(token: "nope").status == 401)
            let token = try await client.token()
            let lower = try await client.get("/api/integration/partner/v1/inn/\(ofdTestINN)/kkts?authToken=\(token)")
            #expect(lower.status == 200 && lower.data.count == 1)
            let upper = try await client.get("/api/integration/partner/v1/inn/\(ofdTestINN)/kkts?AUTHTOKEN=\(token)")
            #expect(upper.status == 200)
            // A refused request still counts as received.
            #expect(simulator.calls(.kkts) == 4 && simulator.calls(.pay) == 1)
        }
    }

    @Test func aTokenStopsWorkingWhenItsLifetimeEnds() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            simulator.setTokenLifetime(.milliseconds(300))
            let asked = ContinuousClock.now
            let token = try await client.token()
            let fresh = try await client.kkts(token: token)
            // On a loaded machine the first call may itself come too late; only a timely one must pass.
            if ContinuousClock.now - asked < .milliseconds(250) { #expect(fresh.status == 200) }
            // Waiting for the clock, not for another task: the token was issued before `answered`.
            let answered = ContinuousClock.now
            try await Task.sleep(until: answered + .milliseconds(350))
            let late = try await client.kkts(token: token)
            #expect(late.status == 401 && late.body.isEmpty)
            simulator.setTokenLifetime(.seconds(3600))
            #expect(try await client.kkts(token: try await client.token()).status == 200)
        }
    }

    @Test func aRefusedTokenCanBeAnsweredIn200Body() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            let token = try await client.token()
            simulator.setTokenRefusal(.errorInBody)
            #expect(try await client.kkts(token: token).data.count == 1)  // a valid token still works
            simulator.expireTokens()
            for reply in [try await client.kkts(token: token), try await client.pay(token: token)] {
                #expect(reply.status == 200)
                #expect(reply.json == .object(["Success": false, "Errors": .array(["AuthToken недействителен или истёк"])]))
            }
            // Nothing was carried out: the code is still there for a valid token.
            #expect(simulator.payStatus(rnm: ofdTestRNM, code: "PSZ7D1Lq") == nil)
            #expect(try await client.pay(token: try await client.token())["IsCompleted"] == true)
            simulator.setTokenRefusal(.status401)
            simulator.expireTokens()
            #expect(try await client.kkts(token: token).status == 401)
        }
    }

    @Test func expireTokensEndsEveryIssuedToken() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            let first = try await client.token()
            let second = try await client.token()
            #expect(try await client.kkts(token: first).status == 200)
            simulator.expireTokens()
            #expect(try await client.kkts(token: first).status == 401)
            #expect(try await client.kkts(token: second).status == 401)
            let third = try await client.token()
            #expect(try await client.kkts(token: third).status == 200)
            #expect(simulator.tokensIssued == 3)
        }
    }
}
