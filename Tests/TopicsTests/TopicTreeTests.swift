import Testing
import Topics

@Suite("TopicTree")
struct TopicTreeTests {
    let t = TopicTree()

    @Test func bridgeTopics() {
        #expect(t.bridge.state == "gatehouse/bridge/state")
        #expect(t.bridge.info == "gatehouse/bridge/info")
        #expect(t.bridge.health == "gatehouse/bridge/health")
        #expect(t.bridge.log == "gatehouse/bridge/log")
        #expect(t.bridge.adapter("fias") == "gatehouse/bridge/adapters/fias")
        #expect(t.bridge.request("health-check") == "gatehouse/bridge/request/health-check")
        #expect(t.bridge.response("health-check") == "gatehouse/bridge/response/health-check")
    }

    @Test func lockAndEncoderTopics() {
        let lock = t.lock("101")
        #expect(lock.state == "gatehouse/locks/101")
        #expect(lock.availability == "gatehouse/locks/101/availability")
        #expect(lock.event == "gatehouse/locks/101/event")
        #expect(lock.set == "gatehouse/locks/101/set")
        #expect(lock.request("read-state") == "gatehouse/locks/101/request/read-state")
        #expect(lock.response("read-state") == "gatehouse/locks/101/response/read-state")

        let encoder = t.encoder("001")
        #expect(encoder.state == "gatehouse/encoders/001")
        #expect(encoder.request("issue-card") == "gatehouse/encoders/001/request/issue-card")
        #expect(encoder.response("issue-card") == "gatehouse/encoders/001/response/issue-card")
    }

    @Test func idsAreEncoded() {
        #expect(t.lock("A/1").state == "gatehouse/locks/A%2F1")
        #expect(t.lock("Номер 101").availability == "gatehouse/locks/Номер 101/availability")
        #expect(t.encoder("$1").state == "gatehouse/encoders/%241")
        #expect(t.parking("lot#1").place("P+1") == "gatehouse/parking/lot%231/places/P%2B1")
        #expect(t.ofd.kkt("0001/2") == "gatehouse/ofd/kkts/0001%2F2")
    }

    @Test func parkingTopics() {
        let lot = t.parking("lot-1")
        let gate = lot.gate("东二门01道")
        #expect(gate.recognition == "gatehouse/parking/lot-1/gates/东二门01道/recognition")
        #expect(gate.decision == "gatehouse/parking/lot-1/gates/东二门01道/decision")
        #expect(gate.crossing == "gatehouse/parking/lot-1/gates/东二门01道/crossing")
        #expect(gate.command == "gatehouse/parking/lot-1/gates/东二门01道/command")
        #expect(gate.mode == "gatehouse/parking/lot-1/gates/东二门01道/mode")
        #expect(gate.loop == "gatehouse/parking/lot-1/gates/东二门01道/loop")
        #expect(lot.display("DWWE10232") == "gatehouse/parking/lot-1/displays/DWWE10232")
        #expect(lot.place("A-17") == "gatehouse/parking/lot-1/places/A-17")
        #expect(lot.device("CAM1").availability == "gatehouse/parking/lot-1/devices/CAM1/availability")
        #expect(lot.device("CAM1").alarm == "gatehouse/parking/lot-1/devices/CAM1/alarm")
        #expect(lot.recognitionFilter == "gatehouse/parking/lot-1/gates/+/recognition")
        #expect(lot.inboundFilters.count == 6)
        for filter in lot.inboundFilters { #expect(TopicFilter.isValid(filter), "\(filter)") }
    }

    @Test func ofdTopics() {
        #expect(t.ofd.request("apply-code") == "gatehouse/ofd/request/apply-code")
        #expect(t.ofd.response("apply-code") == "gatehouse/ofd/response/apply-code")
        #expect(t.ofd.kkt("0000000001002292") == "gatehouse/ofd/kkts/0000000001002292")
        #expect(t.ofd.kktAlerts("0000000001002292") == "gatehouse/ofd/kkts/0000000001002292/alerts")
    }

    @Test func filtersMatchTheTopicsTheyAreFor() throws {
        #expect(t.lockRequestFilter == "gatehouse/locks/+/request/+")
        #expect(t.lockSetFilter == "gatehouse/locks/+/set")
        #expect(t.encoderRequestFilter == "gatehouse/encoders/+/request/+")
        #expect(t.bridgeRequestFilter == "gatehouse/bridge/request/+")
        #expect(t.ofdRequestFilter == "gatehouse/ofd/request/+")
        let requests = try t.requestFilters.map { try #require(TopicFilter($0)) }
        for topic in [t.lock("a/b").request("open"), t.lock("1").set, t.encoder("001").request("read-card"),
                      t.bridge.request("health-check"), t.ofd.request("list-kkts")] {
            #expect(requests.filter { $0.matches(topic) }.count == 1, "\(topic)")
        }
        #expect(!requests.contains { $0.matches(t.lock("1").response("open")) })
        #expect(!requests.contains { $0.matches(t.lock("1").state) })
        #expect(try #require(TopicFilter(t.lockStateFilter)).matches(t.lock("1").state))
        #expect(try #require(TopicFilter(t.encoderStateFilter)).matches(t.encoder("1").state))
        #expect(try #require(TopicFilter(t.lockAvailabilityFilter)).matches(t.lock("1").availability))
    }

    @Test func customBase() {
        let tree = TopicTree(base: "site-1/gh")
        #expect(tree.lock("101").request("open") == "site-1/gh/locks/101/request/open")
        #expect(tree.lockRequestFilter == "site-1/gh/locks/+/request/+")
        #expect(tree.parse("site-1/gh/locks/101/request/open") == .lockRequest(room: "101", op: "open"))
        #expect(tree.parse("gatehouse/locks/101/request/open") == nil)
    }

    @Test("parse recognises routes and decodes ids", arguments: [
        ("gatehouse/bridge/request/health-check", TopicRoute.bridgeRequest(op: "health-check")),
        ("gatehouse/locks/101/request/open", .lockRequest(room: "101", op: "open")),
        ("gatehouse/locks/A%2F1/request/read-log", .lockRequest(room: "A/1", op: "read-log")),
        ("gatehouse/locks/Номер 101/set", .lockSet(room: "Номер 101")),
        ("gatehouse/locks/request/set", .lockSet(room: "request")),
        ("gatehouse/locks/%24x/request/request", .lockRequest(room: "$x", op: "request")),
        ("gatehouse/encoders/001/request/issue-card", .encoderRequest(encoder: "001", op: "issue-card")),
        ("gatehouse/ofd/request/pay-status", .ofdRequest(op: "pay-status")),
        ("gatehouse/parking/lot-1/gates/东二门01道/recognition", .gateRecognition(lot: "lot-1", gate: "东二门01道")),
        ("gatehouse/parking/lot-1/gates/g1/crossing", .gateCrossing(lot: "lot-1", gate: "g1")),
        ("gatehouse/parking/lot-1/gates/g1/loop", .gateLoop(lot: "lot-1", gate: "g1")),
        ("gatehouse/parking/lot-1/places/A-17", .place(lot: "lot-1", place: "A-17")),
        ("gatehouse/parking/lot-1/devices/CAM1/availability", .deviceAvailability(lot: "lot-1", device: "CAM1")),
        ("gatehouse/parking/lot-1/devices/CAM1/alarm", .deviceAlarm(lot: "lot-1", device: "CAM1")),
    ])
    func parse(topic: String, route: TopicRoute) {
        #expect(t.parse(topic) == route)
    }

    @Test("parse refuses what we do not serve", arguments: [
        "gatehouse/locks/101", "gatehouse/locks/101/response/open", "gatehouse/locks/101/request",
        "gatehouse/locks//request/open", "gatehouse/locks/101/request/", "gatehouse/bridge/state",
        "gatehouse/parking/lot-1/gates/g1/decision", "gatehouse/parking/lot-1/devices/d/status",
        "gatehousex/locks/101/set", "other/locks/101/set", "gatehouse", "",
        "gatehouse/locks/101/%73et",  // an encoded id, not the word `set`
    ])
    func parseRefuses(topic: String) {
        #expect(t.parse(topic) == nil)
    }

    @Test func routeKinds() {
        #expect(TopicRoute.lockSet(room: "1").isCommand)
        #expect(TopicRoute.ofdRequest(op: "x").isCommand)
        #expect(!TopicRoute.gateLoop(lot: "l", gate: "g").isCommand)
        #expect(TopicRoute.lockSet(room: "1").operation == "set")
        #expect(TopicRoute.encoderRequest(encoder: "1", op: "read-card").operation == "read-card")
        #expect(TopicRoute.place(lot: "l", place: "p").operation == nil)
    }

    @Test("response topics", arguments: [
        ("gatehouse/locks/101/request/open", "gatehouse/locks/101/response/open"),
        ("gatehouse/locks/request/request/open", "gatehouse/locks/request/response/open"),
        ("gatehouse/bridge/request/health-check", "gatehouse/bridge/response/health-check"),
        ("gatehouse/locks/101/set", "gatehouse/locks/101/response/set"),
        ("gatehouse/locks/set/set", "gatehouse/locks/set/response/set"),
        ("site/gh/ofd/request/list-kkts", "site/gh/ofd/response/list-kkts"),
    ] as [(String, String)])
    func responseTopic(request: String, response: String) {
        #expect(TopicTree.responseTopic(forRequest: request) == response)
    }

    @Test("no response topic for non-requests", arguments: [
        "gatehouse/locks/101", "gatehouse/locks/101/request", "gatehouse/locks/101/request/",
        "gatehouse/locks/101/response/open", "gatehouse/bridge/state", "request", "",
        "gatehouse/locks/+/request/+", "gatehouse/parking/l/devices/set",
    ])
    func noResponseTopic(topic: String) {
        #expect(TopicTree.responseTopic(forRequest: topic) == nil)
    }

    @Test func homeAssistantTopics() {
        let ha = HomeAssistantTopics(prefix: "homeassistant")
        #expect(ha.status == "homeassistant/status")
        #expect(ha.deviceConfig(instance: "hotel-1", kind: "lock", id: "101")
            == "homeassistant/device/gatehouse_hotel-1_lock_101/config")
        let cyrillic = HomeAssistantTopics.objectID(instance: "hotel-1", kind: "lock", id: "Номер 101")
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        #expect(cyrillic.allSatisfy(allowed.contains))
        #expect(cyrillic.hasPrefix("gatehouse_hotel-1_lock_______101_"))
        // Ids that differ only in replaced characters stay distinct.
        #expect(cyrillic != HomeAssistantTopics.objectID(instance: "hotel-1", kind: "lock", id: "Комн 101"))
        #expect(HomeAssistantTopics.objectID(instance: "hotel-1", kind: "place", id: "A/1")
            != HomeAssistantTopics.objectID(instance: "hotel-1", kind: "place", id: "A.1"))
        #expect(HomeAssistantTopics(prefix: "ha").deviceConfig(instance: "i", kind: "gate", id: "g_1")
            == "ha/device/gatehouse_i_gate_g_1/config")
    }
}
