import NIOCore

/// Everything the simulator knows, kept under one lock.
struct PMSState {
    /// The connected lock system, if any (one client per port).
    struct Client {
        let id: Int
        let channel: any Channel
    }

    /// A record from the lock side as the PMS saw it.
    struct Entry {
        let record: FIASRecord
        /// Data sent while the link was not alive: logged, never handed to a waiter.
        let ignored: Bool
        /// Already handed out by nextRecord or request.
        var taken = false
    }

    var link: PMSLink
    var client: Client?
    var connections = 0
    var linkStarts = 0
    var receivedLR: [String] = []
    var log: [Entry] = []
    var waiters: [PMSWaiter] = []
    var nextWaiterID = 0
    var watchers: [Int: AsyncStream<PMSSimulator.Event>.Continuation] = [:]
    var nextWatcherID = 0

    var isAlive: Bool { client != nil && link.phase == .alive }

    /// The first record from `start` on that nobody took, is not ignored and fits; marked taken.
    mutating func take(from start: Int, where fits: (FIASRecord) -> Bool) -> [String: String]? {
        guard let index = log.indices.dropFirst(start).first(where: {
            !log[$0].taken && !log[$0].ignored && fits(log[$0].record)
        }) else { return nil }
        log[index].taken = true
        return log[index].record.answer
    }

    /// Forgets the client if it is this connection; true when it was.
    mutating func forget(connection id: Int) -> Bool {
        guard client?.id == id else { return false }
        client = nil
        link.disconnected()
        notify(.closed(connection: id))
        return true
    }

    func notify(_ event: PMSSimulator.Event) {
        for watcher in watchers.values { watcher.yield(event) }
    }
}
