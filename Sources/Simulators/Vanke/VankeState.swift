import Foundation

/// Everything the simulated platform knows; guarded by the simulator's one Mutex.
struct VankeState {
    /// Pushes that passed the checks, by endpoint, in arrival order.
    var pushes: [VankePushEndpoint: [VankePush]] = [:]
    var rejected: [VankeRejectedPush] = []
    /// Requests per endpoint name, whatever their outcome.
    var calls: [String: Int] = [:]
    var rules: [String: VankePlateRule] = [:]
    var faults = VankeFaultRules()
    /// Strict checks a real platform may make (off: the spec's letter only).
    var strictness = VankeStrictness()
    /// Every image URL opened (`VankeStrictness.openImages`), in order.
    var imageFetches: [VankeImageFetch] = []
    /// Requests held by the hang fault, released by setFault or stop.
    var hung: [Int: CheckedContinuation<Void, Never>] = [:]
    var nextHungID = 0
    /// How many times the server was stopped: a request held across a stop is dropped, not answered.
    var stops = 0
    var watchers: [Int: AsyncStream<VankeEvent>.Continuation] = [:]
    var nextWatcherID = 0

    /// The answer to a good receivePlateNumber for this plate: nil allows the gate to open, a text
    /// refuses with that respDesc. A countdown rule spends one denial.
    mutating func decide(plate: String) -> String? {
        switch rules[plate] {
        case nil: return nil
        case .deny(let reason)?: return reason
        case .allowAfter(let left, let reason)?:
            guard left > 0 else { return nil }
            rules[plate] = .allowAfter(denialsLeft: left - 1, reason: reason)
            return reason
        }
    }

    /// Takes every held request off the list; the caller resumes them outside the lock.
    mutating func releaseHung() -> [CheckedContinuation<Void, Never>] {
        faults.releaseHangs()
        defer { hung = [:] }
        return Array(hung.values)
    }

    func notify(_ event: VankeEvent) {
        for watcher in watchers.values { watcher.yield(event) }
    }
}

/// What the platform decides for one plate's receivePlateNumber.
enum VankePlateRule: Equatable {
    /// Always respCode 1 with this respDesc.
    case deny(String)
    /// respCode 1 for this many more pushes, then 0.
    case allowAfter(denialsLeft: Int, reason: String)
}
