import Foundation

/// `…/encoders/<encoder>/event`: the outcome of an operation its requester never heard.
/// `late-answer`: it ended after the requester had been answered `timeout` (in doubt); the card
/// the lock server cut after FIAS gave up is here, with its UID. `unsent-answer`: it ended, but
/// the FIAS link to the PMS was down when its answer (KA/KZ) was due. Either way a front desk or
/// an audit can find the card.
public struct EncoderLateAnswer: Codable, Sendable, Equatable {
    /// `late-answer` or `unsent-answer`.
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
        type: String = "late-answer", operation: String, room: String?, cardUid: String?, workstation: String?, result: String,
        transaction: String?, at: String
    ) {
        self.type = type
        self.operation = operation
        self.room = room
        self.cardUid = cardUid
        self.workstation = workstation
        self.result = result
        self.transaction = transaction
        self.at = at
    }
}
