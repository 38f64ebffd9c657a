import Foundation
import Hummingbird
import NIOCore

/// Requires the configured API key on every path but the open ones, compared in constant time.
///
/// The key may come as `X-API-Key`, `Authorization: Bearer <key>`, or HTTP Basic auth whose
/// password is the key (any user name). Basic exists for the operator console: a browser cannot
/// add a header to a page load, but it prompts for Basic credentials after a 401 carrying
/// `WWW-Authenticate: Basic`, and then sends them with every request of the page (EventSource
/// and fetch included).
///
/// The challenge goes only to browsers (a console path, or a request accepting HTML): Linux
/// Foundation's URLSession, given a Basic challenge it has no credentials for and no delegate,
/// waits for ever instead of returning the 401 (swift-corelibs-foundation#5456), and API clients
/// written with it must keep getting a plain 401.
struct APIKeyMiddleware<Context: Hummingbird.RequestContext>: RouterMiddleware {
    let apiKey: String?
    let open: Set<String>
    var openPrefixes: [String] = []

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        guard let apiKey, !open.contains(path), !openPrefixes.contains(where: { path.hasPrefix($0) }) else {
            return try await next(request, context)
        }
        guard ConstantTime.equals(Self.presentedKey(request.headers), apiKey) else {
            var headers: HTTPFields = [.contentType: "application/json"]
            if Self.challenges(path: path, accept: request.headers[.accept]) {
                headers[.wwwAuthenticate] = #"Basic realm="gatehouse", charset="UTF-8""#
            }
            return Response(
                status: .unauthorized, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"error":"missing or wrong API key"}"#)))
        }
        return try await next(request, context)
    }

    /// Whether a refusal asks for Basic credentials: on the console's paths, and to a browser
    /// navigating anywhere (it accepts HTML, API clients do not ask for it).
    static func challenges(path: String, accept: String?) -> Bool {
        path == "/" || path.hasPrefix("/console/") || accept?.contains("text/html") == true
    }

    /// The key the request presents, or "" (which never equals a configured key: keys are non-empty).
    static func presentedKey(_ headers: HTTPFields) -> String {
        if let key = headers.first(where: { $0.name.canonicalName == "x-api-key" })?.value { return key }
        guard let authorization = headers[.authorization] else { return "" }
        // Auth schemes are case-insensitive (RFC 9110 §11.1).
        let scheme = authorization.prefix { $0 != " " }.lowercased()
        let credentials = authorization.drop { $0 != " " }.drop { $0 == " " }
        switch scheme {
        case "bearer":
            return String(credentials)
        case "basic":
            guard let decoded = Data(base64Encoded: String(credentials)),
                let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
            else { return "" }
            // user-id ":" password; the user name is free, the password is the key.
            return String(text[text.index(after: colon)...])
        default:
            return ""
        }
    }
}
