import Bridge
import Foundation
import Testing

/// The example configuration of DESIGN §5, with its `${…}` variables.
let designExampleYAML = """
    instance: hotel-1                 # used in client id, discovery ids
    site: { timeZone: Europe/Moscow }
    mqtt:
      url: mqtt://127.0.0.1:1883      # mqtts:// for TLS
      protocol: 5                     # or 3.1.1
      username: gatehouse
      password: ${GATEHOUSE_MQTT_PASSWORD}
      baseTopic: gatehouse
      sharedGroup: null               # e.g. gatehouse → $share/gatehouse/… for request topics
    store: { path: ./data/gatehouse.sqlite }
    http: { listen: 127.0.0.1:8080 }  # /healthz, /metrics, /images, console
    homeassistant: { enabled: true, prefix: homeassistant }
    adapters:
      ozlocks:
        enabled: true
        url: http://127.0.0.1:8091
        apiKey: ${OZLOCKS_API_KEY}
        apiKeyHeader: X-API-Key
        pollInterval: 60s
        locks: [ { room: "101", series: WR }, { room: "102", series: H } ]
        encoders: [ "001" ]
        facade: { listen: 127.0.0.1:8092, apiKeys: [ "${OZLOCKS_FACADE_KEY}" ] }
      fias:
        enabled: true
        host: 127.0.0.1
        port: 5010
        codePage: cp1251
        answerTimeout: 10s
      vanke:
        enabled: true
        platformUrl: http://127.0.0.1:8093     # receivePlateNumber etc. are POSTed under it
        appId: "99848791"
        appSecret: ${VANKE_APP_SECRET}
        parkingLotId: lot-1
        listen: 127.0.0.1:8094                 # supplier endpoints
        retries: 5
        repollInterval: 2s
        devices: [ { deviceNo: "DWWE10232", kind: display, lane: "东二门01道" } ]
      ofd:
        enabled: true
        url: http://127.0.0.1:8095
        login: ${OFD_LOGIN}
        password: ${OFD_PASSWORD}
        inns: [ "0182021620" ]
        syncInterval: 1h
    """

let designExampleEnvironment = [
    "GATEHOUSE_MQTT_PASSWORD": "mqtt-pass-4711",
    "OZLOCKS_API_KEY": "oz-key-4711",
    "OZLOCKS_FACADE_KEY": "facade-key-4711",
    "VANKE_APP_SECRET": "vanke-secret-4711",
    "OFD_LOGIN": "ofd-login",
    "OFD_PASSWORD": "ofd-pass-4711",
]

@Suite struct ConfigExampleTests {
    @Test func designExampleLoadsWithoutProblems() throws {
        let result = ConfigLoader.load(yaml: designExampleYAML, environment: designExampleEnvironment)
        #expect(result.problems.map(\.description) == [])
        let config = try #require(result.config)
        #expect(config.instance == "hotel-1")
        #expect(config.site.timeZone.identifier == "Europe/Moscow")
        #expect(config.mqtt.host == "127.0.0.1")
        #expect(config.mqtt.port == 1883)
        #expect(config.mqtt.usesTLS == false)
        #expect(config.mqtt.protocolVersion == .v5)
        #expect(config.mqtt.username == "gatehouse")
        #expect(config.mqtt.password?.reveal() == "mqtt-pass-4711")
        #expect(config.mqtt.clientId == "gatehouse-hotel-1")
        #expect(config.mqtt.sharedGroup == nil)
        #expect(config.http.listen == ConfigHostPort(host: "127.0.0.1", port: 8080))
        #expect(config.enabledAdapters == ["fias", "ofd", "ozlocks", "vanke"])
    }

    @Test func adapterSectionsAreReadLaterAndFinishedByTheirAdapter() throws {
        let result = ConfigLoader.load(yaml: designExampleYAML, environment: designExampleEnvironment)
        let config = try #require(result.config)
        let ozlocks = try #require(config.adapterSection("ozlocks"))
        #expect(ozlocks.path == "adapters.ozlocks")
        #expect(ozlocks.requiredSecret("apiKey").reveal() == "oz-key-4711")
        #expect(ozlocks.duration("pollInterval", default: .seconds(1)) == .seconds(60))
        let locks = ozlocks.sectionList("locks")
        #expect(locks.map { $0.requiredString("room") } == ["101", "102"])
        #expect(locks.map { $0.requiredString("series") } == ["WR", "H"])
        #expect(ozlocks.stringList("encoders") == ["001"])
        let facade = ozlocks.section("facade")
        #expect(facade.hostPort("listen", default: ConfigHostPort(host: "0.0.0.0", port: 0)).port == 8092)
        #expect(facade.stringList("apiKeys") == ["facade-key-4711"])
        ozlocks.finish()
        // url and apiKeyHeader were never read: the adapter's finish() names them.
        #expect(
            result.problems.map(\.description) == [
                "adapters.ozlocks.url (line 16): unknown key",
                "adapters.ozlocks.apiKeyHeader (line 18): unknown key",
            ])
        #expect(result.hasErrors)
    }

    @Test func vankeAppIdKeepsItsDigitsAsWritten() throws {
        let config = try #require(
            ConfigLoader.load(yaml: designExampleYAML, environment: designExampleEnvironment).config)
        let vanke = try #require(config.adapterSection("vanke"))
        #expect(vanke.requiredString("appId") == "99848791")
        #expect(vanke.int("retries", default: 0, range: 0...10) == 5)
        #expect(vanke.sectionList("devices").first?.requiredString("lane") == "东二门01道")
        let ofd = try #require(config.adapterSection("ofd"))
        #expect(ofd.stringList("inns") == ["0182021620"])
    }
}
