/// `<base>/parking/<lot>/…`.
public struct ParkingTopics: Hashable, Sendable {
    let root: String

    /// `…/gates/<device>/…`.
    public func gate(_ device: String) -> GateTopics {
        GateTopics(root: "\(root)/gates/\(TopicID.encode(device))")
    }

    /// `…/displays/<device>` (R): the lines shown.
    public func display(_ device: String) -> String { "\(root)/displays/\(TopicID.encode(device))" }

    /// `…/places/<place>` (R): vacant, occupied or abnormal.
    public func place(_ place: String) -> String { "\(root)/places/\(TopicID.encode(place))" }

    /// `…/devices/<device>/…`.
    public func device(_ device: String) -> ParkingDeviceTopics {
        ParkingDeviceTopics(root: "\(root)/devices/\(TopicID.encode(device))")
    }

    /// `…/gates/`: what every gate topic of the lot starts with.
    public var gatesPrefix: String { "\(root)/gates/" }

    /// `…/gates/+/recognition`.
    public var recognitionFilter: String { "\(root)/gates/+/recognition" }
    /// `…/gates/+/crossing`.
    public var crossingFilter: String { "\(root)/gates/+/crossing" }
    /// `…/gates/+/loop`.
    public var loopFilter: String { "\(root)/gates/+/loop" }
    /// `…/places/+`.
    public var placeFilter: String { "\(root)/places/+" }
    /// `…/devices/+/availability`.
    public var deviceAvailabilityFilter: String { "\(root)/devices/+/availability" }
    /// `…/devices/+/alarm`.
    public var deviceAlarmFilter: String { "\(root)/devices/+/alarm" }

    /// Everything field devices publish for this lot (what the parking adapter subscribes to).
    public var inboundFilters: [String] {
        [recognitionFilter, crossingFilter, loopFilter, placeFilter, deviceAvailabilityFilter, deviceAlarmFilter]
    }
}

/// `<base>/parking/<lot>/gates/<device>/…`.
public struct GateTopics: Hashable, Sendable {
    let root: String

    /// `…/recognition` (in, camera): a recognised plate.
    public var recognition: String { "\(root)/recognition" }
    /// `…/decision` (out): whether the gate opens for a recognition.
    public var decision: String { "\(root)/decision" }
    /// `…/crossing` (in, loop): a vehicle passed.
    public var crossing: String { "\(root)/crossing" }
    /// `…/command` (out): open the barrier.
    public var command: String { "\(root)/command" }
    /// `…/mode` (R, out): normal or always-open.
    public var mode: String { "\(root)/mode" }
    /// `…/loop` (R, in): whether a vehicle stands in the recognition zone.
    public var loop: String { "\(root)/loop" }
    /// `…/request/<op>` (in): `open`.
    public func request(_ operation: String) -> String { "\(root)/request/\(operation)" }
    /// `…/response/<op>` (out): where the answer goes without a Response Topic.
    public func response(_ operation: String) -> String { "\(root)/response/\(operation)" }
}

/// `<base>/parking/<lot>/devices/<device>/…`.
public struct ParkingDeviceTopics: Hashable, Sendable {
    let root: String

    /// `…/availability` (R, in): the device's Last Will.
    public var availability: String { "\(root)/availability" }
    /// `…/alarm` (in).
    public var alarm: String { "\(root)/alarm" }
}
