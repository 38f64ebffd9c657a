import Foundation

extension OFDSimulator {
    /// A cash register (KKT) as the operator lists it under its owner's INN.
    public struct Register: Sendable, Equatable {
        /// The operator's id of the register (`Id`).
        public var id: String
        /// Registration number, 16 digits (`KktRegId`, the RNM).
        public var rnm: String
        /// Factory number of the register (`SerialNumber`).
        public var serial: String
        /// Factory number of the fiscal drive (`FnNumber`).
        public var fnNumber: String
        /// `KktModel`.
        public var model: String
        /// `FiscalAddress`.
        public var address: String
        /// `FiscalPlace`.
        public var place: String
        /// When the register was added to the client's account (`CreateDate`, written in Moscow time).
        public var createdAt: Date
        /// When the fiscal drive stops working (`FnEndDate`, written in Moscow time).
        public var fnEndsAt: Date?
        /// The register's last document, by its own clock (`LastDocOnKktDateTime`, written in Moscow time).
        public var lastDocAt: Date?
        /// When the operator received the last document (`LastDocOnOfdDateTimeUtc`).
        public var lastDocReceivedAt: Date?
        /// `Tariff`: Red, Yellow, Green, Blue or Orange.
        public var tariff: String?
        /// The last payment for the operator's service (`LastBuyDateUtc`).
        public var lastPaidAt: Date?
        /// `ContractStartDateUtc`.
        public var contractStartsAt: Date?
        /// `ContractEndDateUtc`.
        public var contractEndsAt: Date?
        /// A broken row: the operator lists this register without its `KktRegId`.
        public var listedWithoutRegId = false

        /// A register; `lastDocAt` nil means "the same as `lastDocReceivedAt`". Serial and drive numbers
        /// are derived from the RNM, so a test that does not care still gets stable, distinct values.
        public init(
            rnm: String, fnEndsAt: Date? = nil, contractEndsAt: Date? = nil, lastDocReceivedAt: Date? = Date(),
            lastDocAt: Date? = nil, id: String = UUID().uuidString.lowercased(), serial: String? = nil,
            fnNumber: String? = nil, model: String = "АТОЛ 25Ф", address: String = "Москва, Ленинская Слобода, 19",
            place: String = "ofd.ru", createdAt: Date = Date(timeIntervalSinceNow: -90 * 86_400),
            tariff: String? = nil, lastPaidAt: Date? = nil, contractStartsAt: Date? = nil
        ) {
            let digits = String(repeating: "0", count: 16) + rnm.filter(\.isASCII).filter(\.isNumber)
            self.id = id
            self.rnm = rnm
            self.serial = serial ?? "0010" + digits.suffix(10)
            self.fnNumber = fnNumber ?? "9960" + digits.suffix(12)
            self.model = model
            self.address = address
            self.place = place
            self.createdAt = createdAt
            self.fnEndsAt = fnEndsAt
            self.lastDocAt = lastDocAt ?? lastDocReceivedAt
            self.lastDocReceivedAt = lastDocReceivedAt
            self.tariff = tariff
            self.lastPaidAt = lastPaidAt
            self.contractStartsAt = contractStartsAt
            self.contractEndsAt = contractEndsAt
        }
    }
}
