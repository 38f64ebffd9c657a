import Foundation

extension OFDSimulator {
    /// Lists the register under this INN; a register with the same RNM anywhere is replaced.
    public func addRegister(inn: String, _ register: Register) {
        state.withLock { state in
            for owner in state.registers.keys { state.registers[owner]?.removeAll { $0.rnm == register.rnm } }
            state.registers[inn, default: []].append(register)
        }
    }

    /// Changes the register with this RNM in place (unknown RNMs are ignored).
    public func updateRegister(rnm: String, _ change: @Sendable (inout Register) -> Void) {
        state.withLock { $0.changeRegister(rnm: rnm, change) }
    }

    /// Takes the register off every INN's list.
    public func removeRegister(rnm: String) {
        state.withLock { state in
            for owner in state.registers.keys { state.registers[owner]?.removeAll { $0.rnm == rnm } }
        }
    }

    /// Adds an unused activation code; each can pay for one register once.
    public func addActivationCode(_ code: String) {
        state.withLock { $0.activationCodes[code] = false }
    }

    /// What the next successful kkt/pay answers (default: completed).
    public func setPayOutcome(_ outcome: PayOutcome) {
        state.withLock { $0.payOutcome = outcome }
    }

    /// Moves the latest application of `code` to `rnm` to this status (e.g. WaitingActivation → Payed
    /// or Cancelled), as the operator does when the register sends its first document.
    public func setPayStatus(rnm: String, code: String, status: String) {
        let now = Date()
        state.withLock { $0.setPayStatus(rnm: rnm, code: code, status: status, now: now) }
    }

    /// The status kkt/paystatus shows for the latest application of `code` to `rnm`, if any.
    public func payStatus(rnm: String, code: String) -> String? {
        state.withLock { state in state.payments.last { $0.rnm == rnm && $0.activationCode == code }?.status }
    }

    /// Sets a fault for one endpoint, or for every endpoint when nil; `.none` clears. With `times`,
    /// only the next that many calls to each endpoint get it, then they are answered normally.
    public func setFault(_ fault: Fault, for endpoint: Endpoint? = nil, times: Int? = nil) {
        state.withLock { state in
            for target in endpoint.map({ [$0] }) ?? Endpoint.allCases {
                state.faults[target] = fault == .none || times.map({ $0 <= 0 }) == true ? nil : (fault, times)
            }
        }
    }

    /// How tokens that are missing, unknown or expired are refused from now on.
    public func setTokenRefusal(_ refusal: TokenRefusal) {
        state.withLock { $0.tokenRefusal = refusal }
    }

    /// The lifetime of tokens issued from now on.
    public func setTokenLifetime(_ lifetime: Duration) {
        state.withLock { $0.tokenLifetime = lifetime }
    }

    /// Every token issued so far is answered with 401 from now on.
    public func expireTokens() {
        state.withLock { $0.tokens.removeAll() }
    }

    /// How many CreateAuthToken calls issued a token.
    public var tokensIssued: Int { state.withLock { $0.tokensIssued } }

    /// Requests received for this endpoint, whatever their outcome (unknown paths and wrong methods aside).
    public func calls(_ endpoint: Endpoint) -> Int { state.withLock { $0.calls[endpoint] ?? 0 } }
}
