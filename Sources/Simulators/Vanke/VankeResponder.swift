import Foundation
import Hummingbird

/// Answers the three pushes: route, call counting, the fault, the checks, the plate decision, then
/// records the push and tells the watchers.
struct VankeResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let simulator: VankePlatformSimulator

    func respond(to request: Request, context: Context) async throws -> Response {
        guard let endpoint = VankePushEndpoint(path: request.uri.path) else { return Self.text(.notFound, "Not found") }
        guard request.method == .post else { return Self.text(.methodNotAllowed, "Method not allowed") }
        // Generous: the spec's 字段说明 calls image base64 JPEG, though the push itself sends a URL.
        let body = Data(try await request.body.collect(upTo: 16 << 20).readableBytesView)
        // The stop count is read with the call count: a stop after this point drops a held request.
        let stops = simulator.state.withLock { state in
            state.calls[endpoint.rawValue, default: 0] += 1
            return state.stops
        }
        guard let fault = await simulator.fault(for: endpoint, stops: stops) else { return Response(status: .serviceUnavailable) }
        switch fault {
        case .none, .respCode1, .hang, .acceptThenDrop: break
        case .slow(let delay): try await Task.sleep(for: delay)
        case .garbage:
            // Cut off mid-object, under a JSON content type: a client must not read it as success.
            return Response(
                status: .ok, headers: [.contentType: "application/json;charset=UTF-8"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"respCode":"0","#)))
        case .httpStatus(let status):
            let page = "<html><head><title>\(status)</title></head><body><h1>\(status)</h1></body></html>"
            return Response(
                status: .init(code: status), headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: page)))
        }

        let receivedAt = Date()
        var checked = simulator.checks.check(endpoint, body: body, contentType: request.headers[.contentType])
        if case .success(let members) = checked, let problem = await simulator.strictProblem(endpoint, members) {
            checked = .failure(VankeProblem(problem))
        }
        switch checked {
        case .failure(let problem):
            let refused = VankeRejectedPush(
                endpoint: endpoint.rawValue, respDesc: problem.respDesc, body: String(decoding: body, as: UTF8.self))
            simulator.state.withLock { state in
                state.rejected.append(refused)
                state.notify(.rejected(refused))
            }
            if fault == .acceptThenDrop { return Self.droppedConnection }
            return Self.answer(refusal: problem.respDesc)
        case .success(let members):
            let refusal = simulator.state.withLock { state -> String? in
                let refusal: String?
                if case .respCode1(let text) = fault {
                    refusal = text
                } else if endpoint == .receivePlateNumber, case .string(let plate)? = members["plateNumber"], !plate.isEmpty {
                    refusal = state.decide(plate: plate)
                } else {
                    refusal = nil
                }
                let push = VankePush(
                    endpoint: endpoint.rawValue, fields: members.compactMapValues { $0 == .null ? nil : $0.text },
                    answeredRespCode: refusal == nil ? "0" : "1", answeredRespDesc: refusal, receivedAt: receivedAt)
                state.pushes[endpoint, default: []].append(push)
                state.notify(.accepted(push))
                return refusal
            }
            if fault == .acceptThenDrop { return Self.droppedConnection }
            return Self.answer(refusal: refusal)
        }
    }

    /// Processed, then the connection goes without an answer: the body writer fails, which makes
    /// Hummingbird close the connection after the head (the client sees a cut-off answer).
    static var droppedConnection: Response {
        Response(status: .ok, headers: [.contentType: "application/json;charset=UTF-8"], body: ResponseBody { _ in
            throw VankeDroppedConnection()
        })
    }

    /// `{"respCode":"0"}`, or `{"respCode":"1","respDesc":…}`.
    static func answer(refusal: String?) -> Response {
        var members: [(String, VankeJSON)] = [("respCode", .string(refusal == nil ? "0" : "1"))]
        if let refusal { members.append(("respDesc", .string(refusal))) }
        return Response(
            status: .ok, headers: [.contentType: "application/json;charset=UTF-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: VankeJSON.object(members).serialized())))
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Thrown by the accept-then-drop answer's body to end the connection.
struct VankeDroppedConnection: Error {}
