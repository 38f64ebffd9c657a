import Foundation
import Hummingbird

/// Answers the partner API: route, call counting, the configured fault, the token, then the method.
struct OFDResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let simulator: OFDSimulator

    func respond(to request: Request, context: Context) async throws -> Response {
        guard let route = OFDRoute(path: request.uri.path) else { return Self.empty(.notFound) }
        guard request.method == route.method else { return Self.empty(.methodNotAllowed) }
        let body = Data(try await request.body.collect(upTo: 1 << 20).readableBytesView)
        let fault = simulator.state.withLock { state in
            state.calls[route.endpoint, default: 0] += 1
            return state.takeFault(for: route.endpoint)
        }
        if let answer = try await Self.answer(for: fault) { return answer }
        let answer = process(route, query: OFDQuery(request), body: body, now: Date())
        // The work is done (a code spent); only the answer is lost on its way back.
        if case .afterProcessing(let status) = fault { return Self.serverError(status) }
        return answer
    }

    /// The method's own answer, the token checked first.
    private func process(_ route: OFDRoute, query: OFDQuery, body: Data, now: Date) -> Response {
        switch route {
        case .createAuthToken:
            let fields = OFDRequestFields(body)
            let issued = simulator.state.withLock {
                $0.issueToken(login: fields?["Login"], password: fields?["Password"], now: now)
            }
            return issued.map(Self.json) ?? Self.empty(.forbidden)
        case .partner(let call):
            let (accepted, refusal) = simulator.state.withLock { ($0.accepts(token: query["AuthToken"], now: now), $0.tokenRefusal) }
            guard accepted else {
                return refusal == .errorInBody ? Self.json(OFDRefusal.token.json) : Self.empty(.unauthorized)
            }
            let outcome = simulator.state.withLock { state -> Result<OFDJSON, OFDRefusal> in
                Result { () throws(OFDRefusal) in try state.perform(call, body: body, query: query, now: now) }
            }
            switch outcome {
            case .success(let answer): return Self.json(answer)
            case .failure(let refusal): return Self.json(refusal.json)
            }
        }
    }

    /// The answer a fault gives instead of the normal one; nil when the request goes on (after any delay).
    private static func answer(for fault: OFDSimulator.Fault) async throws -> Response? {
        switch fault {
        case .none, .afterProcessing: return nil
        case .slow(let delay):
            try await Task.sleep(for: delay)
            return nil
        case .forbidden: return empty(.forbidden)
        case .successFalse(let message): return json(OFDRefusal(message: message).json)
        case .errorObject(let message):
            return json(.object([("Error", .object([("Code", .string("InternalError")), ("Message", .string(message))]))]))
        case .serverError(let status): return serverError(status)
        case .tooManyRequests(let retryAfter):
            return Response(status: .tooManyRequests, headers: [.retryAfter: retryAfter])
        case .errorsList(let message): return json(.object([("Errors", .array([.string(message)]))]))
        case .messageOnly(let message): return json(.object([("Message", .string(message))]))
        case .emptyObject: return json(.object([]))
        case .tokenErrorInBody: return json(OFDRefusal.token.json)
        }
    }

    /// This status with a small HTML page, as a proxy in front of the API sends it.
    private static func serverError(_ status: Int) -> Response {
        let page = "<html><head><title>\(status)</title></head><body><h1>\(status)</h1></body></html>"
        return Response(
            status: .init(code: status), headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    static func json(_ value: OFDJSON) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: value.serialized())))
    }

    /// A status with no body at all, as the spec describes 403 (and as 401 is sent).
    static func empty(_ status: HTTPResponse.Status) -> Response {
        Response(status: status)
    }
}

extension OFDState {
    /// One partner method, the token already checked.
    mutating func perform(_ call: OFDPartnerCall, body: Data, query: OFDQuery, now: Date) throws(OFDRefusal) -> OFDJSON {
        switch call {
        case .pay:
            guard let fields = OFDRequestFields(body) else {
                throw OFDRefusal(message: "Тело запроса не является JSON-объектом")
            }
            return try pay(fields, now: now)
        case .payStatus:
            return try payStatus(from: query["DateFromUtc"], to: query["DateToUtc"])
        case .kkts(let inn):
            return kkts(inn: inn)
        }
    }
}
