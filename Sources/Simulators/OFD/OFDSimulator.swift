import Foundation
import Hummingbird
import Logging
import Synchronization

// An independent reading of the OFD.ru partner API spec (`specs/001_cad31c7151c069c9.txt`). Where
// the spec is silent, this simulator chooses:
//
// - Dates, in and out, are `yyyy-MM-ddTHH:mm:ss` without a zone, whole seconds. Fields named
//   `…Utc` (and the query dates) are UTC; the register fields without it (CreateDate,
//   LastDocOnKktDateTime, FnEndDate) are Moscow time, as the spec's footnotes and its example
//   (LastDocOnKktDateTime three hours after LastDocOnOfdDateTimeUtc) show. Query dates in any
//   other form (zone suffix, fractions) are refused.
// - 403 (wrong login/password), 401 (missing, unknown or expired token) and the forbidden fault
//   have no body at all. A body that is not JSON to CreateAuthToken counts as wrong credentials.
// - Other refusals are HTTP 200 `{"Success":false,"Errors":[text]}`. kkt/pay checks, in order:
//   body is a JSON object; Inn, Rnm, ActivationCode, Email present ("Не заполнено обязательное
//   поле <Name>"; blank or non-string counts as missing; Kpp is optional and ignored); Email has
//   an "@"; the code exists ("Код активации не найден") and is unused ("Код активации уже
//   использован"); the RNM is one of that INN's registers ("ККТ не найдена"). Only a successful
//   pay spends the code. JSON member names and query parameter names match in any case, as
//   ASP.NET binds them; paths too, and `/api/integration/v1/inn/{inn}/kkts` (the spec's first
//   example) is served like `/api/integration/partner/v1/inn/{inn}/kkts`.
// - kkt/paystatus lists applications whose DateUtc lies in [DateFromUtc, DateToUtc], both ends
//   included; from > to is a refusal, as is a missing or malformed date. The spec sets no longest
//   period, and neither does this simulator. ActivationDateUtc appears once the status is `Payed` (at once for
//   the completed outcome, otherwise when `setPayStatus` moves it there).
// - A payment (status `Payed`) sets the register's LastBuyDateUtc, ContractStartDateUtc if it had
//   none, and extends ContractEndDateUtc by 365 days from the later of now and the old end.
// - Register fields that are nil are left out of the answer, as the spec's example leaves out
//   Tariff, LastBuyDateUtc and ContractEndDateUtc.
// - Faults come after routing and call counting but before the token check; `slow` delays and then
//   answers normally; `afterProcessing` carries the request out and then answers a server error.
//   Server errors carry a small HTML page; 429 carries the Retry-After it was set with; the
//   error-object fault's Code is "InternalError". A fault can be limited to the next N calls.
//   Unknown paths answer 404, wrong methods 405, and neither counts as a call.
// - A refused token is 401 with no body, or (switchable) HTTP 200
//   `{"Success":false,"Errors":["AuthToken недействителен или истёк"]}`: the spec does not say
//   how the operator refuses a token.
// - A register can be listed without its KktRegId (a broken row), to show a client skipping it.

/// A simulation of the OFD.ru operator's partner API: CreateAuthToken, kkt/pay, kkt/paystatus and
/// inn/{inn}/kkts, with switchable faults. It has no control endpoints: tests steer it directly.
public final class OFDSimulator: Sendable {
    let state: Mutex<OFDState>
    private let server: SimulatorHTTPServer
    private let logger: Logger


    /// An operator that accepts this partner login; tokens live `tokenLifetime` from issue.
    public init(login: String, password: String, tokenLifetime: Duration = .seconds(3600)) {
        state = Mutex(OFDState(login: login, password: password, tokenLifetime: tokenLifetime))
        var logger = Logger(label: "gatehouse.simulator.ofd.http")
        // stop() cancels the server, which Hummingbird logs as an error ("Waiting on child channel:
        // CancellationError"); its other lines are start/stop notices. Requests are answered, not logged.
        logger.logLevel = .critical
        self.logger = logger
        server = SimulatorHTTPServer(serverName: "OFD-Simulator", logger: logger)
    }

    /// Starts listening (port 0: any free port) and returns the bound port; already running: its port.
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws -> Int {
        try await server.start(host: host, port: port, responder: OFDResponder(simulator: self))
    }

    /// Stops listening: afterwards connections are refused, as with a server that is down. The
    /// state is kept, so start() again is a server restart.
    public func stop() async { await server.stop() }

    /// The bound port while running.
    public var port: Int? { server.port }
}
