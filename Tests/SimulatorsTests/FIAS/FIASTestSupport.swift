import Synchronization
import Testing
@testable import Simulators

/// The clients one test opened, all closed when it ends.
final class FIASClients: Sendable {
    let port: Int
    private let opened = Mutex<[FIASTestClient]>([])

    init(port: Int) { self.port = port }

    /// A fresh connection to the simulator.
    func connect() throws -> FIASTestClient {
        let client = try FIASTestClient(port: port)
        opened.withLock { $0.append(client) }
        return client
    }

    /// A client past the link start: it read the PMS's LS, sent LD/LR…/LA and read the LA answer.
    func linked(types: [String] = ["KR", "KD", "KA", "KZ"]) async throws -> FIASTestClient {
        let client = try connect()
        #expect(try await client.nextFields().type == "LS")
        try client.sendLinkStart(types: types)
        #expect(try await client.nextFields().type == "LA")
        return client
    }

    func closeAll() { opened.withLock { $0 }.forEach { $0.close() } }
}

/// Runs the body with a started simulator and a client factory for its port; afterwards, also on
/// failure, stops the simulator and closes the clients.
func withPMS(_ options: PMSSimulator.Options = .init(), _ body: (PMSSimulator, FIASClients) async throws -> Void) async throws {
    let simulator = PMSSimulator(options: options)
    let clients = FIASClients(port: try await simulator.start())
    do {
        try await body(simulator, clients)
    } catch {
        await simulator.stop()
        clients.closeAll()
        throw error
    }
    await simulator.stop()
    clients.closeAll()
}

/// Options for a PMS that lets the lock side start.
func silentPMS() -> PMSSimulator.Options {
    var options = PMSSimulator.Options()
    options.speaksFirst = false
    return options
}

/// "Иванов Иван" in Windows-1251, written out here rather than taken from the simulator's table.
let ivanovIvanCP1251: [UInt8] = [0xC8, 0xE2, 0xE0, 0xED, 0xEE, 0xE2, 0x20, 0xC8, 0xE2, 0xE0, 0xED]
