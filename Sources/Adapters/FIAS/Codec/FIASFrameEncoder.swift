import NIOCore

/// Writes each outbound ``FIASRecord`` as `STX record ETX` in the link's code page.
public struct FIASFrameEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = FIASRecord

    /// The code page values are written in.
    public let codePage: FIASCodePage

    /// An encoder writing text in `codePage`.
    public init(codePage: FIASCodePage) {
        self.codePage = codePage
    }

    public func encode(data: FIASRecord, out: inout ByteBuffer) {
        out.writeInteger(FIASSyntax.stx)
        out.writeBytes(FIASRecordParser.serialize(data, codePage: codePage))
        out.writeInteger(FIASSyntax.etx)
    }
}
