import Bridge
import Foundation

/// The `adapters.fias` section: the link to one PMS interface port.
public struct FIASSettings: Sendable {
    public var host = "127.0.0.1"
    public var port = 5010
    public var codePage: FIASCodePage = .cp1251
    /// The PMS's own wait for a KA; Gatehouse answers before it, negatively if it must.
    public var answerTimeout: Duration = .seconds(30)
    /// LS keep-alive interval; the notes allow at most 5 minutes.
    public var keepAlive: Duration = .seconds(60)
    /// How long to wait for the PMS's LA after our link start (at least 30 s per the notes).
    public var linkTimeout: Duration = .seconds(60)
    /// How long to let the PMS speak first before starting the link ourselves. 0 (the default)
    /// starts it at once, as the spec has the lock side send its initial data after connecting.
    public var greetingWait: Duration = .zero
    /// The PMS's encoder ids (KC, e.g. `1`) → the lock system's (`001`); unlisted ids pass as they are.
    public var encoders: [String: String] = [:]
    /// The PMS's workstation ids (WS, e.g. `3`) → the lock system's (`ADMIN01`); unlisted pass as they are.
    public var workstations: [String: String] = [:]

    /// The lock system's encoder for a KC.
    func encoder(forKC kc: String) -> String { encoders[kc] ?? kc }
    /// The lock system's workstation for a WS.
    func workstation(forWS ws: String) -> String { workstations[ws] ?? ws }
    public var reconnectMinDelay: Duration = .seconds(1)
    public var reconnectMaxDelay: Duration = .seconds(30)
    /// `V#` and `IF` of our LD record.
    public var version = "1.0"
    public var interfaceType = "DL"
    /// Announce and accept KM (key modify).
    public var keyModify = false
    /// A KR/KD without DA/TI that repeats an earlier one within this window is the same request.
    public var duplicateWindow: Duration = .seconds(60)
    /// Departure time when a KR has GD but no DT.
    public var defaultCheckOutTime = "12:00"

    public init() {}

    /// How long a key request waits for its MQTT answer: the rest of `answerTimeout` is kept for
    /// sending the KA before the PMS gives up on us.
    public var requestWait: Duration { max(.seconds(1), answerTimeout - .milliseconds(1500)) }

    public init(section: ConfigSection) {
        _ = section.bool("enabled", default: true)
        host = section.string("host", default: host)
        port = section.int("port", default: port, range: 1...65535)
        let pageName = section.string("codePage", default: codePage.name)
        if let page = FIASCodePage.named(pageName) {
            codePage = page
        } else {
            section.report("unknown code page '\(pageName)' (known: cp1251, cp866, latin1, ascii)", key: "codePage")
        }
        answerTimeout = section.duration("answerTimeout", default: answerTimeout)
        keepAlive = section.duration("keepAlive", default: keepAlive)
        if keepAlive > .seconds(300) { section.report("must be at most 5m (FIAS keep-alive)", key: "keepAlive") }
        linkTimeout = section.duration("linkTimeout", default: linkTimeout)
        if linkTimeout < .seconds(30) {
            section.report("shorter than 30s: a PMS may legitimately take that long to answer LA", key: "linkTimeout", severity: .warning)
        }
        greetingWait = section.duration("greetingWait", default: greetingWait, range: .zero...(.seconds(60)))
        let reconnect = section.section("reconnect")
        reconnectMinDelay = reconnect.duration("minDelay", default: reconnectMinDelay)
        reconnectMaxDelay = reconnect.duration("maxDelay", default: reconnectMaxDelay)
        version = section.string("version", default: version)
        interfaceType = section.string("interfaceType", default: interfaceType)
        keyModify = section.bool("keyModify", default: keyModify)
        duplicateWindow = section.duration("duplicateWindow", default: duplicateWindow, range: .zero...(.seconds(86_400)))
        defaultCheckOutTime = section.string("defaultCheckOutTime", default: defaultCheckOutTime)
        encoders = Self.table(section, "encoders", from: "kc", to: "encoder")
        workstations = Self.table(section, "workstations", from: "ws", to: "workstation")
    }

    /// `key: [ { from: "1", to: "001" }, … ]` as a dictionary; a repeated or empty id is an error.
    private static func table(_ section: ConfigSection, _ key: String, from: String, to: String) -> [String: String] {
        var table: [String: String] = [:]
        for entry in section.sectionList(key) {
            let pms = entry.requiredString(from)
            let ours = entry.requiredString(to)
            guard !pms.isEmpty, !ours.isEmpty else { continue }
            if table[pms] != nil { entry.report("\(from) '\(pms)' is listed twice", key: from) }
            table[pms] = ours
        }
        return table
    }
}
