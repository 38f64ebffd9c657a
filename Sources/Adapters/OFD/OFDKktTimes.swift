import Foundation

/// A listed register's times as instants. The spec marks UTC in the field names: `CreateDate`,
/// `FnEndDate` and `LastDocOnKktDateTime` have no `Utc`, its footnotes call them local, and its
/// example shows `LastDocOnKktDateTime` (16:34) three hours ahead of `LastDocOnOfdDateTimeUtc`
/// (13:37) for the same document. Read as UTC they were three hours late in Moscow; they are read
/// in the operator's zone (`operatorTimeZone`), the `…Utc` fields in UTC.
struct OFDKktTimes {
    var createdAt: Date?
    var fnEndsAt: Date?
    var lastDocAt: Date?
    var lastDocReceivedAt: Date?
    var lastPaidAt: Date?
    var contractStartsAt: Date?
    var contractEndsAt: Date?

    init(_ kkt: OFDWire.Kkt, operatorZone: TimeZone) {
        createdAt = OFDTime.parse(kkt.CreateDate, in: operatorZone)
        fnEndsAt = OFDTime.parse(kkt.FnEndDate, in: operatorZone)
        lastDocAt = OFDTime.parse(kkt.LastDocOnKktDateTime, in: operatorZone)
        lastDocReceivedAt = OFDTime.parse(kkt.LastDocOnOfdDateTimeUtc)
        lastPaidAt = OFDTime.parse(kkt.LastBuyDateUtc)
        contractStartsAt = OFDTime.parse(kkt.ContractStartDateUtc)
        contractEndsAt = OFDTime.parse(kkt.ContractEndDateUtc)
    }
}
