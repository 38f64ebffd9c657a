import ArgumentParser
import Dispatch
import Foundation
import UnixSignals
import Simulators

/// `gatehouse simulate <vendor>`: the built-in simulators of the external systems.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a simulator of an external system (for demos and manual tests).",
        subcommands: [SimulateOZLocks.self, SimulateFIASPMS.self, SimulateOFD.self, SimulateVanke.self])
}

/// `gatehouse simulate ozlocks`: the OZLocks integration server (Web-API) until SIGINT/SIGTERM.
struct SimulateOZLocks: AsyncParsableCommand, ListeningSimulatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "ozlocks",
        abstract: "Simulate the OZLocks integration server (Web-API). Steer it through /_sim/ (no API key).")

    @Option(help: "host:port to listen on. Keep it on loopback: /_sim/ needs no API key.")
    var listen = "127.0.0.1:8091"
    @Option(help: "The API key clients must send.") var apiKey: String
    @Option(help: "The header that carries the API key.") var apiKeyHeader = "X-API-Key"
    @Option(help: "Rooms as name:series (WR online, H offline), comma-separated.") var rooms = "101:WR,102:WR,103:H"
    @Option(help: "Instead of --rooms: rooms 1…N, all WR (load tests, e.g. 10000).") var roomCount: Int?
    @Option(help: "Encoder ids, comma-separated; each starts with a blank card on it.") var encoders = "001"
    @Option(help: "Time zone of the DD.MM.YYYY HH:MM dates.") var timeZone = "Europe/Moscow"

    func run() async throws {
        let (host, port) = try hostAndPort()
        guard let zone = TimeZone(identifier: timeZone) else { throw ValidationError("unknown time zone \(timeZone)") }
        let roomList = try parsedRooms()
        let encoderList = encoders.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if !["127.0.0.1", "::1", "localhost"].contains(host) {
            FileHandle.standardError.write(Data("warning: \(host) is not loopback; anyone reaching it can steer /_sim/\n".utf8))
        }

        // Trapped first (the default action is ignored from here), so a SIGINT before the wait cannot kill us.
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)

        let simulator = OZLocksSimulator(
            apiKey: apiKey, apiKeyHeader: apiKeyHeader, rooms: roomList, encoders: encoderList, timeZone: zone)
        let bound = try await simulator.start(host: host, port: port)
        let roomText = roomCount.map { "1…\($0) WR" }
            ?? roomList.map { "\($0.name) \($0.series.rawValue)" }.joined(separator: ", ")
        let shownHost = host.contains(":") ? "[\(host)]" : host
        // Straight to the descriptor: a script waiting for this line must not wait for a buffer flush.
        FileHandle.standardOutput.write(Data(
            "OZLocks simulator listening on http://\(shownHost):\(bound) (API key in \(apiKeyHeader); rooms \(roomText); encoders \(encoderList.joined(separator: ", ")); control under /_sim/)\n".utf8))

        for await _ in signals { break }
        await simulator.stop()
    }

    private func parsedRooms() throws -> [OZLocksSimulator.Room] {
        if let roomCount {
            guard roomCount >= 1 else { throw ValidationError("--room-count must be at least 1") }
            return (1...roomCount).map { OZLocksSimulator.Room(String($0), series: .wr) }
        }
        return try rooms.split(separator: ",").map { entry in
            let item = entry.trimmingCharacters(in: .whitespaces)
            guard let colon = item.lastIndex(of: ":"), colon != item.startIndex,
                  let series = OZLocksSimulator.Series(rawValue: item[item.index(after: colon)...].uppercased())
            else { throw ValidationError("--rooms entries are name:WR or name:H, got \(item)") }
            return OZLocksSimulator.Room(String(item[..<colon]), series: series)
        }
    }
}

/// `gatehouse simulate fias-pms`: a hotel PMS's FIAS interface. It listens, the lock system (the
/// FIAS adapter) connects; a person types records on stdin and sees every record both ways.
struct SimulateFIASPMS: AsyncParsableCommand, ListeningSimulatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "fias-pms",
        abstract: "Simulate a hotel PMS's FIAS interface; type records on stdin, see received ones as `< KA|…|`.",
        discussion: PMSConsole.help)

    @Option(help: "host:port to listen on.") var listen = "127.0.0.1:5010"
    @Option(help: "Single-byte code page of the text: cp1251, latin1 or ascii.") var codePage = "cp1251"
    @Flag(help: "Do not send LS on accept: let the lock system start the link.") var waitForLock = false

    func run() async throws {
        let (host, port) = try hostAndPort()
        var options = PMSSimulator.Options()
        options.codePage = codePage
        options.speaksFirst = !waitForLock
        let simulator = PMSSimulator(options: options)
        // Subscribed before listening: the first connection's lines must not be missed.
        let events = simulator.events()

        // A signal or `quit` ends it.
        let (stop, stopper) = AsyncStream<Void>.makeStream()
        let interrupt = await SimulatorConsoleIO.onInterrupt { stopper.yield() }

        let bound = try await simulator.start(host: host, port: port)
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let start = waitForLock ? "waits for the lock system to start the link" : "sends LS on accept"
        SimulatorConsoleIO.say("FIAS PMS simulator listening on \(shownHost):\(bound) (code page \(codePage); \(start)). Type help for commands.")

        let printer = Task { for await event in events { SimulatorConsoleIO.say(PMSConsole.line(for: event)) } }
        // At EOF on stdin (no terminal) the simulator keeps running until a signal.
        let typist = Task {
            for await line in SimulatorConsoleIO.standardInputLines() where await Self.obey(line, simulator: simulator) {
                stopper.yield()
                return
            }
        }
        for await _ in stop { break }
        interrupt.cancel()
        typist.cancel()
        printer.cancel()
        await simulator.stop()
    }

    /// Carries out one typed line; true when it was `quit`.
    private static func obey(_ line: String, simulator: PMSSimulator) async -> Bool {
        switch PMSConsole.command(line) {
        case .send(let record):
            if !simulator.isAlive { SimulatorConsoleIO.say("! the link is not alive: the lock system should ignore this record") }
            do { try await simulator.send(record) } catch { SimulatorConsoleIO.say("! \(error)") }
        case .quit:
            return true
        case .restart:
            simulator.restart()
            SimulatorConsoleIO.say("* restarted: the next LS is answered with LS; the link is down until LD/LR/LA")
        case .drop:
            await simulator.dropConnection()
        case .help:
            SimulatorConsoleIO.say(PMSConsole.help)
        case .invalid(let why):
            SimulatorConsoleIO.say("! \(why)")
        case .nothing:
            break
        }
        return false
    }

}

/// `gatehouse simulate ofd`: the OFD.ru partner API with a seeded demo client, until SIGINT/SIGTERM.
struct SimulateOFD: AsyncParsableCommand, ListeningSimulatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "ofd",
        abstract: "Simulate the OFD.ru partner API: a demo INN with 3 registers (one fiscal drive ends in 10 days) and 2 activation codes.")

    @Option(help: "host:port to listen on.") var listen = "127.0.0.1:8095"
    @Option(help: "The partner login CreateAuthToken accepts.") var login: String
    @Option(help: "The partner password CreateAuthToken accepts.") var password: String
    @Option(help: "The demo client's INN.") var inn = "0182021620"

    func run() async throws {
        let (host, port) = try hostAndPort()

        // Trapped first (the default action is ignored from here), so a SIGINT before the wait cannot kill us.
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)

        let simulator = OFDSimulator(login: login, password: password)
        let seed = simulator.seedDemo(inn: inn)
        let bound = try await simulator.start(host: host, port: port)
        let shownHost = host.contains(":") ? "[\(host)]" : host
        // Straight to the descriptor: a script waiting for this line must not wait for a buffer flush.
        FileHandle.standardOutput.write(Data(
            "OFD.ru simulator listening on http://\(shownHost):\(bound) (login \(login); INN \(seed.inn): registers \(seed.rnms.joined(separator: ", ")), fiscal drive of \(seed.rnms[0]) ends in 10 days; activation codes \(seed.activationCodes.joined(separator: ", ")))\n".utf8))

        for await _ in signals { break }
        await simulator.stop()
    }

}
