import Foundation

/// The link-control records Gatehouse sends.
enum FIASLinkRecords {
    static func stamped(_ type: String, time: FIASTime, now: Date) -> FIASRecord {
        FIASRecord(type, [("DA", time.date(now)), ("TI", time.time(now))])
    }

    /// LD, one LR per record type used (both directions), LA.
    static func linkStart(settings: FIASSettings, time: FIASTime, now: Date) -> [FIASRecord] {
        var records = [
            FIASRecord(
                "LD",
                [("DA", time.date(now)), ("TI", time.time(now)), ("V#", settings.version), ("IF", settings.interfaceType)])
        ]
        var descriptions = [
            ("KR", "KCWSKTRNGNDATIGAGDDTKOK#G#"),
            ("KD", "KCRNWSDATI"),
            ("KA", "ASCTKCWS$2DATI"),
            ("KZ", "ASCTKCRNWSDATIGNGDDT"),
        ]
        if settings.keyModify { descriptions.append(("KM", "KCWSRNRODATIGAGDDTGN")) }
        records += descriptions.map { FIASRecord("LR", [("RI", $0.0), ("FL", $0.1)]) }
        records.append(stamped("LA", time: time, now: now))
        return records
    }
}
