import Foundation

// The MQTT side of DESIGN §2 "Fiscal (OFD)".

struct ApplyCodeRequest: Decodable, Sendable {
    var inn: String
    var kpp: String?
    var rnm: String
    var activationCode: String
    var email: String
}

struct ApplyCodeResult: Encodable, Sendable {
    var completed: Bool
    var waiting: Bool
}

struct PayStatusRequest: Decodable, Sendable {
    var from: Date
    var to: Date
}

struct PayStatusItem: Encodable, Sendable {
    var at: String?
    var inn: String?
    var rnm: String?
    var activationCode: String?
    var status: String?
    var activatedAt: String?
}

struct ListKktsRequest: Decodable, Sendable {
    var inn: String?
}

struct ItemList<Item: Encodable & Sendable>: Encodable, Sendable {
    var items: [Item]
}

/// `gatehouse/ofd/kkts/<rnm>` (retained).
struct KktState: Codable, Sendable, Equatable {
    var rnm: String
    var inn: String?
    var id: String?
    var serial: String?
    var fnNumber: String?
    var model: String?
    var address: String?
    var place: String?
    var createdAt: String?
    var fnEndsAt: String?
    /// Whole days until `fnEndsAt` (negative once passed); republished as the days go by.
    var fnDaysLeft: Int?
    var lastDocAt: String?
    var lastDocReceivedAt: String?
    var tariff: String?
    var contractStartsAt: String?
    var contractEndsAt: String?
    /// Whole days until `contractEndsAt` (negative once passed).
    var contractDaysLeft: Int?
    var lastPaidAt: String?
    var activation: ActivationState?
}

/// An applied activation code followed until the operator says Payed or Cancelled.
struct ActivationState: Codable, Sendable, Equatable {
    var status: String
    var appliedAt: String
    var activatedAt: String?
}

/// `gatehouse/ofd/kkts/<rnm>/alerts` (retained).
struct KktAlerts: Codable, Sendable, Equatable {
    struct Alert: Codable, Sendable, Equatable {
        var kind: String
        var detail: String
        var since: String
    }
    var alerts: [Alert]
}
