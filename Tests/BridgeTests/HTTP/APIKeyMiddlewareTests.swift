import Foundation
import HTTPTypes
import Hummingbird
import TestSupport
import Testing

@testable import Bridge

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The listener's API key: `X-API-Key`, Bearer, or Basic with the key as password (the console's
/// browser login). Everything else gets 401 with a Basic challenge.
@Suite("HTTP API key")
struct APIKeyMiddlewareTests {
    private typealias Middleware = APIKeyMiddleware<BasicRequestContext>

    private func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    private func presented(_ fields: [(String, String)]) -> String {
        var headers = HTTPFields()
        for (name, value) in fields { headers.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return Middleware.presentedKey(headers)
    }

    @Test("the key is read from X-API-Key, Bearer and Basic (password; any user, a colon in the key kept)")
    func presentedKeys() {
        #expect(presented([("X-API-Key", "k-1")]) == "k-1")
        #expect(presented([("Authorization", "Bearer k-1")]) == "k-1")
        #expect(presented([("Authorization", basic("operator", "k-1"))]) == "k-1")
        #expect(presented([("Authorization", basic("", "k:with:colons"))]) == "k:with:colons")
        #expect(presented([("Authorization", "basic " + Data("x:k-1".utf8).base64EncodedString())]) == "k-1")
        // The key as user name is not the key: only the password counts.
        #expect(presented([("Authorization", basic("k-1", "wrong"))]) == "wrong")
        #expect(presented([("Authorization", "Basic not-base64!")]) == "")
        #expect(presented([("Authorization", "Basic " + Data("no-colon".utf8).base64EncodedString())]) == "")
        #expect(presented([("Authorization", "Digest k-1")]) == "")
        #expect(presented([]) == "")
    }

    @Test("the Basic challenge goes to browsers only: console paths and requests accepting HTML")
    func challengeForBrowsers() {
        #expect(Middleware.challenges(path: "/", accept: nil))
        #expect(Middleware.challenges(path: "/console/events", accept: "text/event-stream"))
        #expect(Middleware.challenges(path: "/metrics", accept: "text/html,application/xhtml+xml,*/*;q=0.8"))
        #expect(!Middleware.challenges(path: "/metrics", accept: "*/*"))
        #expect(!Middleware.challenges(path: "/metrics", accept: nil))
    }

    private func status(_ url: URL, _ headers: [String: String] = [:]) async throws -> (Int, String?) {
        var request = URLRequest(url: url)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (_, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        return (http?.statusCode ?? -1, http?.value(forHTTPHeaderField: "WWW-Authenticate"))
    }

    @Test("over HTTP: a wrong key and wrong Basic credentials get 401; right ones pass")
    func overHTTP() async throws {
        var config = RunningBridge.testConfig(port: TestBroker.shared.port)
        config.http.apiKey = Secret("k-456")
        let running = try await RunningBridge(config: config, withHTTP: true)
        let port = try #require(running.httpPort)
        let metrics = URL(string: "http://127.0.0.1:\(port)/metrics")!
        let wrongKey = try await status(metrics, ["X-API-Key": "k-457"])
        #expect(wrongKey.0 == 401)
        // No challenge for an API client (URLSession here, which would hang on one: see the middleware).
        #expect(wrongKey.1 == nil)
        #expect(try await status(metrics, ["Authorization": basic("operator", "k-456")]).0 == 200)
        #expect(try await status(metrics, ["Authorization": basic("operator", "k-45")]).0 == 401)
        #expect(try await status(metrics, ["Authorization": basic("k-456", "")]).0 == 401)
        #expect(try await status(metrics, ["Authorization": "Bearer k-456"]).0 == 200)
        #expect(try await status(URL(string: "http://127.0.0.1:\(port)/healthz")!).0 == 200)
        await running.stop()
    }

    @Test("imagesRequireKey: plate photos need the key (401 without it); by default they stay open")
    func images() async throws {
        let image = "/images/\(UUID().uuidString.lowercased()).jpg"
        for closed in [false, true] {
            var config = RunningBridge.testConfig(port: TestBroker.shared.port)
            config.http.apiKey = Secret("k-789")
            config.http.imagesRequireKey = closed
            let running = try await RunningBridge(config: config, withHTTP: true)
            let port = try #require(running.httpPort)
            let url = try #require(URL(string: "http://127.0.0.1:\(port)\(image)"))
            // 404: past the key check, no such picture.
            #expect(try await status(url).0 == (closed ? 401 : 404))
            #expect(try await status(url, ["X-API-Key": "k-789"]).0 == 404)
            await running.stop()
        }
    }
}
