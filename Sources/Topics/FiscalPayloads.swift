import Foundation

// DESIGN §2 "Fiscal (OFD)": the payloads of the OFD requests, their `data`, and the registers'
// retained states, one type per message.

/// `…/ofd/request/apply-code`.
public struct ApplyCodeRequest: Codable, Sendable, Equatable {
    public var inn: String
    public var kpp: String?
    public var rnm: String
    public var activationCode: String
    public var email: String

    public init(inn: String, kpp: String?, rnm: String, activationCode: String, email: String) {
        self.inn = inn
        self.kpp = kpp
        self.rnm = rnm
        self.activationCode = activationCode
        self.email = email
    }
}

/// The `data` of apply-code.
public struct ApplyCodeResult: Codable, Sendable, Equatable {
    public var completed: Bool
    public var waiting: Bool

    public init(completed: Bool, waiting: Bool) {
        self.completed = completed
        self.waiting = waiting
    }
}

/// `…/ofd/request/pay-status`.
public struct PayStatusRequest: Codable, Sendable, Equatable {
    public var from: Date
    public var to: Date

    public init(from: Date, to: Date) {
        self.from = from
        self.to = to
    }
}

/// One item of pay-status's `data.items`.
public struct PayStatusItem: Codable, Sendable, Equatable {
    public var at: String?
    public var inn: String?
    public var rnm: String?
    public var activationCode: String?
    public var status: String?
    public var activatedAt: String?

    public init(at: String?, inn: String?, rnm: String?, activationCode: String?, status: String?, activatedAt: String?) {
        self.at = at
        self.inn = inn
        self.rnm = rnm
        self.activationCode = activationCode
        self.status = status
        self.activatedAt = activatedAt
    }
}

/// `…/ofd/request/list-kkts`.
public struct ListKktsRequest: Codable, Sendable, Equatable {
    public var inn: String?

    public init(inn: String?) { self.inn = inn }
}

/// `{"items":[…]}`: the `data` of pay-status and list-kkts.
public struct ItemList<Item: Codable & Sendable>: Codable, Sendable {
    public var items: [Item]

    public init(items: [Item]) { self.items = items }
}

/// `…/ofd/kkts/<rnm>` (retained).
public struct KktState: Codable, Sendable, Equatable {
    public var rnm: String
    public var inn: String?
    public var id: String?
    public var serial: String?
    public var fnNumber: String?
    public var model: String?
    public var address: String?
    public var place: String?
    public var createdAt: String?
    public var fnEndsAt: String?
    /// Whole days until `fnEndsAt` (negative once passed); republished as the days go by.
    public var fnDaysLeft: Int?
    public var lastDocAt: String?
    public var lastDocReceivedAt: String?
    public var tariff: String?
    public var contractStartsAt: String?
    public var contractEndsAt: String?
    /// Whole days until `contractEndsAt` (negative once passed).
    public var contractDaysLeft: Int?
    public var lastPaidAt: String?
    public var activation: ActivationState?

    public init(
        rnm: String, inn: String? = nil, id: String? = nil, serial: String? = nil, fnNumber: String? = nil, model: String? = nil,
        address: String? = nil, place: String? = nil, createdAt: String? = nil, fnEndsAt: String? = nil, fnDaysLeft: Int? = nil,
        lastDocAt: String? = nil, lastDocReceivedAt: String? = nil, tariff: String? = nil, contractStartsAt: String? = nil,
        contractEndsAt: String? = nil, contractDaysLeft: Int? = nil, lastPaidAt: String? = nil, activation: ActivationState? = nil
    ) {
        self.rnm = rnm
        self.inn = inn
        self.id = id
        self.serial = serial
        self.fnNumber = fnNumber
        self.model = model
        self.address = address
        self.place = place
        self.createdAt = createdAt
        self.fnEndsAt = fnEndsAt
        self.fnDaysLeft = fnDaysLeft
        self.lastDocAt = lastDocAt
        self.lastDocReceivedAt = lastDocReceivedAt
        self.tariff = tariff
        self.contractStartsAt = contractStartsAt
        self.contractEndsAt = contractEndsAt
        self.contractDaysLeft = contractDaysLeft
        self.lastPaidAt = lastPaidAt
        self.activation = activation
    }
}

/// An applied activation code followed until the operator says Payed or Cancelled.
public struct ActivationState: Codable, Sendable, Equatable {
    public var status: String
    public var appliedAt: String
    public var activatedAt: String?

    public init(status: String, appliedAt: String, activatedAt: String?) {
        self.status = status
        self.appliedAt = appliedAt
        self.activatedAt = activatedAt
    }
}

/// `…/ofd/kkts/<rnm>/alerts` (retained).
public struct KktAlerts: Codable, Sendable, Equatable {
    public struct Alert: Codable, Sendable, Equatable {
        public var kind: String
        public var detail: String
        public var since: String

        public init(kind: String, detail: String, since: String) {
            self.kind = kind
            self.detail = detail
            self.since = since
        }
    }

    public var alerts: [Alert]

    public init(alerts: [Alert]) { self.alerts = alerts }
}
