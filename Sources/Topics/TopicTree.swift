/// The Gatehouse topic contract (DESIGN §2), rooted at a configurable base topic.
///
/// Every vendor id passed in is encoded with ``TopicID``; every id returned by ``parse(_:)`` is
/// decoded again.
public struct TopicTree: Hashable, Sendable {
    /// The base topic, `gatehouse` unless configured; may have several levels (`site-1/gatehouse`).
    public let base: String

    /// A tree rooted at `base`.
    public init(base: String = "gatehouse") {
        self.base = base
    }

    /// `<base>/bridge/…`: the bridge's own state, health and requests.
    public var bridge: BridgeTopics { BridgeTopics(root: "\(base)/bridge") }

    /// `<base>/locks/<room>…`.
    public func lock(_ room: String) -> LockTopics {
        LockTopics(state: "\(base)/locks/\(TopicID.encode(room))")
    }

    /// `<base>/encoders/<encoder>…`.
    public func encoder(_ encoder: String) -> EncoderTopics {
        EncoderTopics(state: "\(base)/encoders/\(TopicID.encode(encoder))")
    }

    /// `<base>/parking/<lot>/…`.
    public func parking(_ lot: String) -> ParkingTopics {
        ParkingTopics(root: "\(base)/parking/\(TopicID.encode(lot))")
    }

    /// `<base>/ofd/…`: the fiscal data operator.
    public var ofd: OfdTopics { OfdTopics(root: "\(base)/ofd") }

    /// `<base>/bridge/request/+`.
    public var bridgeRequestFilter: String { "\(base)/bridge/request/+" }
    /// `<base>/locks/+/request/+`.
    public var lockRequestFilter: String { "\(base)/locks/+/request/+" }
    /// `<base>/locks/+/set` (Home Assistant lock commands).
    public var lockSetFilter: String { "\(base)/locks/+/set" }
    /// `<base>/encoders/+/request/+`.
    public var encoderRequestFilter: String { "\(base)/encoders/+/request/+" }
    /// `<base>/ofd/request/+`.
    public var ofdRequestFilter: String { "\(base)/ofd/request/+" }
    /// `<base>/locks/+`: every lock's retained state.
    public var lockStateFilter: String { "\(base)/locks/+" }
    /// `<base>/locks/+/availability`.
    public var lockAvailabilityFilter: String { "\(base)/locks/+/availability" }
    /// `<base>/encoders/+`: every encoder's retained state.
    public var encoderStateFilter: String { "\(base)/encoders/+" }

    /// Every request and command filter (what the router subscribes to).
    public var requestFilters: [String] {
        [bridgeRequestFilter, lockRequestFilter, lockSetFilter, encoderRequestFilter, ofdRequestFilter]
    }
}

/// `<base>/bridge/…`.
public struct BridgeTopics: Hashable, Sendable {
    let root: String

    /// `…/bridge/state` (R): `{"state":"online"|"offline"}`, also the Last Will.
    public var state: String { "\(root)/state" }
    /// `…/bridge/info` (R).
    public var info: String { "\(root)/info" }
    /// `…/bridge/health` (R).
    public var health: String { "\(root)/health" }
    /// `…/bridge/log`: warnings and errors.
    public var log: String { "\(root)/log" }
    /// `…/bridge/adapters/<name>` (R).
    public func adapter(_ name: String) -> String { "\(root)/adapters/\(TopicID.encode(name))" }
    /// `…/bridge/request/<op>`, e.g. `health-check`.
    public func request(_ op: String) -> String { "\(root)/request/\(TopicID.encode(op))" }
    /// `…/bridge/response/<op>`.
    public func response(_ op: String) -> String { "\(root)/response/\(TopicID.encode(op))" }
}

/// `<base>/locks/<room>…`.
public struct LockTopics: Hashable, Sendable {
    /// `…/locks/<room>` (R): the lock state itself.
    public let state: String

    /// `…/locks/<room>/availability` (R).
    public var availability: String { "\(state)/availability" }
    /// `…/locks/<room>/event`: lock log records.
    public var event: String { "\(state)/event" }
    /// `…/locks/<room>/set`: Home Assistant `LOCK`/`UNLOCK`/`OPEN`.
    public var set: String { "\(state)/set" }
    /// `…/locks/<room>/request/<op>`.
    public func request(_ op: String) -> String { "\(state)/request/\(TopicID.encode(op))" }
    /// `…/locks/<room>/response/<op>` (`set` answers on `response/set`).
    public func response(_ op: String) -> String { "\(state)/response/\(TopicID.encode(op))" }
}

/// `<base>/encoders/<encoder>…`.
public struct EncoderTopics: Hashable, Sendable {
    /// `…/encoders/<encoder>` (R): idle, busy or waiting for a card.
    public let state: String

    /// `…/encoders/<encoder>/request/<op>`.
    public func request(_ op: String) -> String { "\(state)/request/\(TopicID.encode(op))" }
    /// `…/encoders/<encoder>/response/<op>`.
    public func response(_ op: String) -> String { "\(state)/response/\(TopicID.encode(op))" }
    /// `…/encoders/<encoder>/event`: an operation's outcome that came after its requester was
    /// answered (`late-answer`), e.g. the card the lock server cut after a timeout.
    public var event: String { "\(state)/event" }
}

/// `<base>/ofd/…`.
public struct OfdTopics: Hashable, Sendable {
    let root: String

    /// `…/ofd/request/<op>`.
    public func request(_ op: String) -> String { "\(root)/request/\(TopicID.encode(op))" }
    /// `…/ofd/response/<op>`.
    public func response(_ op: String) -> String { "\(root)/response/\(TopicID.encode(op))" }
    /// `…/ofd/kkts/<rnm>` (R).
    public func kkt(_ rnm: String) -> String { "\(root)/kkts/\(TopicID.encode(rnm))" }
    /// `…/ofd/kkts/<rnm>/alerts` (R).
    public func kktAlerts(_ rnm: String) -> String { "\(kkt(rnm))/alerts" }
}
