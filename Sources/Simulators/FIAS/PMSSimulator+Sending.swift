import NIOCore

/// What a test makes the PMS send, well-formed or not.
extension PMSSimulator {
    /// Sends the record text (no STX/ETX; `DA`/`TI` are not added) to the connected lock system.
    public func send(_ record: String) async throws {
        try await write(record, to: currentChannel()).get()
    }

    /// Sends the record and waits for the next `answerType` record whose KC and WS equal the
    /// request's (absent on both counts as equal): its fields plus `_raw`, the record text.
    public func request(_ record: String, answerType: String = "KA", timeout: Duration) async throws -> [String: String] {
        let sent = FIASRecord(record)
        let (encoder, workstation) = (sent.values["KC"], sent.values["WS"])
        // Only answers arriving after this point can belong to this request.
        let start = state.withLock { $0.log.count }
        try await send(record)
        let what = "\(answerType) with KC \(encoder ?? "-") WS \(workstation ?? "-")"
        return try await wait(for: what, timeout: timeout) { state in
            state.take(from: start) {
                $0.type == answerType && $0.values["KC"] == encoder && $0.values["WS"] == workstation
            }
        }
    }

    /// Closes the client connection without LE, as a PMS that crashed or lost its network.
    public func dropConnection() async {
        guard let client = state.withLock({ $0.client }) else { return }
        _ = state.withLock { $0.forget(connection: client.id) }
        try? await client.channel.close()
    }

    /// Writes these bytes as they are: no framing, no code page.
    public func sendGarbage(_ bytes: [UInt8]) async throws {
        try await writeRaw(bytes, to: currentChannel()).get()
    }

    /// Sends a record of `length` bytes between STX and ETX (`XX|AAAA…|`), beyond FIAS's 2000 by default.
    public func sendOversizedRecord(length: Int = 3000) async throws {
        let text = "XX|" + String(repeating: "A", count: max(0, length - 4)) + "|"
        try await sendGarbage([FIASFrameReader.stx] + Array(text.utf8) + [FIASFrameReader.etx])
    }

    /// Sends `LE|DA|TI|`: the link is down; the lock side's LE in answer closes the connection.
    public func sendLE() async throws {
        let channel = try currentChannel()
        state.withLock { $0.link.ending() }
        try await write(linkRecord("LE"), to: channel).get()
    }

    private func currentChannel() throws -> any Channel {
        guard let client = state.withLock({ $0.client }) else { throw PMSSimulatorError.notConnected }
        return client.channel
    }
}
