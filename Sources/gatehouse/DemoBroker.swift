import Foundation
import Logging

/// The demo's broker: one already listening on 127.0.0.1:1883, or mosquitto started from the repo's config.
enum DemoBroker {
    static func ensureRunning(config: String, logger: Logger) throws -> Process? {
        if isListening(port: 1883) {
            logger.info("using the broker already listening on 127.0.0.1:1883")
            return nil
        }
        try FileManager.default.createDirectory(atPath: "run/mosquitto", withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/mosquitto")
        process.arguments = ["-c", config]
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while !isListening(port: 1883) {
            guard Date() < deadline, process.isRunning else {
                process.terminate()
                throw DemoError("mosquitto did not start with \(config)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        logger.info("started mosquitto from \(config) (pid \(process.processIdentifier))")
        return process
    }

    static func isListening(port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
