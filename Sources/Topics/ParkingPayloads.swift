import Foundation

// The parking payloads of the topic contract (DESIGN §2 "Parking"). Optional members are left
// out of the JSON when nil.

/// Plate colours on MQTT and on the Vanke wire alike.
public enum PlateColor: String, Codable, Sendable, CaseIterable {
    case blue, yellow, black, white, green, other
}

/// `…/gates/<device>/recognition` (in, camera).
public struct GateRecognition: Codable, Sendable, Equatable {
    public var uuid: String
    /// Empty when the camera read no plate.
    public var plate: String
    public var color: PlateColor?
    /// RFC 3339; the receipt time when absent.
    public var recognizedAt: String?
    /// Base64 JPEG.
    public var image: String?
    /// Where the camera keeps the picture; passed through as is.
    public var imageUrl: String?
    /// Percent, 0–100.
    public var reliability: Int?

    public init(
        uuid: String, plate: String, color: PlateColor? = nil, recognizedAt: String? = nil, image: String? = nil,
        imageUrl: String? = nil, reliability: Int? = nil
    ) {
        self.uuid = uuid
        self.plate = plate
        self.color = color
        self.recognizedAt = recognizedAt
        self.image = image
        self.imageUrl = imageUrl
        self.reliability = reliability
    }
}

/// `…/gates/<device>/crossing` (in, loop): a vehicle passed the barrier.
public struct GateCrossing: Codable, Sendable, Equatable {
    public var uuid: String
    public var plate: String
    public var color: PlateColor?
    public var crossedAt: String?

    public init(uuid: String, plate: String, color: PlateColor? = nil, crossedAt: String? = nil) {
        self.uuid = uuid
        self.plate = plate
        self.color = color
        self.crossedAt = crossedAt
    }
}

/// `…/gates/<device>/decision` (out): whether the barrier opens for a recognition.
public struct GateDecision: Codable, Sendable, Equatable {
    public enum DecidedBy: String, Codable, Sendable, CaseIterable {
        case platform, autoRelease = "auto-release", alwaysOpen = "always-open", force
        /// Gatehouse itself, without asking the platform: a recognition it could not take (`too-large`).
        case bridge
    }

    public var uuid: String
    public var open: Bool
    public var by: DecidedBy
    public var reason: String?

    public init(uuid: String, open: Bool, by: DecidedBy, reason: String? = nil) {
        self.uuid = uuid
        self.open = open
        self.by = by
        self.reason = reason
    }

    /// What the Codable form encodes to (keys sorted, as every payload), written by hand: one
    /// decision goes out per recognition.
    public var jsonData: Data {
        JSONValue.objectData([
            ("by", .string(by.rawValue)), ("open", .bool(open)), ("reason", reason.map(JSONValue.string)),
            ("uuid", .string(uuid)),
        ])
    }
}

/// `…/gates/<device>/command` (out): raise the barrier.
public struct GateCommand: Codable, Sendable, Equatable {
    public enum Mode: String, Codable, Sendable, CaseIterable {
        case normal, force, alwaysOpen = "always-open", restore
    }

    public var action: String
    public var mode: Mode
    public var plate: String?
    public var requestedAt: String

    public init(mode: Mode, plate: String? = nil, requestedAt: String) {
        action = "open"
        self.mode = mode
        self.plate = plate
        self.requestedAt = requestedAt
    }
}

/// `…/gates/<device>/request/open` (in): an operator, or Home Assistant's "open" button, opens
/// the gate. Force (the default) opens regardless; normal only for the plate the gate recognised last.
public struct GateOpenRequest: Decodable, Sendable, Equatable {
    public enum Mode: String, Decodable, Sendable, CaseIterable {
        case normal, force
    }

    public var mode: Mode?
    public var plate: String?
}

/// `…/gates/<device>/mode` (R, out).
public struct GateMode: Codable, Sendable, Equatable {
    public enum Mode: String, Codable, Sendable, CaseIterable {
        case normal, alwaysOpen = "always-open"
    }

    public var mode: Mode

    public init(_ mode: Mode) { self.mode = mode }
}

/// `…/gates/<device>/loop` (R, in, ground loop): a vehicle stands in the recognition zone.
public struct GateLoop: Codable, Sendable, Equatable {
    public var occupied: Bool
    public var since: String?

    public init(occupied: Bool, since: String? = nil) {
        self.occupied = occupied
        self.since = since
    }
}

/// `…/displays/<device>` (R, out): what a display shows.
public struct DisplayContent: Codable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public enum Alignment: String, Codable, Sendable, CaseIterable {
            case left, center, right
        }

        public var text: String
        public var align: Alignment

        public init(text: String, align: Alignment) {
            self.text = text
            self.align = align
        }
    }

    public var lines: [Line]
    public var at: String

    public init(lines: [Line], at: String) {
        self.lines = lines
        self.at = at
    }
}

/// `…/places/<place>` (R, in, place sensor).
public struct PlaceState: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case vacant, occupied, abnormal
    }

    public var status: Status
    public var plate: String?
    /// Base64 JPEG.
    public var image: String?

    public init(status: Status, plate: String? = nil, image: String? = nil) {
        self.status = status
        self.plate = plate
        self.image = image
    }
}

/// `…/devices/<device>/alarm` (in).
public struct DeviceAlarm: Codable, Sendable, Equatable {
    public var code: String
    public var message: String?

    public init(code: String, message: String? = nil) {
        self.code = code
        self.message = message
    }
}
