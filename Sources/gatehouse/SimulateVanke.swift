import ArgumentParser
import Dispatch
import Foundation
import Simulators

/// `gatehouse simulate vanke`: the Vanke parking platform. It receives the supplier's pushes (one
/// line each on stdout) and, typed on stdin, calls the supplier's interfaces (see VankeConsole).
struct SimulateVanke: AsyncParsableCommand, ListeningSimulatorCommand {
    static let configuration = CommandConfiguration(
        commandName: "vanke",
        abstract: "Simulate the Vanke parking platform: receive pushes, call the supplier; type help for commands.",
        discussion: VankeConsole.help)

    @Option(help: "host:port to listen on for receivePlateNumber, receiveCrossGate, receiveAbnormal.")
    var listen = "127.0.0.1:8093"
    @Option(help: "The supplier's appId (assigned by the platform).") var appId: String
    @Option(help: "The supplier's appSecret.") var appSecret: String
    @Option(help: "The parking lot's id.") var parkingLotId: String
    @Option(help: "Base URL of the supplier's interfaces (receiveOpenGate, …).") var supplierUrl = "http://127.0.0.1:8094"
    @Option(help: "Time zone of the yyyyMMdd HH:mm:ss times.") var timeZone = "Asia/Shanghai"

    func run() async throws {
        let (host, port) = try hostAndPort()
        guard let zone = TimeZone(identifier: timeZone) else { throw ValidationError("unknown time zone \(timeZone)") }
        let simulator = VankePlatformSimulator(appId: appId, appSecret: appSecret, parkingLotId: parkingLotId, timeZone: zone)
        // Subscribed before listening: the first push must not be missed.
        let events = simulator.events()

        // A signal or `quit` ends it.
        let (stop, stopper) = AsyncStream<Void>.makeStream()
        let interrupt = await SimulatorConsoleIO.onInterrupt { stopper.yield() }

        let bound = try await simulator.start(host: host, port: port)
        let shownHost = host.contains(":") ? "[\(host)]" : host
        SimulatorConsoleIO.say("Vanke platform simulator listening on http://\(shownHost):\(bound) (appId \(appId); parkingLotId \(parkingLotId); supplier \(supplierUrl); time zone \(timeZone)). Type help for commands.")

        let setup = VankeConsole.Setup(host: host, port: bound, supplierURL: supplierUrl)
        let printer = Task { for await event in events { SimulatorConsoleIO.say(VankeConsole.line(for: event)) } }
        // At EOF on stdin (no terminal) the simulator keeps running until a signal.
        let typist = Task {
            for await line in SimulatorConsoleIO.standardInputLines() {
                let command = VankeConsole.command(line)
                if command == .quit {
                    stopper.yield()
                    return
                }
                if let output = await VankeConsole.perform(command, on: simulator, setup: setup) { SimulatorConsoleIO.say(output) }
            }
        }
        for await _ in stop { break }
        interrupt.cancel()
        typist.cancel()
        printer.cancel()
        await simulator.stop()
    }

}
