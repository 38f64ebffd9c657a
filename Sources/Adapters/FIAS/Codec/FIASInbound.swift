/// What the frame decoder passes up the pipeline: a record, or a report of bytes it had to drop.
public enum FIASInbound: Sendable, Equatable {
    /// A well-formed record.
    case record(FIASRecord)
    /// Bytes outside STX…ETX, reported once per run (when the next STX or the end of the stream arrives).
    case skipped(bytes: Int)
    /// A record longer than the limit (`length` bytes between STX and ETX/STX/end), dropped; the link stays up.
    case oversized(length: Int)
    /// A frame that is not a valid record, or was cut short by a new STX or the end of the stream.
    case malformed(reason: String)
    /// A record whose type reads but whose fields do not all: the fields that could be read, and
    /// why the rest could not. A key record like this is still answered (negatively), never met
    /// with silence.
    case invalid(FIASRecord, problem: String)
}
