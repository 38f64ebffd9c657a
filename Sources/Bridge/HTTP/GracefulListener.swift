import Logging
import ServiceLifecycle
import Synchronization

/// Runs an HTTP application (any `Service`) until `stop()` shuts it down gracefully: the listener
/// closes, idle connections close, requests in flight get their answers. Never stop such a server
/// by cancelling its task: cancelling NIO's async server while an accepted connection is still
/// queued traps ("Deinited NIOAsyncWriter without calling finish()", swift-nio#2637).
public final class GracefulListener: Sendable {
    private struct State {
        var group: ServiceGroup?
        var stopping = false
    }

    private let state = Mutex(State())

    public init() {}

    /// Returns when the application has stopped (after `stop()`, or when it failed).
    public func run(_ application: some Service, logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger))
        let stopAtOnce = state.withLock { state in
            state.group = group
            return state.stopping
        }
        if stopAtOnce { return }
        try await group.run()
    }

    public func stop() async {
        let group = state.withLock { state in
            state.stopping = true
            return state.group
        }
        await group?.triggerGracefulShutdown()
    }
}
