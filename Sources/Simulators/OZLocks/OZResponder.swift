import Foundation
import Hummingbird

/// Answers the Web-API: API key, call counting, the configured behaviour, then the operation.
struct OZResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let simulator: OZLocksSimulator

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        if path.hasPrefix("/_sim/") {
            return try await OZControlEndpoints(simulator: simulator).respond(to: request, path: path)
        }
        guard let operation = OZOperation(rawValue: String(path.dropFirst())) else {
            return Self.text(.notFound, "Not found")
        }
        // A known path with the wrong method: 405, as an ASP.NET-style server would, before auth.
        guard request.method == operation.method else { return Self.text(.methodNotAllowed, "Method not allowed") }
        let key = request.headers.first { $0.name.canonicalName == simulator.apiKeyHeader }?.value
        guard authorised(key) else {
            return Self.json(.unauthorized, OZFault(code: "401", message: "Не прошла авторизация").json)
        }
        let body = try await request.body.collect(upTo: 1 << 20)
        let behaviour = simulator.state.withLock { state in
            state.calls[operation.rawValue, default: 0] += 1
            if let (own, left) = state.operationBehaviours[operation.rawValue] {
                if let left { state.operationBehaviours[operation.rawValue] = left > 1 ? (own, left - 1) : nil }
                return own
            }
            let current = state.behaviour
            if let left = state.behaviourLeft {
                state.behaviourLeft = left > 1 ? left - 1 : nil
                if left <= 1 { state.behaviour = .normal }
            }
            return current
        }
        switch behaviour {
        case .normal, .doThenDrop: break
        case .slow(let delay): try await Task.sleep(for: delay)
        case .badRequest: return Self.text(.badRequest, "Сервер не доступен")
        case .error(let code, let message): return Self.json(.internalServerError, OZFault(code: code, message: message).json)
        case .serverErrorWithoutCode:
            return Response(
                status: .internalServerError, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "<html><body><h1>500 Internal Server Error</h1></body></html>")))
        }
        if operation == .issueCard, let wait = simulator.state.withLock({ $0.cardWait }) {
            await waitForCard(body: Data(body.readableBytesView), within: wait)
        }
        let now = Date()
        let dates = simulator.dates
        let (outcome, trailingCommas) = simulator.state.withLock { state -> (Result<OZJSON, OZFault>, Bool) in
            do throws(OZFault) {
                let fields = try OZRequestFields(Data(body.readableBytesView), dates: dates)
                var answer = try state.perform(operation, fields, now: now)
                if case .object(let members) = answer, !state.omittedMembers.isEmpty {
                    answer = .object(members.filter { !state.omittedMembers.contains($0.0) })
                }
                return (.success(answer), state.trailingCommas)
            } catch {
                return (.failure(error), state.trailingCommas)
            }
        }
        if behaviour == .doThenDrop {
            // The head goes out, then the body fails: the server closes the connection mid-answer.
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody { _ in throw SimulatedDrop() })
        }
        switch outcome {
        case .success(let answer): return Self.json(.ok, answer, trailingCommas: trailingCommas)
        case .failure(let fault): return Self.json(.internalServerError, fault.json, trailingCommas: trailingCommas)
        }
    }

    /// Until a card lies on the request's encoder, or `wait` passed (then the operation says ECode 2).
    private func waitForCard(body: Data, within wait: Duration) async {
        guard let fields = try? OZRequestFields(body, dates: simulator.dates), let encoder = try? fields.string("EncoderID")
        else { return }
        let deadline = ContinuousClock.now + wait
        while ContinuousClock.now < deadline {
            let empty = simulator.state.withLock { state in
                if case .none? = state.encoders[encoder] { return true }
                return false
            }
            if !empty { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Compares with the configured key in time independent of where they differ.
    func authorised(_ presented: String?) -> Bool {
        guard let presented else { return false }
        let expected = Array(simulator.apiKey.utf8)
        let given = Array(presented.utf8)
        var difference: UInt8 = expected.count == given.count ? 0 : 1
        for index in expected.indices {
            difference |= expected[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }

    static func json(_ status: HTTPResponse.Status, _ value: OZJSON, trailingCommas: Bool = false) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: value.serialized(trailingCommas: trailingCommas))))
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Ends a response mid-way (`Behaviour.doThenDrop`).
struct SimulatedDrop: Error {}
