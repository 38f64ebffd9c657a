/// What an incoming topic addresses; ids are decoded vendor strings.
public enum TopicRoute: Hashable, Sendable {
    /// `<base>/bridge/request/<op>`.
    case bridgeRequest(op: String)
    /// `<base>/locks/<room>/request/<op>`.
    case lockRequest(room: String, op: String)
    /// `<base>/locks/<room>/set`: a Home Assistant lock command.
    case lockSet(room: String)
    /// `<base>/encoders/<encoder>/request/<op>`.
    case encoderRequest(encoder: String, op: String)
    /// `<base>/ofd/request/<op>`.
    case ofdRequest(op: String)
    /// `<base>/parking/<lot>/gates/<gate>/recognition`.
    case gateRecognition(lot: String, gate: String)
    /// `<base>/parking/<lot>/gates/<gate>/crossing`.
    case gateCrossing(lot: String, gate: String)
    /// `<base>/parking/<lot>/gates/<gate>/loop`.
    case gateLoop(lot: String, gate: String)
    /// `<base>/parking/<lot>/places/<place>`.
    case place(lot: String, place: String)
    /// `<base>/parking/<lot>/devices/<device>/availability`.
    case deviceAvailability(lot: String, device: String)
    /// `<base>/parking/<lot>/devices/<device>/alarm`.
    case deviceAlarm(lot: String, device: String)

    /// Requests and commands: never executed when they arrive retained.
    public var isCommand: Bool {
        switch self {
        case .bridgeRequest, .lockRequest, .lockSet, .encoderRequest, .ofdRequest: true
        default: false
        }
    }

    /// The operation named by a request topic (`set` for a lock command); nil for telemetry.
    public var operation: String? {
        switch self {
        case .bridgeRequest(let op), .lockRequest(_, let op), .encoderRequest(_, let op), .ofdRequest(let op):
            op
        case .lockSet:
            "set"
        default:
            nil
        }
    }
}

extension TopicTree {
    /// The route for an incoming topic under this tree's base, or nil when it is not one we serve.
    public func parse(_ topic: String) -> TopicRoute? {
        guard topic.hasPrefix(base + "/") else { return nil }
        let rest = topic.dropFirst(base.count + 1)
        let raw = rest.split(separator: "/", omittingEmptySubsequences: false)
        // An empty id or operation addresses nothing.
        guard !raw.contains(where: \.isEmpty) else { return nil }
        // Fixed words are compared undecoded (`raw`); ids are taken decoded (`level`).
        let level = raw.map { TopicID.decode(String($0)) }

        switch raw.count {
        case 3 where raw[0] == "bridge" && raw[1] == "request":
            return .bridgeRequest(op: level[2])
        case 3 where raw[0] == "ofd" && raw[1] == "request":
            return .ofdRequest(op: level[2])
        case 3 where raw[0] == "locks" && raw[2] == "set":
            return .lockSet(room: level[1])
        case 4 where raw[0] == "locks" && raw[2] == "request":
            return .lockRequest(room: level[1], op: level[3])
        case 4 where raw[0] == "encoders" && raw[2] == "request":
            return .encoderRequest(encoder: level[1], op: level[3])
        case 4 where raw[0] == "parking" && raw[2] == "places":
            return .place(lot: level[1], place: level[3])
        case 5 where raw[0] == "parking" && raw[2] == "gates":
            switch raw[4] {
            case "recognition": return .gateRecognition(lot: level[1], gate: level[3])
            case "crossing": return .gateCrossing(lot: level[1], gate: level[3])
            case "loop": return .gateLoop(lot: level[1], gate: level[3])
            default: return nil
            }
        case 5 where raw[0] == "parking" && raw[2] == "devices":
            switch raw[4] {
            case "availability": return .deviceAvailability(lot: level[1], device: level[3])
            case "alarm": return .deviceAlarm(lot: level[1], device: level[3])
            default: return nil
            }
        default:
            return nil
        }
    }

    /// The response topic for a request or lock command topic, or nil when `topic` is neither.
    ///
    /// `…/request/<op>` → `…/response/<op>` (only the last `request` level is replaced, so an id
    /// spelled `request` is safe); `…/locks/<room>/set` → `…/locks/<room>/response/set`.
    public static func responseTopic(forRequest topic: String) -> String? {
        var levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        let n = levels.count
        guard n >= 2, let op = levels.last, !op.isEmpty, !op.contains("+"), !op.contains("#") else {
            return nil
        }
        if levels[n - 2] == "request" {
            levels[n - 2] = "response"
            return levels.joined(separator: "/")
        }
        if n >= 3, op == "set", levels[n - 3] == "locks", !levels[n - 2].isEmpty {
            levels.insert("response", at: n - 1)
            return levels.joined(separator: "/")
        }
        return nil
    }
}
