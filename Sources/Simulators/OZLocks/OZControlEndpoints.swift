import Foundation
import Hummingbird

/// `/_sim/…`: lets people and other processes steer the simulator. No API key, hence loopback only.
///
/// - `POST /_sim/state` `{"room":"101","lowBattery":true,"online":false,"opened":true}` (any subset)
/// - `GET  /_sim/state` → rooms (series, online, opened, lowBattery, guests) and what lies on each encoder
/// - `POST /_sim/card` `{"encoder":"001","present":true}` or `{"encoder":"001","dataCard":"102"}`
/// - `POST /_sim/behaviour` `{"mode":"normal"|"slow"|"badRequest"|"error"|"doThenDrop","delayMs":2000,"code":"9","message":"…","times":3}`
///   (`times`: only the next N requests, then normal again; `doThenDrop`: does it, then drops the connection)
/// - `POST /_sim/log` `{"room","type","typeName","holderID","holderName"}` (recorded now)
/// - `GET  /_sim/calls` → `{"IssueCard":3,…}`
/// - `GET  /_sim/cards` → the guest cards issued so far
///
/// Answers `{"ok":true}`, or 400/404 `{"error":"…"}`.
struct OZControlEndpoints {
    let simulator: OZLocksSimulator

    private struct Refusal: Error {
        let status: HTTPResponse.Status
        let message: String
    }

    func respond(to request: Request, path: String) async throws -> Response {
        do {
            switch (request.method, path) {
            case (.get, "/_sim/calls"): return OZResponder.json(.ok, calls())
            case (.get, "/_sim/cards"): return OZResponder.json(.ok, cards())
            case (.get, "/_sim/state"): return OZResponder.json(.ok, snapshot())
            case (.post, _):
                let body = try OZJSON.parse(Data(try await request.body.collect(upTo: 1 << 20).readableBytesView))
                switch path {
                case "/_sim/state": try setState(body)
                case "/_sim/card": try setCard(body)
                case "/_sim/behaviour": try setBehaviour(body)
                case "/_sim/log": try appendLog(body)
                default: throw Refusal(status: .notFound, message: "no control endpoint \(path)")
                }
                return OZResponder.json(.ok, .object([("ok", .bool(true))]))
            default:
                throw Refusal(status: .notFound, message: "no control endpoint \(request.method) \(path)")
            }
        } catch let refusal as Refusal {
            return OZResponder.json(refusal.status, .object([("error", .string(refusal.message))]))
        } catch is DecodingError {
            return OZResponder.json(.badRequest, .object([("error", .string("body is not JSON"))]))
        }
    }

    private func setState(_ body: OZJSON) throws {
        let room = try string(body, "room")
        guard simulator.state.withLock({ $0.locks[room] != nil }) else { throw Refusal(status: .notFound, message: "no room \(room)") }
        if let low = try bool(body, "lowBattery") { simulator.setLowBattery(low, room: room) }
        if let online = try bool(body, "online") { simulator.setOnline(online, room: room) }
        if let opened = try bool(body, "opened") { simulator.setOpened(opened, room: room) }
    }

    private func setCard(_ body: OZJSON) throws {
        let encoder = try string(body, "encoder")
        guard simulator.state.withLock({ $0.encoders[encoder] != nil }) else {
            throw Refusal(status: .notFound, message: "no encoder \(encoder)")
        }
        if case .string(let room)? = body["dataCard"] {
            guard simulator.state.withLock({ $0.locks[room] != nil }) else { throw Refusal(status: .notFound, message: "no room \(room)") }
            simulator.putDataCard(room: room, encoder: encoder)
        } else if let present = try bool(body, "present") {
            simulator.setCardPresent(present, encoder: encoder)
        } else {
            throw Refusal(status: .badRequest, message: "give present (bool) or dataCard (room)")
        }
    }

    private func setBehaviour(_ body: OZJSON) throws {
        let behaviour: OZLocksSimulator.Behaviour
        switch try string(body, "mode") {
        case "normal": behaviour = .normal
        case "badRequest": behaviour = .badRequest
        case "doThenDrop": behaviour = .doThenDrop
        case "slow":
            guard case .int(let milliseconds)? = body["delayMs"], milliseconds >= 0 else {
                throw Refusal(status: .badRequest, message: "slow needs delayMs (non-negative integer)")
            }
            behaviour = .slow(.milliseconds(milliseconds))
        case "error":
            let code = (try? string(body, "code")) ?? "9"
            let message = (try? string(body, "message")) ?? "Внутренняя ошибка"
            behaviour = .error(code: code, message: message)
        case "serverErrorWithoutCode": behaviour = .serverErrorWithoutCode
        case let mode:
            throw Refusal(status: .badRequest, message: "unknown mode \(mode)")
        }
        // "times": the fault lasts this many requests, then the server answers normally again.
        if case .int(let times)? = body["times"] {
            simulator.setBehaviour(behaviour, times: times)
        } else {
            simulator.setBehaviour(behaviour)
        }
    }

    private func appendLog(_ body: OZJSON) throws {
        let room = try string(body, "room")
        guard simulator.state.withLock({ $0.locks[room] != nil }) else { throw Refusal(status: .notFound, message: "no room \(room)") }
        guard case .int(let type)? = body["type"] else { throw Refusal(status: .badRequest, message: "type must be an integer") }
        guard case .int(let holder)? = body["holderID"] else { throw Refusal(status: .badRequest, message: "holderID must be an integer") }
        var holderName: String?
        if case .string(let name)? = body["holderName"] { holderName = name }
        simulator.appendLog(
            room: room, type: type, typeName: try string(body, "typeName"), at: Date(), holderID: holder, holderName: holderName)
    }

    private func calls() -> OZJSON {
        let counts = simulator.state.withLock { $0.calls }
        return .object(counts.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })
    }

    private func cards() -> OZJSON {
        let dates = simulator.dates
        return .array(simulator.issuedCards.map { card in
            .object([
                ("room", .string(card.room)), ("uid", .string(card.uid)), ("guestID", .int(card.guestID)),
                ("guestName", .string(card.guestName)), ("checkIn", .string(dates.string(from: card.checkIn))),
                ("checkOut", .string(dates.string(from: card.checkOut))), ("encoder", .string(card.encoder)),
                ("workstation", .string(card.workstation)), ("issuer", card.issuer.map(OZJSON.string) ?? .null),
            ])
        })
    }

    private func snapshot() -> OZJSON {
        simulator.state.withLock { state in
            let rooms = state.locks.sorted { $0.key < $1.key }.map { name, lock in
                (name, OZJSON.object([
                    ("series", .string(lock.series.rawValue)), ("online", .bool(lock.online)), ("opened", .bool(lock.opened)),
                    ("lowBattery", .bool(lock.lowBattery)), ("guests", .array(lock.guests.map(OZJSON.int))),
                ]))
            }
            let encoders = state.encoders.sorted { $0.key < $1.key }.map { name, card -> (String, OZJSON) in
                switch card {
                case .none: (name, .string("empty"))
                case .blank: (name, .string("blank card"))
                case .guest(let issued): (name, .string("guest card \(issued.uid) for room \(issued.room)"))
                case .data(let room, let log): (name, .string("data card of room \(room), \(log.count) records"))
                }
            }
            return .object([("rooms", .object(rooms)), ("encoders", .object(encoders))])
        }
    }

    private func string(_ body: OZJSON, _ field: String) throws -> String {
        guard case .string(let value)? = body[field] else { throw Refusal(status: .badRequest, message: "\(field) must be a string") }
        return value
    }

    private func bool(_ body: OZJSON, _ field: String) throws -> Bool? {
        switch body[field] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default: throw Refusal(status: .badRequest, message: "\(field) must be true or false")
        }
    }
}
