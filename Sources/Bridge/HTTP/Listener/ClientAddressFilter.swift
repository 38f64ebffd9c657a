import NIOCore
import NIOHTTPTypes

/// Closes a connection from an address outside `allowFrom` before anything is read from it.
final class ClientAddressFilter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let allowed: [AddressRange]
    private let onRefusal: @Sendable (String) -> Void

    init(allowed: [AddressRange], onRefusal: @escaping @Sendable (String) -> Void) {
        self.allowed = allowed
        self.onRefusal = onRefusal
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { check(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if check(context) { context.fireChannelActive() }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // A refused connection is closing; nothing it sent goes further.
        guard context.channel.isActive else { return }
        context.fireChannelRead(data)
    }

    @discardableResult
    private func check(_ context: ChannelHandlerContext) -> Bool {
        let address = context.channel.remoteAddress?.ipAddress ?? ""
        guard !allowed.contains(where: { $0.contains(address) }) else { return true }
        onRefusal(address.isEmpty ? "an unknown address" : address)
        context.close(promise: nil)
        return false
    }
}
