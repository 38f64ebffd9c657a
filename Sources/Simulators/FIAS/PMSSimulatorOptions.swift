extension PMSSimulator {
    /// How the simulated PMS interface behaves.
    public struct Options: Sendable {
        /// The single-byte code page of the text: `cp1251` (default), `cp866`, `latin1` or `ascii`.
        public var codePage: String = "cp1251"
        /// false: a PMS that never answers the lock side's link start with LA (the link never comes alive).
        public var answersLA: Bool = true
        /// Send `LS|DA|TI|` right after accepting; false: wait for the lock side to start.
        public var speaksFirst: Bool = true
        /// A PMS that restarted unnoticed: the first LS received while alive is answered with LS
        /// (once), and the link is down until LD, LR…, LA come again.
        public var answersLSWithLS: Bool = false
        /// With `speaksFirst`, LS is sent again after this long while the lock side stays silent…
        public var linkStartRepeatInterval: Duration = .seconds(3)
        /// …at most this many times.
        public var linkStartRepeats: Int = 3

        /// The defaults: cp1251, LS on accept (repeated every 3 s, 3 times, to a silent client), no restart.
        public init() {}
    }

    /// What happens on the link, for a console to show.
    public enum Event: Sendable, Equatable {
        /// A lock system connected; connections are numbered from 1.
        case accepted(connection: Int)
        /// That connection ended (either side closed it, or a newer client replaced it).
        case closed(connection: Int)
        /// A record from the lock side; `ignored` when it was data sent before the link was alive.
        case received(String, ignored: Bool)
        /// A record the PMS sent (answers and link records included).
        case sent(String)
        /// The link came alive; the record types the lock side announced in its LRs.
        case alive(announced: [String])
    }
}

/// Why a simulator call failed.
public enum PMSSimulatorError: Error, Equatable, CustomStringConvertible {
    case unknownCodePage(String)
    /// No lock system is connected.
    case notConnected
    /// What was awaited did not happen in time.
    case timeout(String)

    public var description: String {
        switch self {
        case .unknownCodePage(let name): "unknown code page \(name) (known: cp1251, latin1, ascii)"
        case .notConnected: "no lock system is connected"
        case .timeout(let what): "timed out waiting for \(what)"
        }
    }
}
