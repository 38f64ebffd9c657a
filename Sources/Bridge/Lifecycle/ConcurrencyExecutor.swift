import Foundation
import NIOCore
import NIOPosix

/// Runs Swift concurrency's global executor on NIO's event loops.
///
/// Every upstream call crosses between the HTTP client's event loop and the task awaiting it, and
/// every MQTT message between a handler task and the I/O. With Dispatch's pool as the global
/// executor each crossing wakes another thread (a futex wake, costly on a VM); with the event loops
/// as the executor a task resumed by I/O runs on the loop that completed it. Measured in
/// `docs/performance.md`. `GATEHOUSE_EXECUTOR=dispatch` keeps Dispatch, for comparison; `GATEHOUSE_EVENT_LOOPS=N` sets
/// the number of loops (default: one per core). `gatehouse` and
/// `gatehouse-bench` install it; the tests run on Dispatch, so both executors are exercised.
///
/// Safe here because nothing in the bridge blocks a task's thread: libmosquitto's waits and the
/// reconnect back-off run on threads of their own, and GRDB runs SQLite on its own queues.
public enum ConcurrencyExecutor {
    /// Must run first in `main`, on the main thread, before any task is created.
    public static func install() {
        guard ProcessInfo.processInfo.environment["GATEHOUSE_EXECUTOR"] != "dispatch" else { return }
        if let loops = ProcessInfo.processInfo.environment["GATEHOUSE_EVENT_LOOPS"].flatMap(Int.init), loops > 0 {
            NIOSingletons.groupLoopCountSuggestion = loops
        }
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }
}
