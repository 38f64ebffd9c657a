import Bridge
import Foundation
import Testing
import TestSupport
import Topics

@Suite("Home Assistant discovery: gates, places, registers")
struct ParkingAndRegisterDiscoveryTests {
    @Test("a gate is a button whose press force-opens it; a place appears when its sensor reports and goes when it clears")
    func gateAndPlace() async throws {
        let h = try await VankeHarness.start()
        let reader = try await DiscoveryReader.start(for: h.running.config)
        let topics = h.running.bridge.context.topics
        let gate = try await reader.config("gate", "CAM-01")
        expectDeviceBasics(
            gate, objectID: HomeAssistantTopics.objectID(instance: "test", kind: "gate", id: "CAM-01"), instance: "test",
            manufacturer: "Vanke", model: "plate recognizer", bridgeState: topics.bridge.state,
            ownAvailability: h.parking.device("CAM-01").availability)
        let button = try #require(reader.component(gate, "gate", "CAM-01", "open"))
        #expect(button["platform"] == "button")
        let command = try #require(button["command_topic"]?.stringValue)
        #expect(command == h.parking.gate("CAM-01").request("open"))
        let press = try #require(button["payload_press"]?.stringValue)
        // Only recognizers are gates: the display is not one.
        #expect(reader.count("gate", "DWWE10232") == 0)

        // Pressing the button: the barrier gets a force open, the presser an ok on …/response/open.
        let mark = h.client.mark()
        try h.client.publish(command, press)
        let sent = try JSONValue.parse(try await h.client.next(on: h.parking.gate("CAM-01").command, after: mark).payload)
        #expect(sent["action"] == "open" && sent["mode"] == "force")
        let answer = try JSONValue.parse(try await h.client.next(on: "\(h.parking.gatesPrefix)CAM-01/response/open", after: mark).payload)
        #expect(answer["status"] == "ok", "\(answer)")

        // A place is announced when first heard of, and withdrawn when its state is cleared.
        try h.client.publish(h.parking.place("A001"), #"{"status":"occupied","plate":"闽D782WY"}"#, retain: true)
        let place = try await reader.config("place", "A001")
        let occupancy = try #require(reader.component(place, "place", "A001", "occupancy"))
        #expect(occupancy["platform"] == "binary_sensor" && occupancy["device_class"] == "occupancy")
        #expect(occupancy["state_topic"]?.stringValue == h.parking.place("A001"))
        #expect(occupancy["value_template"]?.stringValue?.contains("'occupied'") == true)
        #expect(place["availability"]?.arrayValue?.count == 1)
        let before = reader.count("place", "A001")
        try h.client.publish(h.parking.place("A001"), "", retain: true)
        try await reader.withdrawal("place", "A001", since: before)
        await reader.stop()
        await h.stop()
    }

    @Test("the open request: normal needs the recognised plate, unknown gates and other operations are refused, and nothing is sent")
    func gateOpenRequestRefusals() async throws {
        let h = try await VankeHarness.start()
        let gate = h.parking.gate("CAM-01")
        func ask(_ gateID: String, _ op: String, _ payload: String) async throws -> JSONValue {
            let mark = h.client.mark()
            try h.client.publish("\(h.parking.gatesPrefix)\(gateID)/request/\(op)", payload)
            return try JSONValue.parse(try await h.client.next(on: "\(h.parking.gatesPrefix)\(gateID)/response/\(op)", after: mark).payload)
        }
        let noPlate = try await ask("CAM-01", "open", #"{"transaction":"t1","mode":"normal"}"#)
        #expect(noPlate.errorCode == "invalid-request")
        #expect(noPlate["error"]?["message"]?.stringValue?.contains("plate") == true)
        let mismatch = try await ask("CAM-01", "open", #"{"transaction":"t2","mode":"normal","plate":"闽D782WY"}"#)
        #expect(mismatch.errorCode == "invalid-request")
        #expect(mismatch["error"]?["message"]?.stringValue?.contains("plate mismatch") == true)
        let badMode = try await ask("CAM-01", "open", #"{"transaction":"t3","mode":"always"}"#)
        #expect(badMode.errorCode == "invalid-request")
        #expect(badMode["error"]?["message"]?.stringValue?.contains("mode") == true)
        let unknown = try await ask("CAM-99", "open", #"{"transaction":"t4"}"#)
        #expect(unknown.errorCode == "invalid-request")
        let close = try await ask("CAM-01", "close", #"{"transaction":"t5"}"#)
        #expect(close.errorCode == "unsupported")
        #expect(h.client.received(on: gate.command).isEmpty)

        // With the plate the gate recognised last, a normal open goes through.
        let mark = h.client.mark()
        try h.client.publish(gate.recognition, #"{"uuid":"r-1","plate":"闽D782WY","color":"blue"}"#)
        _ = try await h.client.next(on: gate.decision, after: mark)
        let normal = try await ask("CAM-01", "open", #"{"transaction":"t6","mode":"normal","plate":"闽 d782wy"}"#)
        #expect(normal["status"] == "ok", "\(normal)")
        #expect(normal["data"]?["mode"] == "normal")
        let sent = try JSONValue.parse(try await h.client.next(on: gate.command, after: mark).payload)
        #expect(sent["mode"] == "normal" && sent["plate"]?.stringValue == "闽 d782wy")
        await h.stop()
    }

    @Test("a register: days left on the fiscal drive and the contract as sensors, in its state; gone when the operator drops it")
    func register() async throws {
        let rnm = OFDHarness.rnm(40)
        let fnEnd = Date(timeIntervalSinceNow: 45.5 * 86_400)
        let contractEnd = Date(timeIntervalSinceNow: 200.5 * 86_400)
        let h = try await OFDHarness.start {
            $0.addRegister(inn: OFDHarness.inn, .init(rnm: rnm, fnEndsAt: fnEnd, contractEndsAt: contractEnd))
        }
        let reader = try await DiscoveryReader.start(for: h.running.config)
        let topics = h.running.bridge.context.topics
        let config = try await reader.config("register", rnm)
        expectDeviceBasics(
            config, objectID: HomeAssistantTopics.objectID(instance: "test", kind: "register", id: rnm), instance: "test",
            manufacturer: "OFD.ru", model: "АТОЛ 25Ф", bridgeState: topics.bridge.state, ownAvailability: topics.bridge.adapter("ofd"))
        let fn = try #require(reader.component(config, "register", rnm, "fn_days"))
        #expect(fn["platform"] == "sensor" && fn["unit_of_measurement"] == "d")
        #expect(fn["state_topic"]?.stringValue == h.kkt(rnm))
        #expect(fn["value_template"]?.stringValue?.contains("fnDaysLeft") == true)
        let contract = try #require(reader.component(config, "register", rnm, "contract_days"))
        #expect(contract["value_template"]?.stringValue?.contains("contractDaysLeft") == true)
        #expect(reader.component(config, "register", rnm, "alerts")?["state_topic"]?.stringValue == "\(h.kkt(rnm))/alerts")
        // The figures the sensors read.
        let state = try JSONValue.parse(try await h.client.next(on: h.kkt(rnm)).payload)
        #expect(state["fnDaysLeft"]?.intValue == 45)
        #expect(state["contractDaysLeft"]?.intValue == 200)

        let before = reader.count("register", rnm)
        h.operator_.removeRegister(rnm: rnm)
        await h.adapter.syncNow()
        try await reader.withdrawal("register", rnm, since: before)
        await reader.stop()
        await h.stop()
    }
}
