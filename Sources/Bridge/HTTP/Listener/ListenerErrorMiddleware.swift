import Hummingbird
import Logging

/// Answers what the router itself refuses (unknown path, wrong method, a body over the limit) in
/// the listener's vendor form — a facade client expects `ECode`/`EMessage`, a Vanke platform
/// `respCode` — instead of Hummingbird's bare status. A declared Content-Length over the limit is
/// refused before anything reads the body (or checks a key against it).
public struct ListenerErrorMiddleware<Context: Hummingbird.RequestContext>: RouterMiddleware {
    public typealias Answer = @Sendable (_ status: HTTPResponse.Status, _ message: String) -> Response
    let maxBodyBytes: Int
    let answer: Answer

    public init(maxBodyBytes: Int, answer: @escaping Answer) {
        self.maxBodyBytes = maxBodyBytes
        self.answer = answer
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBodyBytes {
            return answer(.contentTooLarge, "body of \(declared) bytes is over the \(maxBodyBytes)-byte limit")
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            return answer(error.status, Self.message(error.status, request))
        }
    }

    static func message(_ status: HTTPResponse.Status, _ request: Request) -> String {
        switch status {
        case .notFound: "unknown path \(request.uri.path)"
        case .methodNotAllowed: "method \(request.method) not allowed on \(request.uri.path)"
        case .contentTooLarge: "body over the size limit"
        default: status.reasonPhrase
        }
    }
}
