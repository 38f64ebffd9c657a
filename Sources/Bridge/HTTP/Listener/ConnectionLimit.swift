import Hummingbird
import HummingbirdCore

/// Hummingbird's connection limit (the listener stops accepting at `maximum`; new connections
/// wait in the kernel's backlog until one closes), with the moment it fills logged and counted.
struct ConnectionLimit: AvailableConnectionsDelegate {
    private var limit: MaximumAvailableConnections
    private let maximum: Int
    private var open = 0
    private let refusals: Refusals

    init(_ maximum: Int, refusals: Refusals) {
        limit = MaximumAvailableConnections(maximum, logger: refusals.logger)
        self.maximum = maximum
        self.refusals = refusals
    }

    mutating func connectionOpened() {
        limit.connectionOpened()
        open += 1
        if open == maximum { refusals.note(.full, nil) }
    }

    mutating func connectionClosed() {
        limit.connectionClosed()
        open -= 1
    }

    func isAcceptingNewConnections() -> Bool { limit.isAcceptingNewConnections() }
}
