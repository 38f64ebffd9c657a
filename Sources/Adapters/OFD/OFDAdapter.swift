import AsyncHTTPClient
import Bridge
import Foundation
import Logging
import Synchronization
import Topics

/// The OFD.ru partner API as MQTT: apply activation codes, read pay statuses and register lists,
/// and keep every register's state and alerts retained on the broker.
public final class OFDAdapter: GatehouseAdapter {
    public let name = "ofd"
    let settings: OFDSettings
    private let logger: Logger
    private let http: HTTPClient
    private let client: OFDClient
    private let running = Mutex<(registers: OFDRegisters, tasks: [Task<Void, Never>])?>(nil)

    public init(settings: OFDSettings, logger: Logger = Logger(label: "gatehouse.adapter.ofd")) {
        self.settings = settings
        self.logger = logger
        http = HTTPClient(eventLoopGroupProvider: .singleton)
        client = OFDClient(settings: settings, http: http, logger: logger)
    }

    public func start(_ bridge: BridgeContext) async throws {
        let registers = OFDRegisters(context: bridge, client: client, settings: settings, logger: logger)
        await registers.load()
        bridge.serve(RequestRoute(bridge.topics.ofdRequestFilter) { [self] request in
            try await self.serve(request, registers: registers, bridge: bridge)
        })
        await bridge.setAdapterState(name, .connecting, detail: settings.url)
        let sync = Task { [self] in
            while !Task.isCancelled {
                await self.syncAll(registers, bridge: bridge)
                do { try await Task.sleep(for: settings.syncInterval) } catch { return }
            }
        }
        let follow = Task { [settings] in
            while !Task.isCancelled {
                do { try await Task.sleep(for: settings.followInterval) } catch { return }
                await registers.followOnce()
            }
        }
        running.withLock { $0 = (registers, [sync, follow]) }
    }

    public func stop() async {
        running.withLock { $0 }?.tasks.forEach { $0.cancel() }
        try? await http.shutdown()
    }

    /// A real call, not just the token: a cached token said "healthy" while the operator was down.
    /// The pay status of the last minute is the cheapest authenticated read there is (no INN
    /// needed); it is not retried, and an answer refusing the request still proves the operator up.
    public func healthCheck() async -> AdapterHealth {
        let now = Date()
        do {
            _ = try await client.payStatus(from: now.addingTimeInterval(-60), to: now, retries: 0)
            return AdapterHealth(healthy: true)
        } catch let error as GatehouseError where error.code == .invalidRequest {
            return AdapterHealth(healthy: true)
        } catch {
            return AdapterHealth(healthy: false, detail: (error as? GatehouseError)?.message ?? "\(error)")
        }
    }

    /// Syncs now (operators' "refresh", tests, the demo).
    public func syncNow() async {
        guard let registers = running.withLock({ $0?.registers }) else { return }
        await syncAll(registers, bridge: nil)
    }

    /// Follows applied codes now instead of waiting for the next round.
    public func followNow() async {
        await running.withLock { $0?.registers }?.followOnce()
    }

    private func syncAll(_ registers: OFDRegisters, bridge: BridgeContext?) async {
        do {
            try await registers.sync(inns: settings.inns)
            await bridge?.setAdapterState(name, .connected)
        } catch {
            logger.warning("OFD sync failed: \(error)")
            await bridge?.setAdapterState(name, .disconnected, detail: (error as? GatehouseError)?.message ?? "\(error)")
        }
    }

    // MARK: requests

    private func serve(_ request: RequestContext, registers: OFDRegisters, bridge: BridgeContext) async throws -> JSONValue? {
        switch request.operation {
        case "apply-code":
            let fields = try request.decode(ApplyCodeRequest.self)
            try OFDValidation.inn(fields.inn)
            if let kpp = fields.kpp { try OFDValidation.kpp(kpp) }
            try OFDValidation.rnm(fields.rnm)
            if fields.activationCode.isEmpty {
                throw GatehouseError.invalidRequest(field: "activationCode", problem: "must not be empty")
            }
            try OFDValidation.email(fields.email)
            // A pay in doubt is followed, never sent again: a second one for the register waits.
            if let pending = await registers.inDoubt(rnm: fields.rnm) {
                throw GatehouseError(
                    .busy,
                    "register \(fields.rnm) has an apply-code in doubt (code …\(pending.code.suffix(4)), sent \(Timestamp.rfc3339(pending.appliedAt, in: bridge.timeZone))); its pay status is followed until Payed or Cancelled")
            }
            let answer: OFDWire.PayAnswer
            do {
                answer = try await client.pay(
                    OFDWire.Pay(Inn: fields.inn, Kpp: fields.kpp, Rnm: fields.rnm, ActivationCode: fields.activationCode, Email: fields.email))
            } catch let error as GatehouseError where error.code == .timeout {
                // Maybe applied, maybe not: follow the pay status, which tells the truth later.
                await registers.follow(inn: fields.inn, rnm: fields.rnm, code: fields.activationCode, status: "Undefined")
                throw error
            }
            let completed = answer.IsCompleted ?? false
            await registers.follow(
                inn: fields.inn, rnm: fields.rnm, code: fields.activationCode, status: completed ? "Payed" : "WaitingActivation")
            return try JSONValue(encoding: ApplyCodeResult(completed: completed, waiting: answer.IsWaiting ?? !completed))
        case "pay-status":
            let fields = try request.decode(PayStatusRequest.self)
            try OFDValidation.period(from: fields.from, to: fields.to)
            let items = try await client.payStatus(from: fields.from, to: fields.to).map { item in
                PayStatusItem(
                    at: OFDTime.parse(item.DateUtc).map { Timestamp.rfc3339($0, in: bridge.timeZone) }, inn: item.Inn,
                    rnm: item.Rnm, activationCode: item.ActivationCode, status: item.Status,
                    activatedAt: OFDTime.parse(item.ActivationDateUtc).map { Timestamp.rfc3339($0, in: bridge.timeZone) })
            }
            return try JSONValue(encoding: ItemList(items: items))
        case "list-kkts":
            let fields = try request.decode(ListKktsRequest.self)
            let inns: [String]
            if let inn = fields.inn {
                try OFDValidation.inn(inn)
                inns = [inn]
            } else {
                inns = settings.inns
            }
            // Listing is also a sync of those INNs (without removing registers of the others).
            let states = try await registers.sync(inns: inns, removeMissing: fields.inn == nil)
            return try JSONValue(encoding: ItemList(items: states))
        default:
            throw GatehouseError.unsupported(operation: request.operation, reason: "the OFD adapter serves apply-code, pay-status and list-kkts")
        }
    }
}
