import Bridge
import Testing

@Suite("listener configuration: limits, TLS, allowFrom, exposure warnings")
struct ListenerConfigTests {
    @Test("limits, tls and allowFrom are read under the listener's section")
    func read() throws {
        let yaml = """
            http:
              listen: 127.0.0.1:9000
              limits: { maxConnections: 50, idleTimeout: 5s, readTimeout: 2s, maxHeaderBytes: 4096, maxBodyBytes: 65536 }
              allowFrom: [ 10.0.0.0/8, "::1" ]
            """
        let config = try #require(ConfigLoader.load(yaml: yaml, environment: [:]).config)
        let listener = config.http.listener
        #expect(listener.limits.maxConnections == 50 && listener.limits.idleTimeout == .seconds(5))
        #expect(listener.limits.readTimeout == .seconds(2) && listener.limits.maxHeaderBytes == 4096)
        #expect(listener.limits.maxBodyBytes == 65536)
        #expect(listener.allowFrom.map(\.description) == ["10.0.0.0/8", "::1"])
    }

    @Test("defaults bound every listener")
    func defaults() {
        let limits = ListenerLimits()
        #expect(limits.maxConnections == 4096 && limits.idleTimeout == .seconds(30) && limits.readTimeout == .seconds(10))
        #expect(limits.maxHeaderBytes == 16 << 10 && limits.maxBodyBytes == 1 << 20)
    }

    @Test("a bad range, an unreadable certificate, out-of-range limits and imagesRequireKey without a key are errors naming the key")
    func errors() {
        let yaml = """
            http:
              imagesRequireKey: true
              limits: { maxConnections: 0 }
              allowFrom: [ "10.0.0.0/40" ]
              tls: { certificate: /nonexistent/cert.pem, key: /nonexistent/key.pem }
            """
        let result = ConfigLoader.load(yaml: yaml, environment: [:])
        let text = result.problems.map(\.description).joined(separator: "\n")
        #expect(result.hasErrors)
        for expected in ["http.imagesRequireKey", "http.limits.maxConnections", "http.allowFrom", "http.tls.certificate", "http.tls.key"] {
            #expect(text.contains(expected), "no problem names \(expected):\n\(text)")
        }
    }

    @Test("bound beyond loopback: a warning without TLS, another without an API key; none on loopback")
    func exposure() {
        let exposed = ConfigLoader.load(yaml: "http: { listen: 0.0.0.0:8080 }", environment: [:])
        let text = exposed.problems.map(\.description).joined(separator: "\n")
        #expect(!exposed.hasErrors)
        #expect(text.contains("http.listen") && text.contains("without TLS"), "\(text)")
        #expect(text.contains("http.apiKey") && text.contains("without apiKey"), "\(text)")
        #expect(ConfigLoader.load(yaml: "http: { listen: 127.0.0.1:8080 }", environment: [:]).problems.isEmpty)
    }
}
