import Foundation
import NIOCore
import NIOPosix

/// A minimal HTTP/1.1 client for the platform's calls to the supplier, over NIO's TCP alone (the
/// Simulators target has no HTTP client, and must not gain one): one POST per connection
/// (`Connection: close`), at most `timeout` from connecting to the end of the answer. http only.
enum VankeHTTPClient {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func post(_ baseURL: String, _ endpoint: String, body: Data, timeout: Duration = .seconds(10)) async throws
        -> VankeSupplierAnswer {
        guard let url = URLComponents(string: baseURL), url.scheme?.lowercased() == "http",
              let host = url.host, !host.isEmpty else {
            throw Failure(description: "the supplier URL must be http://host[:port][/path], got \(baseURL)")
        }
        let port = url.port ?? 80
        let path = (url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path) + "/" + endpoint
        let hostHeader = (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
        var request = Data("""
            POST \(path) HTTP/1.1\r
            Host: \(hostHeader)\r
            Content-Type: application/json; charset=utf-8\r
            Accept: application/json\r
            Content-Length: \(body.count)\r
            Connection: close\r
            \r

            """.utf8)
        request += body
        return try await exchange(request, host: host, port: port, timeout: timeout, naming: "\(baseURL)/\(endpoint)")
    }

    /// GET of a URL, as a browser opens a picture the supplier pushed (`Connection: close`).
    static func get(_ address: String, timeout: Duration = .seconds(5)) async throws -> VankeSupplierAnswer {
        guard let url = URLComponents(string: address), url.scheme?.lowercased() == "http",
              let host = url.host, !host.isEmpty else {
            throw Failure(description: "only http:// URLs can be opened here, got \(address)")
        }
        let port = url.port ?? 80
        let target = (url.percentEncodedPath.isEmpty ? "/" : url.percentEncodedPath) + (url.percentEncodedQuery.map { "?\($0)" } ?? "")
        let hostHeader = (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
        let request = Data("GET \(target) HTTP/1.1\r\nHost: \(hostHeader)\r\nAccept: image/jpeg\r\nConnection: close\r\n\r\n".utf8)
        return try await exchange(request, host: host, port: port, timeout: timeout, naming: address)
    }

    /// Sends one request on a new connection and reads its answer, within `timeout` in all.
    private static func exchange(_ request: Data, host: String, port: Int, timeout: Duration, naming: String) async throws
        -> VankeSupplierAnswer {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let promise = loop.makePromise(of: VankeSupplierAnswer.self)
        let limit = TimeAmount.nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
            + timeout.components.attoseconds / 1_000_000_000)
        // Promise, handler and timer share one event loop; a second completion of the promise is a no-op.
        let timer = loop.scheduleTask(in: limit) {
            promise.fail(Failure(description: "no answer from \(naming) within \(timeout)"))
        }
        defer { timer.cancel() }
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(limit)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(VankeAnswerCollector(promise: promise))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            promise.fail(error)
            throw error
        }
        // The timer closes the connection too: a hanging server must not keep it.
        promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
        channel.writeAndFlush(ByteBuffer(bytes: request)).whenFailure { promise.fail($0) }
        return try await promise.futureResult.get()
    }
}

/// Collects the answer's bytes and completes the promise as soon as the answer is whole.
private final class VankeAnswerCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let promise: EventLoopPromise<VankeSupplierAnswer>
    private var received: [UInt8] = []

    init(promise: EventLoopPromise<VankeSupplierAnswer>) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = Self.unwrapInboundIn(data)
        received += buffer.readBytes(length: buffer.readableBytes) ?? []
        settle(closed: false)
    }

    func channelInactive(context: ChannelHandlerContext) {
        settle(closed: true)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }

    private func settle(closed: Bool) {
        do {
            if let answer = try VankeHTTPResponseParser.parse(received, closed: closed) { promise.succeed(answer) }
        } catch {
            promise.fail(error)
        }
    }
}
