import Synchronization
import Testing
import Topics

@testable import Bridge

@Suite("Keyed serializer: one at a time per key, in the order places were taken")
struct KeyedSerializerTests {
    @Test(
        "places are served in the order they were taken, not the order their owners start waiting",
        .timeLimit(.minutes(1)))
    func orderOfPlaces() async throws {
        let serializer = KeyedSerializer()
        let tickets = try (0..<5).map { _ in try serializer.enqueue("encoder", limit: 8) }
        #expect(serializer.depth("encoder") == 5)
        let served = ServedOrder()
        try await withThrowingTaskGroup(of: Void.self) { group in
            // The last place starts waiting first: it must still be served last.
            for index in tickets.indices.reversed() {
                group.addTask {
                    await serializer.wait(tickets[index])
                    served.list.withLock { $0.append(index) }
                    serializer.release(tickets[index])
                }
            }
            try await group.waitForAll()
        }
        #expect(served.list.withLock { $0 } == [0, 1, 2, 3, 4])
        #expect(serializer.depth("encoder") == 0)
    }

    @Test(
        "a full line answers busy; a place given up before its turn frees its slot and is skipped",
        .timeLimit(.minutes(1)))
    func busyAndAbandoned() async throws {
        let serializer = KeyedSerializer()
        let holder = try serializer.enqueue("encoder", limit: 1)
        let waiting = try serializer.enqueue("encoder", limit: 1)
        #expect(throws: GatehouseError.self) { try serializer.enqueue("encoder", limit: 1) }
        #expect(try serializer.enqueue("other", limit: 1).key == "other")
        serializer.release(waiting)
        serializer.release(waiting)  // harmless
        let next = try serializer.enqueue("encoder", limit: 1)
        #expect(serializer.depth("encoder") == 2)
        serializer.release(holder)
        await serializer.wait(next)  // would hang if the abandoned place still stood in front
        #expect(serializer.depth("encoder") == 1)
        serializer.release(next)
        #expect(serializer.depth("encoder") == 0)
    }
}

private final class ServedOrder: Sendable {
    let list = Mutex<[Int]>([])
}
