import Foundation

extension OFDState {
    /// inn/{inn}/kkts: the INN's registers; an unknown INN has none. The times without `Utc` in their
    /// name are Moscow time, the `…Utc` ones UTC, as in the spec's example.
    func kkts(inn: String) -> OFDJSON {
        let items = (registers[inn] ?? []).map { register -> OFDJSON in
            var members: [(String, OFDJSON)] = [("Id", .string(register.id))]
            if !register.listedWithoutRegId { members.append(("KktRegId", .string(register.rnm))) }
            members += [
                ("SerialNumber", .string(register.serial)),
                ("FnNumber", .string(register.fnNumber)),
            ]
            members += OFDJSON.members([("CreateDate", register.createdAt), ("LastDocOnKktDateTime", register.lastDocAt)], local: true)
            members += OFDJSON.members([("LastDocOnOfdDateTimeUtc", register.lastDocReceivedAt)])
            members += [
                ("FiscalAddress", .string(register.address)),
                ("FiscalPlace", .string(register.place)),
                ("KktModel", .string(register.model)),
            ]
            members += OFDJSON.members([("FnEndDate", register.fnEndsAt)], local: true)
            if let tariff = register.tariff { members.append(("Tariff", .string(tariff))) }
            members += OFDJSON.members([
                ("LastBuyDateUtc", register.lastPaidAt),
                ("ContractStartDateUtc", register.contractStartsAt),
                ("ContractEndDateUtc", register.contractEndsAt),
            ])
            return .object(members)
        }
        return .object([("Data", .array(items)), ("Success", .bool(true))])
    }
}
