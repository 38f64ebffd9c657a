import Foundation

extension OFDState {
    /// inn/{inn}/kkts: the INN's registers; an unknown INN has none.
    func kkts(inn: String) -> OFDJSON {
        let items = (registers[inn] ?? []).map { register -> OFDJSON in
            var members: [(String, OFDJSON)] = [
                ("Id", .string(register.id)),
                ("KktRegId", .string(register.rnm)),
                ("SerialNumber", .string(register.serial)),
                ("FnNumber", .string(register.fnNumber)),
            ]
            members += OFDJSON.members([
                ("CreateDate", register.createdAt),
                ("LastDocOnKktDateTime", register.lastDocAt),
                ("LastDocOnOfdDateTimeUtc", register.lastDocReceivedAt),
            ])
            members += [
                ("FiscalAddress", .string(register.address)),
                ("FiscalPlace", .string(register.place)),
                ("KktModel", .string(register.model)),
            ]
            members += OFDJSON.members([("FnEndDate", register.fnEndsAt)])
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
