import ArgumentParser
import Bridge
import Topics

@main
struct Gatehouse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "MQTT bridge for hotel locks, card encoders, parking gates and fiscal registers.",
        version: GatehouseVersion.string,
        subcommands: [Run.self, CheckConfig.self, Demo.self, Simulate.self, Version.self, Debug.self],
        defaultSubcommand: Run.self)

    static func main() async {
        ConcurrencyExecutor.install()
        await main(nil)
    }
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")
    func run() { print("gatehouse \(GatehouseVersion.string)") }
}
