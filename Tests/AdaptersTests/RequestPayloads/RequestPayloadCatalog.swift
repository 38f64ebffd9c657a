@testable import OZLocks
@testable import OFD
@testable import Vanke
import Topics

/// Every payload the bridge decodes from MQTT (RequestContext.decode, RequestDecoder in VankeIntake),
/// found with `grep -rn "decode(" Sources/Adapters Sources/Bridge`. Left out: the two one-field types local
/// to a function (OZLocks `set`'s StateCommand, the encoder key's EncoderField, read with `try?`).
enum RequestPayloadCatalog {
    static let all: [RequestPayload] = bridge + ozlocks + ofd + parking

    /// Read from every request before its operation's own fields.
    static let bridge: [RequestPayload] = [
        .of(RequestMeta.self, [.optional("transaction", .nonEmptyString), .optional("expiresAt", .time)])
    ]

    static let ozlocks: [RequestPayload] = [
        .of(IssueCardRequest.self, [
            .required("room", .string), .required("checkIn", .time), .required("checkOut", .time),
            .required("guestName", .string), .optional("guestId", .lenientInt), .required("newIssue", .bool),
            .required("workstation", .string), .optional("issuer", .string), .optional("zones", .strings),
        ]),
        .of(WorkstationRequest.self, [.required("workstation", .string), .optional("issuer", .string)]),
        .of(CheckOutRequest.self, [
            .optional("encoder", .string), .required("workstation", .string), .optional("issuer", .string),
        ]),
        .of(IssueCodeRequest.self, [
            .required("checkIn", .time), .required("checkOut", .time), .required("guestName", .string),
            .optional("guestId", .lenientInt), .required("newIssue", .bool), .required("code", .string),
            .required("workstation", .string), .optional("issuer", .string),
        ]),
        .of(ChangeCodeRequest.self, [
            .required("guestId", .lenientInt), .required("code", .string), .required("workstation", .string),
            .optional("issuer", .string),
        ]),
        .of(ReadLogRequest.self, [.optional("showUnauthorized", .bool), .optional("workstation", .string)]),
        .of(OptionalWorkstationRequest.self, [.optional("workstation", .string)]),
    ]

    static let ofd: [RequestPayload] = [
        .of(ApplyCodeRequest.self, [
            .required("inn", .string), .optional("kpp", .string), .required("rnm", .string),
            .required("activationCode", .string), .required("email", .string),
        ]),
        .of(PayStatusRequest.self, [.required("from", .time), .required("to", .time)]),
        .of(ListKktsRequest.self, [.optional("inn", .string)]),
    ]

    /// Gate requests and the field devices' events (VankeIntake).
    static let parking: [RequestPayload] = [
        .of(GateOpenRequest.self, [
            .optional("mode", .choice(GateOpenRequest.Mode.allCases.map(\.rawValue))), .optional("plate", .string),
        ]),
        .of(GateLoop.self, [.required("occupied", .bool), .optional("since", .string)]),
        .of(PlaceState.self, [
            .required("status", .choice(PlaceState.Status.allCases.map(\.rawValue))), .optional("plate", .string),
            .optional("image", .string),
        ]),
        .of(BridgeState.self, [.required("state", .choice(BridgeState.State.allCases.map(\.rawValue)))]),
        .of(GateRecognition.self, [
            .required("uuid", .string), .required("plate", .string),
            .optional("color", .choice(PlateColor.allCases.map(\.rawValue))), .optional("recognizedAt", .string),
            .optional("image", .string), .optional("imageUrl", .string), .optional("reliability", .int),
        ]),
        .of(GateCrossing.self, [
            .required("uuid", .string), .required("plate", .string),
            .optional("color", .choice(PlateColor.allCases.map(\.rawValue))), .optional("crossedAt", .string),
        ]),
        .of(DeviceAlarm.self, [.required("code", .string), .optional("message", .string)]),
    ]
}
