import Foundation

/// The line protocol of `gatehouse simulate fias-pms`, for a person at a terminal: a line holding
/// a record is sent (with `DA`/`TI` added when missing), a few words steer the simulator.
public enum PMSConsole {
    public enum Command: Equatable, Sendable {
        /// Send this record text.
        case send(String)
        case quit
        /// Behave as a restarted PMS (see `PMSSimulator.restart()`).
        case restart
        /// Close the connection abruptly.
        case drop
        case help
        /// A blank line.
        case nothing
        /// Not understood; the text says why.
        case invalid(String)
    }

    /// What the commands are, for `help`.
    public static let help = """
        A record, e.g. KR|WS3|KC1|RN101|KTN|GA250904|GD250905|DT12:00|GNИванов Иван|  (DA/TI added when missing)
        restart  answer the next LS with LS, link down until LD/LR/LA
        drop     close the connection abruptly
        quit     stop the simulator
        """

    /// The command a typed line stands for; `now` stamps records lacking DA/TI.
    public static func command(_ line: String, now: Date = Date()) -> Command {
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        switch text.lowercased() {
        case "": return .nothing
        case "quit", "exit": return .quit
        case "restart": return .restart
        case "drop": return .drop
        case "help", "?": return .help
        default: break
        }
        let type = text.prefix { $0 != "|" }
        guard type.count == 2, type.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }), text.count > 2 else {
            return .invalid("a record starts with a two-character type and |, e.g. KR|…; or type help")
        }
        return .send(FIASClock.stamped(text, at: now))
    }

    /// The line to print for an event: `< …` received, `> …` sent, `* …` link news.
    public static func line(for event: PMSSimulator.Event) -> String {
        switch event {
        case .accepted(let connection): "* lock system connected (connection \(connection))"
        case .closed(let connection): "* connection \(connection) closed"
        case .received(let text, ignored: false): "< \(text)"
        case .received(let text, ignored: true): "< \(text)    (ignored: link not alive)"
        case .sent(let text): "> \(text)"
        case .alive(let announced): "* link alive; record types announced: \(announced.joined(separator: " "))"
        }
    }
}
