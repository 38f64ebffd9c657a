import NIOCore

/// One lock-system connection: cuts the bytes into records and hands them to the simulator.
final class PMSConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let simulator: PMSSimulator
    private var reader = FIASFrameReader(limit: PMSSimulator.recordLimit)
    private var connection = 0

    init(simulator: PMSSimulator) { self.simulator = simulator }

    func channelActive(context: ChannelHandlerContext) {
        connection = simulator.accepted(context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        // Oversized records are dropped, as a PMS would; the lock side must not send them.
        for case .record(let record) in reader.feed(bytes) {
            simulator.received(record, from: connection)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        simulator.closed(connection: connection)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
