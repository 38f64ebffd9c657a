import Hummingbird

/// Query parameters by name in any case: the spec writes both `AuthToken` and `authToken`.
struct OFDQuery: Sendable {
    private let values: [String: String]

    init(_ request: Request) {
        var values: [String: String] = [:]
        // A repeated parameter: the first one counts.
        for (key, value) in request.uri.queryParameters where values[key.lowercased()] == nil {
            values[key.lowercased()] = String(value)
        }
        self.values = values
    }

    subscript(name: String) -> String? { values[name.lowercased()] }
}
