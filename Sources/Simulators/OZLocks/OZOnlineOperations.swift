import Foundation

/// The operations only online (WR) locks have; series H answers ECode 3.
extension OZLocksState {
    mutating func issueLockCode(_ fields: OZRequestFields) throws(OZFault) -> OZJSON {
        let room = try fields.requiredString("Room")
        let checkIn = try fields.requiredDate("CheckIn")
        let checkOut = try fields.requiredDate("CheckOut")
        let guestName = try fields.requiredString("GuestName")
        let guestID = try fields.int("GuestID")
        let newIssue = try fields.requiredBool("NewIssue")
        let code = try fields.requiredString("LockCode")
        let workstation = try fields.requiredString("WorkstationID")
        _ = try fields.string("CardIssuer")
        try Self.checkStay(checkIn: checkIn, checkOut: checkOut, guestID: guestID)
        let lock = try onlineLock(room, for: "IssueLockCode")
        try Self.checkCode(code)
        guard lock.online else { throw .lockOffline }

        let id = admit(room: room, guestID: guestID, name: guestName, checkIn: checkIn, checkOut: checkOut, newIssue: newIssue)
        locks[room]?.codes[id] = code
        var answer: [(String, OZJSON)] = [("Room", .string(room)), ("CheckOut", .string(dates.string(from: checkOut)))]
        if guestID == nil { answer.append(("GuestID", .int(id))) }
        answer.append(("WorkstationID", .string(workstation)))
        return .object(answer)
    }

    mutating func changeLockCode(_ fields: OZRequestFields) throws(OZFault) -> OZJSON {
        let room = try fields.requiredString("Room")
        let guestID = try fields.requiredInt("GuestID")
        let code = try fields.requiredString("LockCode")
        let workstation = try fields.requiredString("WorkstationID")
        _ = try fields.string("CardIssuer")
        let lock = try onlineLock(room, for: "ChangeLockCode")
        try Self.checkCode(code)
        guard lock.guests.contains(guestID), let guest = guestsByID[guestID] else { throw .unknownGuest(guestID, room: room) }
        guard lock.online else { throw .lockOffline }

        locks[room]?.codes[guestID] = code
        return .object([
            ("Room", .string(room)), ("CheckOut", .string(dates.string(from: guest.checkOut))),
            ("WorkstationID", .string(workstation)),
        ])
    }

    /// Opened is not in the spec's table but is in its example, so it is sent.
    func readState(_ fields: OZRequestFields) throws(OZFault) -> OZJSON {
        let room = try fields.requiredString("Room")
        let workstation = try fields.requiredString("WorkstationID")
        let lock = try onlineLock(room, for: "ReadState")
        guard lock.online else { throw .lockOffline }
        return .object([
            ("Room", .string(room)), ("Opened", .bool(lock.opened)), ("LowCharge", .bool(lock.lowBattery)),
            ("WorkstationID", .string(workstation)),
        ])
    }

    /// OpenLock (`open` true) and CloseLock (false) share their parameters and answer.
    mutating func setOpened(_ open: Bool, _ fields: OZRequestFields) throws(OZFault) -> OZJSON {
        let room = try fields.requiredString("Room")
        let workstation = try fields.requiredString("WorkstationID")
        let lock = try onlineLock(room, for: open ? "OpenLock" : "CloseLock")
        guard lock.online else { throw .lockOffline }
        locks[room]?.opened = open
        return .object([("Room", .string(room)), ("WorkstationID", .string(workstation))])
    }

    /// A lock code is 6 to 8 decimal digits.
    static func checkCode(_ code: String) throws(OZFault) {
        let digits = code.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        guard digits, (6...8).contains(code.utf8.count) else { throw .badLockCode }
    }
}
