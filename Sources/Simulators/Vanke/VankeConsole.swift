import Foundation

/// The line protocol of `gatehouse simulate vanke`, for a person at a terminal: words that steer
/// the platform's answers, and calls of the supplier's interfaces.
public enum VankeConsole {
    public enum Command: Equatable, Sendable {
        /// Refuse this plate always (nil: the default reason).
        case deny(plate: String, reason: String?)
        case allow(plate: String, afterDenials: Int)
        case clearRules
        case fault(VankeFault)
        /// Stop listening (connections refused), keeping the state.
        case down
        /// Listen again on the same address.
        case up
        /// Call this supplier interface with these members (version/token/parkingLotId/time are added).
        case call(endpoint: String, fields: [String: VankeValue])
        case help
        case quit
        /// A blank line.
        case nothing
        /// Not understood; the text says why.
        case invalid(String)
    }

    /// What the commands are, for `help`.
    public static let help = """
        deny <plate> [reason]          refuse receivePlateNumber for the plate (default 车辆未缴费)
        allow <plate> <n>              refuse the plate's next n pushes, then allow
        clear                          allow every plate again
        fault none|slow <ms>|garbage|http <code>|respcode1 <text>|hang|drop
        down / up                      stop listening (connections refused) / listen again
        open-gate <deviceNo> <openMode 0-3> [plate]     receiveOpenGate (0 常开 1 恢复 2 正常 3 强制)
        show <deviceNo> <left|center|right>:<text>[|…]   receiveShowMsg
        places [vacancy|occupy|unusual|all] [page] [size]   queryPlaceStatus
        unpushed cross|recognition <begin yyyyMMddHHmmss> [end] [page] [size]
        check                          checkConnect
        call <endpoint> [name=value …] any supplier interface (queryInOutRecord, …)
        quit                           stop the simulator
        """

    /// The command a typed line stands for.
    public static func command(_ line: String) -> Command {
        let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let verb = words.first?.lowercased() else { return .nothing }
        let arguments = Array(words.dropFirst())
        /// The line's text after the first `count` words, as typed (inner spaces kept).
        func text(after count: Int) -> String {
            var rest = Substring(line)
            for _ in 0..<count {
                rest = rest.drop { $0.isWhitespace }.drop { !$0.isWhitespace }
            }
            return rest.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        switch verb {
        case "help", "?": return .help
        case "quit", "exit": return .quit
        case "clear": return .clearRules
        case "down": return .down
        case "up": return .up
        case "check": return .call(endpoint: "checkConnect", fields: [:])
        case "deny":
            guard let plate = arguments.first else { return .invalid("deny <plate> [reason]") }
            let reason = text(after: 2)
            return .deny(plate: plate, reason: reason.isEmpty ? nil : reason)
        case "allow":
            guard arguments.count == 2, let count = Int(arguments[1]), count >= 0 else {
                return .invalid("allow <plate> <afterDenials ≥ 0>")
            }
            return .allow(plate: arguments[0], afterDenials: count)
        case "fault": return fault(arguments, text: text(after: 2))
        case "open-gate": return openGate(arguments)
        case "show": return show(arguments, text: text(after: 2))
        case "places": return places(arguments)
        case "unpushed": return unpushed(arguments)
        case "call": return call(arguments)
        default: return .invalid("unknown command \(verb); type help")
        }
    }

    private static func fault(_ arguments: [String], text: String) -> Command {
        switch (arguments.first?.lowercased() ?? "", arguments.count) {
        case ("none", 1): return .fault(.none)
        case ("garbage", 1): return .fault(.garbage)
        case ("hang", 1): return .fault(.hang)
        case ("drop", 1): return .fault(.acceptThenDrop)
        case ("slow", 2):
            guard let ms = Int(arguments[1]), ms >= 0 else { break }
            return .fault(.slow(.milliseconds(ms)))
        case ("http", 2):
            guard let code = Int(arguments[1]), (100...599).contains(code) else { break }
            return .fault(.httpStatus(code))
        case ("respcode1", _) where !text.isEmpty: return .fault(.respCode1(text))
        default: break
        }
        return .invalid("fault none|slow <ms>|garbage|http <100-599>|respcode1 <text>|hang|drop")
    }

    private static func openGate(_ arguments: [String]) -> Command {
        guard (2...3).contains(arguments.count), ["0", "1", "2", "3"].contains(arguments[1]) else {
            return .invalid("open-gate <deviceNo> <openMode 0-3> [plate]")
        }
        // openMode is a String in the spec's table.
        var fields: [String: VankeValue] = ["deviceNo": .string(arguments[0]), "openMode": .string(arguments[1])]
        if arguments.count == 3 { fields["plateNumber"] = .string(arguments[2]) }
        return .call(endpoint: "receiveOpenGate", fields: fields)
    }

    /// msg goes as a JSON array, as the spec's 屏显文本 example shows (its table says String).
    private static func show(_ arguments: [String], text: String) -> Command {
        let usage = Command.invalid("show <deviceNo> <left|center|right>:<text>[|…]")
        guard let device = arguments.first, !text.isEmpty else { return usage }
        var lines: [VankeJSON] = []
        for part in text.split(separator: "|", omittingEmptySubsequences: false) {
            guard let colon = part.firstIndex(of: ":") else { return usage }
            let alignment = part[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            guard ["left", "center", "right"].contains(alignment) else { return usage }
            lines.append(.object([("text", .string(String(part[part.index(after: colon)...]))),
                                  ("alignment", .string(alignment))]))
        }
        let msg = String(decoding: VankeJSON.array(lines).serialized(), as: UTF8.self)
        return .call(endpoint: "receiveShowMsg", fields: ["deviceNo": .string(device), "msg": .raw(msg)])
    }

    private static func places(_ arguments: [String]) -> Command {
        var rest = arguments[...]
        var fields: [String: VankeValue] = [:]
        if let status = rest.first?.lowercased(), Int(status) == nil {
            guard ["vacancy", "occupy", "unusual", "all"].contains(status) else {
                return .invalid("places [vacancy|occupy|unusual|all] [page] [size]")
            }
            if status != "all" { fields["placeStatus"] = .string(status) }
            rest = rest.dropFirst()
        }
        guard let paging = paging(rest) else { return .invalid("places [vacancy|occupy|unusual|all] [page] [size]") }
        return .call(endpoint: "queryPlaceStatus", fields: fields.merging(paging) { $1 })
    }

    private static func unpushed(_ arguments: [String]) -> Command {
        let usage = Command.invalid("unpushed cross|recognition <begin yyyyMMddHHmmss> [end yyyyMMddHHmmss] [page] [size]")
        guard arguments.count >= 2, let begin = VankeTime.spaced(compact: arguments[1]) else { return usage }
        let endpoint: String
        switch arguments[0].lowercased() {
        case "cross": endpoint = "queryUnPushCrossInfo"
        case "recognition": endpoint = "queryUnPushRecognitionInfo"
        default: return usage
        }
        var fields: [String: VankeValue] = ["beginTime": .string(begin)]
        var rest = arguments.dropFirst(2)
        if let word = rest.first, let end = VankeTime.spaced(compact: word) {
            fields["endTime"] = .string(end)
            rest = rest.dropFirst()
        }
        guard let paging = paging(rest) else { return usage }
        return .call(endpoint: endpoint, fields: fields.merging(paging) { $1 })
    }

    /// `[page] [size]` as currentPage and pageSize (Integer in the spec).
    private static func paging(_ words: ArraySlice<String>) -> [String: VankeValue]? {
        guard words.count <= 2 else { return nil }
        let numbers = words.compactMap { Int($0) }
        guard numbers.count == words.count, numbers.allSatisfy({ $0 > 0 }) else { return nil }
        var fields: [String: VankeValue] = [:]
        if numbers.count > 0 { fields["currentPage"] = .int(numbers[0]) }
        if numbers.count > 1 { fields["pageSize"] = .int(numbers[1]) }
        return fields
    }

    private static func call(_ arguments: [String]) -> Command {
        guard let endpoint = arguments.first, endpoint.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            return .invalid("call <endpoint> [name=value …]")
        }
        var fields: [String: VankeValue] = [:]
        for pair in arguments.dropFirst() {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                return .invalid("call <endpoint> [name=value …]: \(pair) is not name=value")
            }
            fields[String(pair[..<equals])] = .string(String(pair[pair.index(after: equals)...]))
        }
        return .call(endpoint: endpoint, fields: fields)
    }
}
