import Foundation
import Topics

/// Vendor status codes and ECodes → contract error codes (DESIGN §3 "ozlocks").
enum OZLocksErrors {
    static func map(status: Int, body: Data, operation: OZLocksOperation) -> GatehouseError {
        switch status {
        case 401:
            return GatehouseError(.unauthorized, "the OZLocks server refused Gatehouse's API key")
        case 400:
            return GatehouseError(.upstreamUnavailable, "the OZLocks server reports it is not available (HTTP 400)")
        case 500:
            guard let failure = try? JSONDecoder().decode(OZLocksWire.Failure.self, from: body) else {
                return GatehouseError(.upstreamUnavailable, "the OZLocks server failed \(operation.rawValue) (HTTP 500)")
            }
            return map(code: failure.ECode.value, message: failure.EMessage ?? "")
        default:
            return GatehouseError(.upstreamUnavailable, "the OZLocks server answered HTTP \(status) to \(operation.rawValue)")
        }
    }

    static func map(code: String, message: String) -> GatehouseError {
        let vendor = VendorError(code: code, message: message)
        switch code {
        case "1": return GatehouseError(.roomNotFound, "the room does not exist in OZLocks", vendor: vendor)
        case "2": return GatehouseError(.cardAbsent, "no card on the encoder", vendor: vendor)
        case "10": return GatehouseError(.lockOffline, "the lock is offline", vendor: vendor)
        // The spec's 500 is "Ошибка данных запроса", a request data error: an ECode it does not
        // list still says the server is up and refused this request, not that it is unreachable
        // (which would mark the adapter disconnected and tell a PMS to retry the same data).
        default: return GatehouseError(.invalidRequest, "OZLocks refused the request (ECode \(code)): \(message)", vendor: vendor)
        }
    }
}
