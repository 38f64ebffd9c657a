import Bridge
import Foundation
import Testing

@Suite struct ConfigDefaultsTests {
    @Test func noFileGivesWorkingDefaultsForALocalBroker() throws {
        let result = ConfigLoader.load(path: nil, environment: [:])
        #expect(result.problems.isEmpty)
        let config = try #require(result.config)
        #expect(config.instance == "gatehouse")
        // Foundation on Linux names UTC "GMT".
        #expect(["UTC", "GMT"].contains(config.site.timeZone.identifier))
        #expect(config.site.timeZone.secondsFromGMT() == 0)
        #expect(config.mqtt.url == "mqtt://127.0.0.1:1883")
        #expect((config.mqtt.host, config.mqtt.port, config.mqtt.usesTLS) == ("127.0.0.1", 1883, false))
        #expect(config.mqtt.protocolVersion == .v5)
        #expect(config.mqtt.username == nil && config.mqtt.password == nil)
        #expect(config.mqtt.clientId == "gatehouse-gatehouse")
        #expect(config.mqtt.baseTopic == "gatehouse")
        #expect(config.mqtt.sharedGroup == nil)
        #expect(config.mqtt.keepAlive == .seconds(30))
        // A persistent session by default: events published while the bridge restarts wait at the broker.
        #expect(!config.mqtt.cleanStart)
        #expect(config.mqtt.sessionExpiry == .seconds(86_400))
        #expect(config.mqtt.maxPacketSize == 4_194_304)
        #expect(config.mqtt.tls.ca == nil && !config.mqtt.tls.insecure)
        #expect(config.mqtt.reconnect.minDelay == .seconds(1) && config.mqtt.reconnect.maxDelay == .seconds(30))
        #expect(config.mqtt.inboundBuffer == 10_000)
        #expect(config.mqtt.qos == 1)
        #expect(config.store.path == "./data/gatehouse.sqlite")
        #expect(config.http.listen.description == "127.0.0.1:8080")
        #expect(config.http.apiKey == nil)
        #expect(config.homeAssistant.enabled && config.homeAssistant.prefix == "homeassistant")
        #expect(config.requests.lifetime == .seconds(30))
        #expect(config.requests.handlerTimeout == .seconds(8))
        #expect(config.requests.maxPayloadBytes == 65_536)
        #expect(config.requests.journalRetention == .seconds(86_400))
        #expect(config.health.interval == .seconds(60))
        #expect(config.log.level == .info)
        #expect(config.enabledAdapters.isEmpty)
        #expect(config.adapterSection("fias") == nil)
    }

    @Test func emptyFileIsTheSameAsNoFile() throws {
        let result = ConfigLoader.load(yaml: "# nothing yet\n", environment: [:])
        #expect(result.problems.isEmpty)
        #expect(try #require(result.config).redactedSummary() == GatehouseConfig().redactedSummary())
    }

    @Test func clientIdFollowsTheInstance() throws {
        let config = try #require(ConfigLoader.load(yaml: "instance: hotel-2", environment: [:]).config)
        #expect(config.mqtt.clientId == "gatehouse-hotel-2")
    }

    @Test func mqttsDefaultsToPort8883() throws {
        let config = try #require(ConfigLoader.load(yaml: "mqtt: { url: 'mqtts://broker.example' }", environment: [:]).config)
        #expect((config.mqtt.host, config.mqtt.port, config.mqtt.usesTLS) == ("broker.example", 8883, true))
    }

    @Test func protocolMayBeWrittenAsTheNumberFiveOrAsText() throws {
        for yaml in ["mqtt: { protocol: 5 }", "mqtt: { protocol: '5' }"] {
            #expect(try #require(ConfigLoader.load(yaml: yaml, environment: [:]).config).mqtt.protocolVersion == .v5)
        }
        let old = try #require(ConfigLoader.load(yaml: "mqtt: { protocol: 3.1.1 }", environment: [:]).config)
        #expect(old.mqtt.protocolVersion == .v311)
    }

    @Test func summaryListsNonSecretSettings() {
        var config = GatehouseConfig()
        config.enabledAdapters = ["fias", "ofd"]
        let summary = config.redactedSummary()
        #expect(summary["mqtt.url"] == "mqtt://127.0.0.1:1883")
        #expect(summary["requests.journalRetention"] == "1d")
        #expect(summary["mqtt.keepAlive"] == "30s")
        #expect(summary["adapters.enabled"] == "fias,ofd")
        #expect(summary["mqtt.password"] == nil)
    }
}
