import ArgumentParser
import Dispatch
import Foundation
import Simulators

/// `gatehouse simulate <vendor>`: the built-in simulators of the external systems.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a simulator of an external system (for demos and manual tests).",
        subcommands: [SimulateOZLocks.self])
}

/// `gatehouse simulate ozlocks`: the OZLocks integration server (Web-API) until SIGINT/SIGTERM.
struct SimulateOZLocks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ozlocks",
        abstract: "Simulate the OZLocks integration server (Web-API). Steer it through /_sim/ (no API key).")

    @Option(help: "host:port to listen on. Keep it on loopback: /_sim/ needs no API key.")
    var listen = "127.0.0.1:8091"
    @Option(help: "The API key clients must send.") var apiKey: String
    @Option(help: "The header that carries the API key.") var apiKeyHeader = "X-API-Key"
    @Option(help: "Rooms as name:series (WR online, H offline), comma-separated.") var rooms = "101:WR,102:WR,103:H"
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

        // Signals are ignored first so that a SIGINT between here and the wait cannot kill us.
        let (signals, relay) = AsyncStream<Int32>.makeStream()
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { relay.yield(number) }
            source.resume()
            return source
        }

        let simulator = OZLocksSimulator(
            apiKey: apiKey, apiKeyHeader: apiKeyHeader, rooms: roomList, encoders: encoderList, timeZone: zone)
        let bound = try await simulator.start(host: host, port: port)
        let roomText = roomList.map { "\($0.name) \($0.series.rawValue)" }.joined(separator: ", ")
        let shownHost = host.contains(":") ? "[\(host)]" : host
        // Straight to the descriptor: a script waiting for this line must not wait for a buffer flush.
        FileHandle.standardOutput.write(Data(
            "OZLocks simulator listening on http://\(shownHost):\(bound) (API key in \(apiKeyHeader); rooms \(roomText); encoders \(encoderList.joined(separator: ", ")); control under /_sim/)\n".utf8))

        for await _ in signals { break }
        sources.forEach { $0.cancel() }
        await simulator.stop()
    }

    /// `host:port`, or `[v6-address]:port`.
    private func hostAndPort() throws -> (String, Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
              (0...65535).contains(port) else { throw ValidationError("--listen must be host:port, got \(listen)") }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("--listen must be host:port, got \(listen)") }
        return (host, port)
    }

    private func parsedRooms() throws -> [OZLocksSimulator.Room] {
        try rooms.split(separator: ",").map { entry in
            let item = entry.trimmingCharacters(in: .whitespaces)
            guard let colon = item.lastIndex(of: ":"), colon != item.startIndex,
                  let series = OZLocksSimulator.Series(rawValue: item[item.index(after: colon)...].uppercased())
            else { throw ValidationError("--rooms entries are name:WR or name:H, got \(item)") }
            return OZLocksSimulator.Room(String(item[..<colon]), series: series)
        }
    }
}
