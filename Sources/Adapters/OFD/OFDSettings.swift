import Bridge
import Foundation

/// The `adapters.ofd` section.
public struct OFDSettings: Sendable {
    public var url = "http://127.0.0.1:8095"
    public var login = Secret("")
    public var password = Secret("")
    public var inns: [String] = []
    public var syncInterval: Duration = .seconds(3600)
    public var timeout: Duration = .seconds(15)
    /// Renew the token this long before `ExpirationDateUtc`.
    public var renewAhead: Duration = .seconds(300)
    /// Read calls (pay-status, kkts) are retried on 429, 5xx and network errors; pay never is.
    public var readRetries = 3
    public var retryDelay: Duration = .milliseconds(500)
    public var fnWarning: Duration = .seconds(30 * 86_400)
    public var contractWarning: Duration = .seconds(30 * 86_400)
    public var noDocumentsAfter: Duration = .seconds(86_400)
    /// How often a just-applied activation code's pay status is checked, and for how long.
    public var followInterval: Duration = .seconds(300)
    public var followFor: Duration = .seconds(3 * 86_400)
    /// The zone of the register times without `Utc` in their name (`CreateDate`, `FnEndDate`,
    /// `LastDocOnKktDateTime`): the spec's example writes them in Moscow time.
    public var operatorTimeZone = TimeZone(identifier: "Europe/Moscow") ?? TimeZone(secondsFromGMT: 3 * 3600) ?? .gmt

    public init() {}

    public init(section: ConfigSection) {
        _ = section.bool("enabled", default: true)
        url = section.string("url", default: url)
        if URL(string: url)?.host == nil { section.report("expected an http:// or https:// URL", key: "url") }
        login = section.requiredSecret("login")
        if let file = section.optionalString("passwordFile") {
            do {
                password = Secret(try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
            } catch {
                section.report("cannot read the password file", key: "passwordFile")
            }
        } else {
            password = section.requiredSecret("password")
        }
        inns = section.stringList("inns")
        for inn in inns where !OFDValidation.isValidINN(inn) {
            section.report("'\(inn)' is not a valid INN (10 or 12 digits with check digits)", key: "inns")
        }
        syncInterval = section.duration("syncInterval", default: syncInterval)
        timeout = section.duration("timeout", default: timeout)
        renewAhead = section.duration("renewAhead", default: renewAhead)
        readRetries = section.int("readRetries", default: readRetries, range: 0...10)
        fnWarning = section.duration("fnWarning", default: fnWarning)
        contractWarning = section.duration("contractWarning", default: contractWarning)
        noDocumentsAfter = section.duration("noDocumentsAfter", default: noDocumentsAfter)
        followInterval = section.duration("followInterval", default: followInterval)
        followFor = section.duration("followFor", default: followFor)
        operatorTimeZone = section.timeZone("operatorTimeZone", default: operatorTimeZone)
    }
}
