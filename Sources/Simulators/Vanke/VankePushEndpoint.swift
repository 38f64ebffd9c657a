/// The platform's three receiving interfaces ("万科提供接口") and the members each requires beyond
/// the common version/token/appId/parkingLotId/time.
enum VankePushEndpoint: String, CaseIterable, Sendable {
    case receivePlateNumber, receiveCrossGate, receiveAbnormal

    /// How a member is checked.
    enum Rule {
        /// A non-empty string.
        case text
        /// A string, possibly empty: plateNumber when nothing was recognised, image when there is no
        /// picture, and a crossing's plate (a forced opening can let an unrecognised car through).
        case textMayBeEmpty
        /// A `yyyyMMdd HH:mm:ss` string.
        case time
        /// One of the six plate colours of "字段说明".
        case color
        /// Absent, or a string.
        case optionalText
        /// Absent, or a JSON integer 0–100 (the spec's "百分比: 80% 则传 80").
        case optionalPercent
    }

    /// The members in the order the spec's tables list them (the first problem found is reported).
    var members: [(String, Rule)] {
        switch self {
        case .receivePlateNumber:
            [("deviceNo", .text), ("uuid", .text), ("recognitionTime", .time), ("image", .textMayBeEmpty),
             ("plateNumber", .textMayBeEmpty), ("color", .color), ("reliability", .optionalPercent)]
        case .receiveCrossGate:
            [("deviceNo", .text), ("uuid", .text), ("plateNumber", .textMayBeEmpty), ("color", .color),
             ("crossTime", .time)]
        case .receiveAbnormal:
            [("abnormalCode", .text), ("deviceNo", .optionalText), ("msg", .text)]
        }
    }

    static let colors: Set<String> = ["blue", "yellow", "black", "white", "green", "other"]

    /// The endpoint a path ends in: the platform's base URL may carry any prefix.
    init?(path: String) {
        guard let last = path.split(separator: "/").last, let endpoint = Self(rawValue: String(last)) else { return nil }
        self = endpoint
    }
}
