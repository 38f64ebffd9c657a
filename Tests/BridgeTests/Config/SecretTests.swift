import Bridge
import Testing

@Suite struct SecretTests {
    let secretValues = ["mqtt-pass-4711", "http-key-4711", "oz-key-4711"]

    @Test func everyTextualFormIsRedacted() {
        let secret = Secret("hunter2")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(String(describing: secret) == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        #expect("\(secret)" == "<redacted>")
        #expect(!dumped.contains("hunter2"))
        #expect(secret.reveal() == "hunter2")
    }

    @Test func matchesComparesTheWholeValue() {
        let secret = Secret("abc")
        #expect(secret.matches("abc"))
        #expect(!secret.matches("abd"))
        #expect(!secret.matches("ab"))
        #expect(!secret.matches("abcd"))
        #expect(Secret("x") == Secret("x") && Secret("x") != Secret("y"))
    }

    @Test func configSummaryAndDescriptionsNeverShowSecrets() throws {
        let yaml = """
            mqtt: { username: gatehouse, password: '${MQTT_PW}' }
            http: { apiKey: http-key-4711 }
            """
        let result = ConfigLoader.load(yaml: yaml, environment: ["MQTT_PW": "mqtt-pass-4711"])
        let config = try #require(result.config)
        #expect(config.mqtt.password?.reveal() == "mqtt-pass-4711")
        let summary = config.redactedSummary()
        #expect(summary["mqtt.password"] == "<redacted>")
        #expect(summary["http.apiKey"] == "<redacted>")
        #expect(summary["mqtt.username"] == "gatehouse")
        var dumped = ""
        dump(config, to: &dumped)
        let texts = [String(describing: config), String(reflecting: config), dumped, "\(summary)"]
        for text in texts {
            for value in secretValues { #expect(!text.contains(value)) }
        }
    }

    @Test func problemsNeverQuoteSecrets() throws {
        let yaml = """
            mqtt:
              password: [mqtt-pass-4711]
              qos: ${OZ_KEY}
            http: { apiKey: { nested: http-key-4711 } }
            adapters:
              ozlocks: { apiKey: [oz-key-4711] }
            """
        let result = ConfigLoader.load(yaml: yaml, environment: ["OZ_KEY": "oz-key-4711"])
        _ = result.bestEffort.adapterSection("ozlocks")?.secret("apiKey")
        #expect(
            result.problems.map(\.description) == [
                "mqtt.password (line 2): expected a string; got a list",
                #"mqtt.qos (line 3): expected an integer; got "${OZ_KEY}""#,
                "http.apiKey (line 4): expected a string; got a mapping",
                "adapters.ozlocks.apiKey (line 6): expected a string; got a list",
            ])
        for problem in result.problems {
            for value in secretValues { #expect(!problem.description.contains(value)) }
        }
    }

    @Test func outOfRangeSubstitutedValuesAreShownAsWritten() {
        let result = ConfigLoader.load(yaml: "mqtt: { qos: '${PIN}' }", environment: ["PIN": "4711"])
        #expect(result.problems.map(\.description) == [#"mqtt.qos (line 1): must be between 0 and 2; got "${PIN}""#])
    }

    @Test func credentialsInTheBrokerURLAreRefusedWithoutEchoingThem() {
        let result = ConfigLoader.load(yaml: "mqtt: { url: 'mqtt://u:mqtt-pass-4711@broker' }", environment: [:])
        #expect(
            result.problems.map(\.description) == [
                "mqtt.url (line 1): must not contain credentials; use mqtt.username and mqtt.password"
            ])
    }
}
