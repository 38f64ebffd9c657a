import Bridge
import Foundation
import Testing

@Suite struct ConfigProblemTests {
    func problems(_ yaml: String, environment: [String: String] = [:]) -> [String] {
        ConfigLoader.load(yaml: yaml, environment: environment).problems.map(\.description)
    }

    @Test func unknownKeyIsReportedWithPathLineAndSuggestion() {
        let yaml = """
            mqtt:
              url: mqtt://127.0.0.1:1883
              keepalive: 10s
              baseTopik: x
              colour: blue
            """
        let result = ConfigLoader.load(yaml: yaml, environment: [:])
        #expect(result.config == nil)
        #expect(
            result.problems.map(\.description) == [
                "mqtt.keepalive (line 3): unknown key (did you mean keepAlive?)",
                "mqtt.baseTopik (line 4): unknown key (did you mean baseTopic?)",
                "mqtt.colour (line 5): unknown key",
            ])
    }

    @Test func unknownKeysAreFoundInNestedSectionsAndAtTheTop() {
        #expect(
            problems("mqtt: { tls: { insecur: true } }\nlogs: { level: info }") == [
                "mqtt.tls.insecur (line 1): unknown key (did you mean insecure?)",
                "logs (line 2): unknown key (did you mean log?)",
            ])
    }

    @Test func wrongTypeNamesPathLineAndChoices() {
        let yaml = """
            instance: hotel-1
            mqtt:
              url: mqtt://127.0.0.1:1883
              protocol: six
            """
        #expect(problems(yaml) == [#"mqtt.protocol (line 4): expected one of 5, 3.1.1; got "six""#])
    }

    @Test func badAddressesAndStructures() {
        #expect(problems("http: { listen: localhost }") == [#"http.listen (line 1): expected host:port; got "localhost""#])
        #expect(problems("mqtt: { url: [a, b] }") == ["mqtt.url (line 1): expected a string; got a list"])
        #expect(problems("mqtt: 5") == ["mqtt (line 1): expected a mapping; got a string"])
        #expect(problems("mqtt: { url: 'http://broker' }")
            == [#"mqtt.url (line 1): expected mqtt://host:port or mqtts://host:port; got "http://broker""#])
        #expect(problems("instance: hotel 1") == [#"instance (line 1): must be letters, digits, _ or -; got "hotel 1""#])
        #expect(problems("site: { timeZone: Mars/Olympus }")
            == [#"site.timeZone (line 1): expected a time zone identifier like Europe/Moscow; got "Mars/Olympus""#])
    }

    @Test func badDurations() {
        #expect(problems("mqtt:\n  keepAlive: 5x")
            == [#"mqtt.keepAlive (line 2): expected a duration like 250ms, 60s, 5m, 1h or 1d; got "5x""#])
        #expect(problems("mqtt: { keepAlive: 2d }") == ["mqtt.keepAlive (line 1): must be between 0s and 65535s; got 2d"])
        #expect(problems("health: { interval: -5s }")
            == [#"health.interval (line 1): expected a duration like 250ms, 60s, 5m, 1h or 1d; got "-5s""#])
    }

    @Test func missingEnvironmentVariableIsReportedWhereItIsRead() {
        let yaml = "mqtt:\n  username: gatehouse\n  password: ${MQTT_PW}\n"
        #expect(problems(yaml) == ["mqtt.password (line 3): environment variable MQTT_PW is not set"])
        #expect(problems("mqtt: { password: '${MQTT_PW:-fallback}' }").isEmpty)
    }

    @Test func disabledAdapterNeverComplainsAboutItsVariables() throws {
        let yaml = """
            adapters:
              ozlocks:
                enabled: false
                apiKey: ${OZLOCKS_API_KEY}
            """
        let result = ConfigLoader.load(yaml: yaml, environment: [:])
        #expect(result.problems.isEmpty)
        let config = try #require(result.config)
        #expect(config.enabledAdapters.isEmpty)
        // Were it enabled, its own read would report the variable:
        _ = try #require(config.adapterSection("ozlocks")).secret("apiKey")
        #expect(
            result.problems.map(\.description) == [
                "adapters.ozlocks.apiKey (line 4): environment variable OZLOCKS_API_KEY is not set"
            ])
    }

    @Test func theCoreHandsEveryAdapterSectionOverUnjudged() throws {
        // Which adapter names exist is the registry's business (AdapterRegistryTests).
        let result = ConfigLoader.load(yaml: "adapters:\n  fais: { enabled: true }", environment: [:])
        #expect(result.problems.isEmpty)
        #expect(try #require(result.config).enabledAdapters == ["fais"])
    }

    @Test func yamlSyntaxErrorHasItsLine() {
        let result = ConfigLoader.load(yaml: "mqtt:\n  url: mqtt://x\n   bad: [1, 2\n", environment: [:])
        #expect(result.config == nil)
        let problem = result.problems.first
        #expect(result.problems.count == 1)
        #expect(problem?.line == 3)
        #expect(problem?.description.hasPrefix("line 3: YAML syntax error") == true)
    }

    @Test func unquotedSubstitutionInAFlowListGetsAHint() {
        let result = ConfigLoader.load(yaml: "facade:\n  apiKeys: [ ${KEY} ]\n", environment: [:])
        #expect(result.problems.first?.line == 2)
        #expect(result.problems.first?.message.contains(#"quote substitutions: "${VAR}""#) == true)
    }

    @Test func duplicateKeysAreAProblem() {
        let result = ConfigLoader.load(yaml: "mqtt:\n  qos: 1\n  qos: 2\n", environment: [:])
        #expect(result.problems.map(\.message) == ["duplicate key qos"])
        #expect(result.problems.first?.line != nil)
    }

    @Test func topLevelMustBeAMapping() {
        #expect(problems("- a\n- b\n") == ["line 1: expected a mapping at the top level"])
    }

    @Test func explicitMissingFileIsAProblem() {
        let result = ConfigLoader.load(path: "/nonexistent/gatehouse.yml", environment: [:])
        #expect(result.config == nil)
        #expect(result.problems.map(\.description) == ["config file /nonexistent/gatehouse.yml not found"])
    }

    @Test func fileOnDiskIsRead() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-\(UUID()).yml")
        try "instance: from-disk\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(ConfigLoader.load(path: url.path, environment: [:]).config?.instance == "from-disk")
    }

    @Test func relatedKeysAreCheckedTogether() {
        let yaml = """
            mqtt:
              url: mqtts://broker
              tls: { cert: client.pem }
              reconnect: { minDelay: 10s, maxDelay: 1s }
            requests: { lifetime: 5s }
            """
        let result = ConfigLoader.load(yaml: yaml, environment: [:])
        #expect(
            result.problems.map(\.description) == [
                "mqtt.tls.cert (line 3): cert and key must be given together",
                "mqtt.reconnect.maxDelay (line 4): must not be shorter than minDelay",
                "requests.handlerTimeout: is longer than requests.lifetime, so a slow handler's answer arrives after the request expired",
            ])
        #expect(result.problems.map(\.severity) == [.error, .error, .warning])
    }

    @Test func warningsDoNotStopLoading() throws {
        let result = ConfigLoader.load(yaml: "mqtt: { tls: { insecure: true } }", environment: [:])
        #expect(result.problems.map(\.severity) == [.warning])
        #expect(result.problems.map(\.description) == ["mqtt.tls (line 1): is ignored because mqtt.url is not mqtts://"])
        #expect(result.config != nil)
    }
}
