import Bridge
import FIAS
import OFD
import OZLocks
import Vanke

/// Every adapter of this build, in the order their sections are checked and the adapters start.
/// A fifth vendor adds its target, its `plugin`, and one line here (docs/architecture.md,
/// "Adding an adapter"); `AdapterRegistryTests` proves each has its docs, simulator and contract.
public enum AdapterRegistry {
    public static let plugins: [AdapterPlugin] = [
        OZLocksAdapter.plugin,
        FIASAdapter.plugin,
        VankeAdapter.plugin,
        OFDAdapter.plugin,
    ]

    public static var names: [String] { plugins.map(\.name) }
}
