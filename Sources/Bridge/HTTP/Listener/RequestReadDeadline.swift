import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request, once its header arrived, does not finish within
/// `timeout`. Hummingbird's idle timeout restarts with every body chunk, so a client trickling
/// one byte a second could hold a connection (and a handler waiting for the body) for ever.
/// One job: the time from `.head` to `.end`; the idle time between requests is Hummingbird's.
final class RequestReadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private let onExpiry: @Sendable () -> Void
    private var pending: Scheduled<Void>?

    init(timeout: Duration, onExpiry: @escaping @Sendable () -> Void) {
        self.timeout = .nanoseconds(Int64(timeout.timeInterval * 1e9))
        self.onExpiry = onExpiry
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            pending?.cancel()
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            let onExpiry = onExpiry
            pending = context.eventLoop.scheduleTask(in: timeout) {
                onExpiry()
                loopBound.value.close(promise: nil)
            }
        case .end:
            pending?.cancel()
            pending = nil
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending?.cancel()
        pending = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        pending?.cancel()
        pending = nil
    }
}
