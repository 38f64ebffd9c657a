import Bridge
import Testing

@Suite struct ConfigValueParsingTests {
    @Test(arguments: [
        ("250ms", Duration.milliseconds(250)), ("60s", .seconds(60)), ("5m", .seconds(300)),
        ("1h", .seconds(3600)), ("1d", .seconds(86_400)), ("45", .seconds(45)), ("1.5s", .milliseconds(1500)),
        ("0", .zero), ("2H", .seconds(7200)),
    ])
    func durationsParse(text: String, expected: Duration) {
        #expect(ConfigDuration.parse(text) == expected)
    }

    @Test(arguments: ["", "s", "5x", "-1s", "1e3", "5 m", "1.2.3s", "ms"])
    func nonDurationsAreRefused(text: String) {
        #expect(ConfigDuration.parse(text) == nil)
    }

    @Test func durationsFormatShortest() {
        #expect(ConfigDuration.format(.seconds(86_400)) == "1d")
        #expect(ConfigDuration.format(.seconds(7200)) == "2h")
        #expect(ConfigDuration.format(.seconds(90)) == "90s")
        #expect(ConfigDuration.format(.milliseconds(250)) == "250ms")
        #expect(ConfigDuration.format(.zero) == "0s")
        #expect(Duration.milliseconds(1500).timeInterval == 1.5)
    }

    @Test func hostPortsParse() {
        #expect(ConfigHostPort(parsing: "127.0.0.1:8080") == ConfigHostPort(host: "127.0.0.1", port: 8080))
        #expect(ConfigHostPort(parsing: "[::1]:8080") == ConfigHostPort(host: "::1", port: 8080))
        #expect(ConfigHostPort(parsing: "localhost:0")?.port == 0)
        #expect(ConfigHostPort(host: "::1", port: 8080).description == "[::1]:8080")
        for bad in ["localhost", "::1:8080", ":8080", "host:", "host:65536", "host:80a", "[::1]8080", "a b:1"] {
            #expect(ConfigHostPort(parsing: bad) == nil, "\(bad)")
        }
    }
}
