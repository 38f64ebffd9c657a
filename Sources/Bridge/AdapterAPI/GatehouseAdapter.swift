import Foundation
import Topics

/// One vendor integration, in the spirit of a Zigbee2MQTT extension: a small core calls
/// `start` once the bridge is up, the adapter registers its routes and subscriptions there, and
/// `stop` on shutdown.
public protocol GatehouseAdapter: Sendable {
    /// The adapter's name in config and on `gatehouse/bridge/adapters/<name>`.
    var name: String { get }
    /// Registers what must be in place before the broker connection resumes its session: event
    /// consumers (`BridgeContext.consume`). Runs before the first connect: must not wait for the broker.
    func prepare(_ bridge: BridgeContext) async throws
    /// Registers routes and subscriptions and starts background work; must return promptly.
    func start(_ bridge: BridgeContext) async throws
    /// Stops background work; the MQTT connection is still up while this runs.
    func stop() async
    /// Really checks the adapter's upstream (vendor reachable, credentials accepted).
    func healthCheck() async -> AdapterHealth
    /// The Home Assistant device kinds this adapter announces (`lock`, `gate`…). Configs of kinds
    /// no configured adapter claims are withdrawn at start.
    var discoveryKinds: Set<String> { get }
}

extension GatehouseAdapter {
    public func prepare(_ bridge: BridgeContext) async throws {}
    public var discoveryKinds: Set<String> { [] }
}

/// The outcome of an adapter's health check.
public struct AdapterHealth: Sendable, Codable, Equatable {
    public var healthy: Bool
    public var detail: String?
    public init(healthy: Bool, detail: String? = nil) {
        self.healthy = healthy
        self.detail = detail
    }
}

/// Connection state of an adapter's upstream as shown on `gatehouse/bridge/adapters/<name>`.
public typealias AdapterState = AdapterStatus.State
