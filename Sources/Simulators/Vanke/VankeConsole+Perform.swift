import Foundation

extension VankeConsole {
    /// Where the console's simulator listens and whom it calls.
    public struct Setup: Sendable {
        public var host: String
        /// The port `up` listens on again (the one first bound).
        public var port: Int
        public var supplierURL: String

        public init(host: String, port: Int, supplierURL: String) {
            self.host = host
            self.port = port
            self.supplierURL = supplierURL
        }
    }

    /// Carries out a command and returns what to print (nil: nothing). `quit` is the caller's business.
    public static func perform(_ command: Command, on simulator: VankePlatformSimulator, setup: Setup) async -> String? {
        switch command {
        case .deny(let plate, let reason):
            if let reason { simulator.deny(plate: plate, reason: reason) } else { simulator.deny(plate: plate) }
            return "* \(plate): always respCode 1"
        case .allow(let plate, let count):
            simulator.allow(plate: plate, afterDenials: count)
            return "* \(plate): respCode 1 for the next \(count) push(es), then 0"
        case .clearRules:
            simulator.clearRules()
            return "* every plate allowed"
        case .fault(let fault):
            simulator.setFault(fault)
            return "* fault \(fault)"
        case .down:
            await simulator.stop()
            return "* down: connections refused"
        case .up:
            do {
                let port = try await simulator.start(host: setup.host, port: setup.port)
                return "* up on port \(port)"
            } catch {
                return "! \(error)"
            }
        case .call(let endpoint, let fields):
            do {
                return line(for: try await simulator.callSupplier(setup.supplierURL, endpoint, fields: fields))
            } catch {
                return "! \(endpoint): \(error)"
            }
        case .help: return help
        case .invalid(let why): return "! \(why)"
        case .quit, .nothing: return nil
        }
    }
}
