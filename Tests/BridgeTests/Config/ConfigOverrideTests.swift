import Bridge
import Testing

@Suite struct ConfigOverrideTests {
    let file = """
        mqtt:
          url: mqtt://127.0.0.1:1883
          baseTopic: gatehouse
        """

    @Test func environmentOverridesTheFile() throws {
        let environment = ["GATEHOUSE_MQTT_URL": "mqtts://broker.example:8884", "GATEHOUSE_MQTT_BASE_TOPIC": "site-7"]
        let result = ConfigLoader.load(yaml: file, environment: environment)
        #expect(result.problems.isEmpty)
        let mqtt = try #require(result.config).mqtt
        #expect((mqtt.host, mqtt.port, mqtt.usesTLS) == ("broker.example", 8884, true))
        #expect(mqtt.baseTopic == "site-7")
    }

    @Test func camelCaseKeysAlsoMatchTheJoinedSpelling() throws {
        let config = try #require(ConfigLoader.load(yaml: file, environment: ["GATEHOUSE_MQTT_BASETOPIC": "joined"]).config)
        #expect(config.mqtt.baseTopic == "joined")
        #expect(ConfigEnvironmentOverrides.names(forPath: "mqtt.baseTopic")
            == ["GATEHOUSE_MQTT_BASE_TOPIC", "GATEHOUSE_MQTT_BASETOPIC"])
        #expect(ConfigEnvironmentOverrides.names(forPath: "adapters.ozlocks.url") == ["GATEHOUSE_ADAPTERS_OZLOCKS_URL"])
    }

    @Test func overridesWorkWithoutAFile() throws {
        let environment = ["GATEHOUSE_MQTT_URL": "mqtt://10.0.0.5", "GATEHOUSE_LOG_LEVEL": "debug"]
        let config = try #require(ConfigLoader.load(path: nil, environment: environment).config)
        #expect((config.mqtt.host, config.mqtt.port) == ("10.0.0.5", 1883))
        #expect(config.log.level == .debug)
    }

    @Test func precedenceIsOverrideThenFileThenDefault() throws {
        let yaml = "mqtt: { username: '${MQTT_USER}', clientId: from-file }"
        let environment = ["MQTT_USER": "substituted", "GATEHOUSE_MQTT_CLIENT_ID": "from-env"]
        let config = try #require(ConfigLoader.load(yaml: yaml, environment: environment).config)
        #expect(config.mqtt.username == "substituted")
        #expect(config.mqtt.clientId == "from-env")
        #expect(config.mqtt.keepAlive == .seconds(30))
    }

    @Test func environmentAloneCanEnableAndConfigureAnAdapter() throws {
        let environment = [
            "GATEHOUSE_ADAPTERS_FIAS_ENABLED": "true", "GATEHOUSE_ADAPTERS_FIAS_PORT": "6000",
            "GATEHOUSE_ADAPTERS_OFD_INNS": "0182021620, 7707083893",
        ]
        let config = try #require(ConfigLoader.load(yaml: "adapters: { ofd: {} }", environment: environment).config)
        #expect(config.enabledAdapters == ["fias", "ofd"])
        #expect(try #require(config.adapterSection("fias")).int("port", default: 5010) == 6000)
        #expect(try #require(config.adapterSection("ofd")).stringList("inns") == ["0182021620", "7707083893"])
    }

    @Test func disablingFromTheEnvironmentWins() throws {
        let yaml = "adapters: { fias: { enabled: true } }"
        let config = try #require(
            ConfigLoader.load(yaml: yaml, environment: ["GATEHOUSE_ADAPTERS_FIAS_ENABLED": "false"]).config)
        #expect(config.enabledAdapters.isEmpty)
    }

    @Test func badOverrideNamesTheVariable() {
        let result = ConfigLoader.load(path: nil, environment: ["GATEHOUSE_MQTT_QOS": "5"])
        #expect(result.config == nil)
        #expect(result.problems.map(\.description) == ["mqtt.qos (GATEHOUSE_MQTT_QOS): must be between 0 and 2; got 5"])
    }

    @Test func misspeltOverridesAreFound() {
        let environment = ["GATEHOUSE_MQTT_URLL": "mqtt://x", "GATEHOUSE_MQTT_URL": "mqtt://y", "GATEHOUSE_CONFIG": "/etc/g.yml"]
        let result = ConfigLoader.load(path: nil, environment: environment)
        #expect(result.unusedOverrides(ignoring: ["GATEHOUSE_CONFIG"]) == ["GATEHOUSE_MQTT_URLL"])
    }
}
