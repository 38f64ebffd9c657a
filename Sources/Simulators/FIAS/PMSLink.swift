/// The PMS side of FIAS link control, for the one client the port allows (FIAS-NOTES, "Link
/// control"): LD, one LR per record type and LA make the link alive; LS while alive is a
/// keep-alive; LE ends the link. Pure: the simulator does the I/O it asks for.
struct PMSLink: Sendable {
    enum Phase: Equatable {
        /// Waiting for the lock side's LD.
        case down
        /// LD received; LRs are arriving until LA.
        case describing
        case alive
    }

    /// What the PMS sends back.
    enum Reply: Equatable {
        case linkStart, linkAlive, linkEnd

        var type: String {
            switch self {
            case .linkStart: "LS"
            case .linkAlive: "LA"
            case .linkEnd: "LE"
            }
        }
    }

    struct Outcome: Equatable {
        var reply: Reply?
        /// Close the connection once the reply is out.
        var close = false
        /// A data record while the link is not alive: a PMS drops it.
        var ignored = false
        /// This record (LA) completed a link start.
        var cameAlive = false
    }

    private(set) var phase = Phase.down
    /// The RI values of the LRs since the last LD.
    private(set) var announced: [String] = []
    /// Answer the next LS received while alive with LS, as a PMS that restarted unnoticed does.
    private(set) var restartPending: Bool
    /// The client has sent something since it connected (then LS is not repeated).
    private(set) var heard = false
    private(set) var linkStartRepeats = 0
    /// The PMS sent LE: the LE that comes back is an answer, not to be answered again.
    private(set) var endSent = false

    init(restartPending: Bool = false) { self.restartPending = restartPending }

    /// A new client: nothing of the old link carries over but a pending restart.
    mutating func connected() {
        phase = .down
        announced = []
        heard = false
        linkStartRepeats = 0
        endSent = false
    }

    mutating func disconnected() { phase = .down }

    /// The PMS "restarted": the link is down until the lock side starts it again.
    mutating func restart() { phase = .down }

    /// The PMS sends LE.
    mutating func ending() {
        phase = .down
        endSent = true
    }

    /// Whether to send LS again because the client is still silent, counting it (at most `limit`).
    mutating func repeatsLinkStart(limit: Int) -> Bool {
        guard !heard, linkStartRepeats < limit else { return false }
        linkStartRepeats += 1
        return true
    }

    mutating func receive(_ record: FIASRecord) -> Outcome {
        heard = true
        switch record.type {
        case "LD":
            phase = .describing
            announced = []
            return Outcome()
        case "LR":
            if phase == .describing { announced.append(record.values["RI"] ?? "") }
            return Outcome()
        case "LA":
            // While alive an LA is not answered; without LD there was no link description.
            guard phase == .describing else { return Outcome() }
            phase = .alive
            return Outcome(reply: .linkAlive, cameAlive: true)
        case "LS":
            if phase == .alive && !restartPending { return Outcome(reply: .linkAlive) }
            // LS back means "describe the link again": LD, LR…, LA.
            if phase == .alive { restartPending = false }
            phase = .down
            return Outcome(reply: .linkStart)
        case "LE":
            phase = .down
            return Outcome(reply: endSent ? nil : .linkEnd, close: true)
        default:
            return Outcome(ignored: !record.isLinkRecord && phase != .alive)
        }
    }
}
