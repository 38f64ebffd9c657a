import Bridge
import Topics

/// The lot's gates and places as Home Assistant devices. A gate is its plate camera (V1.4) and
/// gets an "open" button, which sends a force open request; a place, first seen when its sensor
/// reports, is an occupancy sensor.
extension VankeAdapter {
    public var discoveryKinds: Set<String> { ["gate", "place"] }

    func announceGatesAndPlaces(_ bridge: BridgeContext) async {
        let lot = bridge.topics.parking(settings.parkingLotId)
        let gates = settings.devices.filter { $0.kind == .recognizer }.map { Self.gateDevice($0, lot: lot) }
        await bridge.homeAssistant.replace(kind: "gate", with: gates)
        let places = (try? await bridge.store.cursors.values(adapter: name, prefix: "place.")) ?? []
        await bridge.homeAssistant.replace(
            kind: "place", with: places.map { Self.placeDevice(String($0.key.dropFirst("place.".count)), lot: lot) })
    }

    static func gateDevice(_ camera: VankeSettings.Device, lot: ParkingTopics) -> HomeAssistantDevice {
        let gate = lot.gate(camera.deviceNo)
        return HomeAssistantDevice(
            kind: "gate", id: camera.deviceNo, name: camera.lane.isEmpty ? "Gate \(camera.deviceNo)" : "Gate \(camera.lane)",
            manufacturer: "Vanke", model: "plate recognizer", availability: [.init(topic: lot.device(camera.deviceNo).availability)],
            components: [
                HomeAssistantDevice.Component(
                    key: "open", platform: "button",
                    options: [
                        "name": "Open", "command_topic": .string(gate.request("open")), "payload_press": #"{"mode":"force"}"#,
                        "retain": false, "icon": "mdi:boom-gate-up",
                    ]),
                .binarySensor(key: "vehicle", name: "Vehicle", deviceClass: "occupancy", stateTopic: gate.loop, field: "occupied", on: "value_json.occupied"),
                HomeAssistantDevice.Component(
                    key: "plate", platform: "sensor",
                    options: [
                        "name": "Last plate", "state_topic": .string(gate.recognition), "value_template": "{{ value_json.plate }}",
                        "icon": "mdi:car",
                    ]),
            ])
    }

    static func placeDevice(_ place: String, lot: ParkingTopics) -> HomeAssistantDevice {
        HomeAssistantDevice(
            kind: "place", id: place, name: "Place \(place)", manufacturer: "Vanke", model: "parking place",
            components: [
                .binarySensor(
                    key: "occupancy", name: nil, deviceClass: "occupancy", stateTopic: lot.place(place), field: "status",
                    on: "value_json.status == 'occupied'"),
            ])
    }
}
