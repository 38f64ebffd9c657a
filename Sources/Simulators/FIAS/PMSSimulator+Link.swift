import NIOCore

/// The event-loop side: connections coming and going, records arriving, answers going out.
extension PMSSimulator {
    /// A lock system connected: it replaces any earlier client, and hears LS if the PMS speaks first.
    func accepted(_ channel: any Channel) -> Int {
        let (id, previous) = state.withLock { state in
            let previous = state.client
            if let previous { _ = state.forget(connection: previous.id) }
            state.connections += 1
            state.client = PMSState.Client(id: state.connections, channel: channel)
            state.link.connected()
            state.notify(.accepted(connection: state.connections))
            return (state.connections, previous)
        }
        previous?.channel.close(promise: nil)
        if options.speaksFirst {
            write(linkRecord("LS"), to: channel)
            scheduleLinkStartRepeat(on: channel, connection: id)
        }
        return id
    }

    /// Some PMSs keep sending LS while the lock side says nothing.
    private func scheduleLinkStartRepeat(on channel: any Channel, connection id: Int) {
        guard options.linkStartRepeats > 0 else { return }
        channel.eventLoop.scheduleTask(in: TimeAmount(options.linkStartRepeatInterval)) { [self] in
            let again = state.withLock { state in
                state.client?.id == id && state.link.repeatsLinkStart(limit: options.linkStartRepeats)
            }
            guard again else { return }
            write(linkRecord("LS"), to: channel)
            scheduleLinkStartRepeat(on: channel, connection: id)
        }
    }

    /// A record from connection `id`: link control answers it; data waits for `request`/`nextRecord`.
    func received(_ bytes: [UInt8], from id: Int) {
        guard let codePage else { return }
        let record = FIASRecord(codePage.decode(bytes))
        let handled = state.withLock { state -> (PMSLink.Outcome, String?, any Channel, [(PMSWaiter, PMSWaiter.Result)])? in
            // A replaced connection's last words are not the current client's.
            guard let client = state.client, client.id == id else { return nil }
            if !options.answersLA, record.type == "LA" {
                // A PMS that never takes the link start: the lock side's LA goes unanswered.
                state.log.append(PMSState.Entry(record: record, ignored: true))
                state.notify(.received(record.text, ignored: true))
                return nil
            }
            let outcome = state.link.receive(record)
            state.log.append(PMSState.Entry(record: record, ignored: outcome.ignored))
            state.notify(.received(record.text, ignored: outcome.ignored))
            if outcome.cameAlive {
                state.linkStarts += 1
                state.receivedLR = state.link.announced
                state.notify(.alive(announced: state.link.announced))
            }
            let reply = outcome.reply.map { linkRecord($0.type) }
            if let reply { state.notify(.sent(reply)) }
            if outcome.close { _ = state.forget(connection: id) }
            return (outcome, reply, client.channel, state.satisfiedWaiters())
        }
        guard let (outcome, reply, channel, satisfied) = handled else { return }
        // The answer goes out before any waiter resumes, so nothing a test sends overtakes it.
        let written = reply.map { writeRaw(frame($0), to: channel) }
        if outcome.close {
            if let written { written.whenComplete { _ in channel.close(promise: nil) } }
            else { channel.close(promise: nil) }
        }
        for (waiter, result) in satisfied { waiter.continuation.resume(returning: result) }
    }

    func closed(connection id: Int) {
        _ = state.withLock { $0.forget(connection: id) }
    }

    /// `TYPE|DA…|TI…|` stamped now.
    func linkRecord(_ type: String) -> String { "\(type)|" + FIASClock.stamp() }

    /// Sends a record and tells the watchers.
    @discardableResult
    func write(_ text: String, to channel: any Channel) -> EventLoopFuture<Void> {
        state.withLock { $0.notify(.sent(text)) }
        return writeRaw(frame(text), to: channel)
    }

    /// A record on the wire: STX, its text in the code page, ETX.
    func frame(_ text: String) -> [UInt8] {
        [FIASFrameReader.stx] + (codePage?.encode(text) ?? Array(text.utf8)) + [FIASFrameReader.etx]
    }

    func writeRaw(_ bytes: [UInt8], to channel: any Channel) -> EventLoopFuture<Void> {
        channel.writeAndFlush(channel.allocator.buffer(bytes: bytes))
    }
}
