/// How one adapter plugs into Gatehouse, declared by its vendor target (`VankeAdapter.plugin`) and
/// listed once in the `Adapters` registry: its config section's name, how that section is read
/// and checked (without starting anything), and how the adapter is made from it. The CLI's
/// `run` and `check-config` know adapters only through these.
public struct AdapterPlugin: Sendable {
    /// The section under `adapters:` and the adapter's name on `gatehouse/bridge/adapters/<name>`.
    public let name: String
    /// One line for `gatehouse --help` and the docs' adapter list.
    public let summary: String
    /// The heading of docs/topics.md that holds the topics it serves or uses.
    public let contract: String
    /// Reads the section, reporting its problems (and warnings) to the config's log; returns the
    /// settings read, for checks that span two adapters.
    public let check: @Sendable (ConfigSection, GatehouseConfig) -> any Sendable
    /// The adapter, from its section.
    public let make: @Sendable (ConfigSection) -> any GatehouseAdapter

    public init<Settings: Sendable>(
        name: String, summary: String, contract: String, settings: @escaping @Sendable (ConfigSection) -> Settings,
        check: @escaping @Sendable (Settings, ConfigSection, GatehouseConfig) -> Void = { _, _, _ in },
        make: @escaping @Sendable (Settings) -> any GatehouseAdapter
    ) {
        self.name = name
        self.summary = summary
        self.contract = contract
        self.check = { section, config in
            let read = settings(section)
            check(read, section, config)
            return read
        }
        self.make = { section in make(settings(section)) }
    }
}
