import Bridge
import Foundation
import Simulators
import TestSupport
import Testing
import Topics

/// A full disk under the real `gatehouse` process: durable intake stops acknowledging instead of
/// acknowledging into memory, nothing crashes, and everything arrives once space returns.
@Suite("Disk full under the store", .serialized, .enabled(if: SmallDisk.canMount, "needs root to mount a small tmpfs"))
struct DiskFullTests {
    @Test("crossings published while the store's disk is full wait at the broker and are all pushed once space returns")
    func fullDiskBackPressure() async throws {
        let disk = try SmallDisk(megabytes: 8)
        defer { disk.unmount() }
        let platform = VankePlatformSimulator(appId: CrossingLoad.appId, appSecret: CrossingLoad.secret, parkingLotId: CrossingLoad.lot)
        let platformPort = try await platform.start()
        let base = "df-\(UUID().uuidString.prefix(8).lowercased())"
        let env = CrossingLoad.environment(
            broker: TestBroker.shared.port, base: base, store: disk.path + "/gatehouse.sqlite", platform: platformPort)
        let watcher = try await MessageCollector(port: TestBroker.shared.port, filters: ["\(base)/bridge/adapters/vanke"])
        let gatehouse = try GatehouseProcess(["run"], environment: env)
        _ = try await watcher.next(on: "\(base)/bridge/adapters/vanke", timeout: .seconds(30))
        await watcher.stop()
        let camera = try await MessageCollector(port: TestBroker.shared.port, filters: [])
        let parking = TopicTree(base: base).parking(CrossingLoad.lot)
        func cross(_ i: Int) async throws {
            let payload = #"{"uuid":"\#(base)-\#(i)","plate":"粤B\#(i)","color":"blue"}"#
            try await camera.client.publishAcknowledged(parking.gate("G\(i % 4)").crossing, Data(payload.utf8))
        }
        for i in 0..<50 { try await cross(i) }
        try await until("the first crossings pushed") { platform.crossings.count == 50 }

        try disk.fill()
        for i in 50..<300 { try await cross(i) }
        try await gatehouse.waitForOutput("cannot store", timeout: .seconds(20))
        #expect(gatehouse.isRunning, "gatehouse ended on a full disk:\n\(gatehouse.text.suffix(2000))")
        // While events wait (their intake connection dropped unacknowledged again and again), a
        // request that must be journalled is still answered, on the bridge's own connection:
        // `internal`, and nothing runs.
        let operator_ = try await MessageCollector(port: TestBroker.shared.port, filters: [parking.gate("G1").response("open")])
        try await operator_.client.publishAcknowledged(
            parking.gate("G1").request("open"), Data(#"{"mode":"force","transaction":"full-1"}"#.utf8))
        let refused = try JSONValue.parse(try await operator_.next(on: parking.gate("G1").response("open"), timeout: .seconds(10)).payload)
        #expect(refused["error"]?["code"] == "internal", "\(refused)")
        await operator_.stop()
        // Acknowledged into memory would mean pushed now; with the disk full nothing new is stored.
        #expect(platform.crossings.count < 300)

        disk.free()
        try await until("every crossing pushed after space returned", timeout: .seconds(60)) { Set(platform.crossings.compactMap(\.uuid)).count == 300 }
        let received = platform.crossings.compactMap(\.uuid)
        #expect(received.count == Set(received).count, "a crossing was pushed twice")
        ChaosFigures.record([
            "fault": "disk-full", "published": 300, "pushed": Set(received).count, "lost": 300 - Set(received).count,
            "duplicated": received.count - Set(received).count,
        ])
        #expect(gatehouse.isRunning)
        gatehouse.signal(SIGTERM)
        _ = try await gatehouse.waitForExit(timeout: .seconds(30))
        await camera.stop()
        await platform.stop()
    }
}

/// A tmpfs of a few megabytes, and a file that takes all its free space.
struct SmallDisk {
    let path: String
    private var filler: String { path + "/filler" }

    /// Root may mount (the tests' machines and CI run as root); elsewhere the suite is skipped.
    static var canMount: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount") }

    init(megabytes: Int) throws {
        path = TestFiles.directory("small-disk").path
        let result = try Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path])
        guard result == 0 else { throw TestFailure("mount -t tmpfs failed (\(result))") }
    }

    /// Writes until the file system says it is full.
    func fill() throws {
        FileManager.default.createFile(atPath: filler, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: filler) else { throw TestFailure("cannot open \(filler)") }
        defer { try? handle.close() }
        let block = Data(repeating: 0xAB, count: 64 << 10)
        while (try? handle.write(contentsOf: block)) != nil {}
        // Smaller pieces fill what a 64 KiB block could not.
        let piece = Data(repeating: 0xAB, count: 512)
        while (try? handle.write(contentsOf: piece)) != nil {}
    }

    func free() { try? FileManager.default.removeItem(atPath: filler) }

    func unmount() { _ = try? Self.run("/bin/umount", ["-l", path]) }

    private static func run(_ tool: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
