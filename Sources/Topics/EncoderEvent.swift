import Foundation

/// `…/encoders/<encoder>/event`: the outcome of an operation that ended after its requester had
/// been answered `timeout` (in doubt). The card the lock server cut after FIAS gave up is here,
/// with its UID, so a front desk or an audit can find it.
public struct EncoderLateAnswer: Codable, Sendable, Equatable {
    /// Always `late-answer`.
    public var type = "late-answer"
    public var operation: String
    public var room: String?
    /// The card cut, when the operation succeeded and cut one.
    public var cardUid: String?
    public var workstation: String?
    /// `ok`, or the contract error code the vendor's late answer maps to.
    public var result: String
    /// The request's `transaction`, when it had one.
    public var transaction: String?
    public var at: String

    public init(
        operation: String, room: String?, cardUid: String?, workstation: String?, result: String, transaction: String?,
        at: String
    ) {
        self.operation = operation
        self.room = room
        self.cardUid = cardUid
        self.workstation = workstation
        self.result = result
        self.transaction = transaction
        self.at = at
    }
}
