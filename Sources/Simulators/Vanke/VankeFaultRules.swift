/// The faults in force: one for all three pushes, and any number for one endpoint, each for every
/// call or for a number of calls. An endpoint's own rule wins over the one for all.
struct VankeFaultRules {
    private struct Rule {
        var fault: VankeFault
        /// nil: every push endpoint.
        var endpoint: VankePushEndpoint?
        /// Calls left; nil: every call until changed.
        var remaining: Int?
    }

    private var rules: [Rule] = []
    /// Moves on with every change and every stop: a hanging request waits for the next one.
    private(set) var generation = 0

    /// The fault for every endpoint (`.none` when only endpoint rules are set).
    var common: VankeFault { rules.first { $0.endpoint == nil }?.fault ?? .none }

    /// Replaces the rule of this scope; `.none` for every endpoint clears every rule.
    mutating func set(_ fault: VankeFault, on endpoint: VankePushEndpoint?, count: Int?) {
        generation += 1
        if fault == .none && endpoint == nil && count == nil {
            rules = []
            return
        }
        rules.removeAll { $0.endpoint == endpoint }
        rules.append(Rule(fault: fault, endpoint: endpoint, remaining: count.map { max(0, $0) }))
        rules.removeAll { $0.remaining == 0 }
    }

    /// Ends every hang without changing a rule (the server stopped).
    mutating func releaseHangs() { generation += 1 }

    /// The fault for one call to `endpoint`, spending one call of a counted rule.
    mutating func take(for endpoint: VankePushEndpoint) -> VankeFault {
        guard let index = rules.firstIndex(where: { $0.endpoint == endpoint }) ?? rules.firstIndex(where: { $0.endpoint == nil })
        else { return .none }
        let fault = rules[index].fault
        if let left = rules[index].remaining {
            if left <= 1 { rules.remove(at: index) } else { rules[index].remaining = left - 1 }
        }
        return fault
    }
}
