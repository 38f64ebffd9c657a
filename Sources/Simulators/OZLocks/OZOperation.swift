import Foundation
import Hummingbird

/// The nine Web-API operations with the HTTP method the spec gives each.
enum OZOperation: String, CaseIterable {
    case issueCard = "IssueCard"
    case checkOut = "CheckOut"
    case readCard = "ReadCard"
    case readLogLock = "ReadLogLock"
    case issueLockCode = "IssueLockCode"
    case changeLockCode = "ChangeLockCode"
    case readState = "ReadState"
    case openLock = "OpenLock"
    case closeLock = "CloseLock"

    /// Reads are GET with a JSON body, exactly as the spec shows them.
    var method: HTTPRequest.Method {
        switch self {
        case .readCard, .readLogLock, .readState: .get
        default: .post
        }
    }
}

extension OZLocksState {
    /// Runs one operation against the state; a thrown fault leaves the state as it was.
    mutating func perform(_ operation: OZOperation, _ fields: OZRequestFields, now: Date) throws(OZFault) -> OZJSON {
        switch operation {
        case .issueCard: try issueCard(fields)
        case .checkOut: try checkOut(fields, now: now)
        case .readCard: try readCard(fields)
        case .readLogLock: try readLogLock(fields)
        case .issueLockCode: try issueLockCode(fields)
        case .changeLockCode: try changeLockCode(fields)
        case .readState: try readState(fields)
        case .openLock: try setOpened(true, fields)
        case .closeLock: try setOpened(false, fields)
        }
    }
}
