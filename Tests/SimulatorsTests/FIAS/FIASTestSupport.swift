import Testing
@testable import Simulators

/// Runs the body with a started simulator and its port; stops it afterwards, also on failure.
func withPMS(_ options: PMSSimulator.Options = .init(), _ body: (PMSSimulator, Int) async throws -> Void) async throws {
    let simulator = PMSSimulator(options: options)
    let port = try await simulator.start()
    do {
        try await body(simulator, port)
    } catch {
        await simulator.stop()
        throw error
    }
    await simulator.stop()
}

/// A client past the link start: it read the PMS's LS, sent LD/LR…/LA and read the LA answer.
func linkedClient(port: Int, types: [String] = ["KR", "KD", "KA", "KZ"]) async throws -> FIASTestClient {
    let client = try FIASTestClient(port: port)
    #expect(try await client.nextFields().type == "LS")
    try client.sendLinkStart(types: types)
    #expect(try await client.nextFields().type == "LA")
    return client
}

/// Options for a PMS that lets the lock side start.
func silentPMS() -> PMSSimulator.Options {
    var options = PMSSimulator.Options()
    options.speaksFirst = false
    return options
}

/// "Иванов Иван" in Windows-1251, written out here rather than taken from the simulator's table.
let ivanovIvanCP1251: [UInt8] = [0xC8, 0xE2, 0xE0, 0xED, 0xEE, 0xE2, 0x20, 0xC8, 0xE2, 0xE0, 0xED]
