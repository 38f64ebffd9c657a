import Foundation

/// Everything the simulated operator knows; guarded by the simulator's one Mutex.
struct OFDState {
    let login: String
    let password: String
    var tokenLifetime: Duration
    /// Issued tokens and when each stops working.
    var tokens: [String: Date] = [:]
    var tokensIssued = 0
    /// Registers by owner INN, in the order they were added.
    var registers: [String: [OFDSimulator.Register]] = [:]
    /// Activation codes and whether each is spent.
    var activationCodes: [String: Bool] = [:]
    var payments: [OFDPayment] = []
    var payOutcome: OFDSimulator.PayOutcome = .completed
    /// The fault set per endpoint, and for how many more calls (nil: until cleared).
    var faults: [OFDSimulator.Endpoint: (fault: OFDSimulator.Fault, remaining: Int?)] = [:]
    var tokenRefusal: OFDSimulator.TokenRefusal = .status401
    var calls: [OFDSimulator.Endpoint: Int] = [:]

    init(login: String, password: String, tokenLifetime: Duration) {
        self.login = login
        self.password = password
        self.tokenLifetime = tokenLifetime
    }

    /// The fault for one call to this endpoint, counting it off a limited one.
    mutating func takeFault(for endpoint: OFDSimulator.Endpoint) -> OFDSimulator.Fault {
        guard let entry = faults[endpoint] else { return .none }
        if let remaining = entry.remaining { faults[endpoint] = remaining > 1 ? (entry.fault, remaining - 1) : nil }
        return entry.fault
    }

    /// Applies a change to the register with this RNM, under whichever INN it is.
    mutating func changeRegister(rnm: String, _ change: (inout OFDSimulator.Register) -> Void) {
        for inn in registers.keys {
            guard let index = registers[inn]?.firstIndex(where: { $0.rnm == rnm }) else { continue }
            change(&registers[inn]![index])
            return
        }
    }
}

/// One application of an activation code, as `kkt/paystatus` lists it.
struct OFDPayment {
    /// When the code was applied (`DateUtc`), in whole seconds.
    let at: Date
    let inn: String
    let rnm: String
    let activationCode: String
    var status: String
    /// When the code took effect (`ActivationDateUtc`): set when the status becomes `Payed`.
    var activatedAt: Date?
}

/// A refusal the operator reports with HTTP 200: `{"Success":false,"Errors":[message]}`.
struct OFDRefusal: Error {
    let message: String

    /// A token refused in the body rather than with 401.
    static let token = OFDRefusal(message: "AuthToken недействителен или истёк")

    var json: OFDJSON { .object([("Success", .bool(false)), ("Errors", .array([.string(message)]))]) }
}

extension Duration {
    /// In seconds, fractions kept.
    var ofdSeconds: TimeInterval {
        TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18
    }
}
