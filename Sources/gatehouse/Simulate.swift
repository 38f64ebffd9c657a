import ArgumentParser

/// `gatehouse simulate <vendor>`: the built-in simulators of the external systems.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a simulator of an external system (for demos and manual tests).",
        subcommands: [])
}
