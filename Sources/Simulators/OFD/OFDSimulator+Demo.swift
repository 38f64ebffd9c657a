import Foundation

extension OFDSimulator {
    /// The RNMs and activation codes `seedDemo` adds.
    public struct DemoSeed: Sendable, Equatable {
        /// The INN the registers are listed under.
        public let inn: String
        /// RNMs of the three registers; the first one's fiscal drive ends in 10 days.
        public let rnms: [String]
        /// Two unused activation codes.
        public let activationCodes: [String]
    }

    /// Seeds a demo client: three registers under `inn` (the first one's fiscal drive ends in 10
    /// days, the others are healthy) and two unused activation codes (the spec's examples).
    @discardableResult
    public func seedDemo(inn: String = "0182021620", now: Date = Date()) -> DemoSeed {
        let day: TimeInterval = 86_400
        let registers = [
            Register(
                rnm: "0005792715046206", fnEndsAt: now + 10 * day, contractEndsAt: now + 200 * day,
                lastDocReceivedAt: now - 3600, serial: "00105703738735", fnNumber: "9960440301038465",
                address: "Москва, Ленинская Слобода, 19", place: "Касса 1", createdAt: now - 400 * day,
                tariff: "Green", lastPaidAt: now - 165 * day, contractStartsAt: now - 165 * day),
            Register(
                rnm: "0005792715046213", fnEndsAt: now + 420 * day, contractEndsAt: now + 300 * day,
                lastDocReceivedAt: now - 600, model: "Эвотор 7.2", address: "Москва, Ленинская Слобода, 19",
                place: "Касса 2", createdAt: now - 65 * day, tariff: "Green", lastPaidAt: now - 65 * day,
                contractStartsAt: now - 65 * day),
            Register(
                rnm: "0005792715046220", fnEndsAt: now + 700 * day, contractEndsAt: now + 330 * day,
                lastDocReceivedAt: now - 120, model: "АТОЛ 30Ф", address: "Москва, ул. Тверская, 7",
                place: "Бар", createdAt: now - 35 * day, tariff: "Blue", lastPaidAt: now - 35 * day,
                contractStartsAt: now - 35 * day),
        ]
        for register in registers { addRegister(inn: inn, register) }
        let codes = ["PSZ7D1Lq", "LSZ7D1LD"]
        for code in codes { addActivationCode(code) }
        return DemoSeed(inn: inn, rnms: registers.map(\.rnm), activationCodes: codes)
    }
}
