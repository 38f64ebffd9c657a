import Foundation
import Testing
import Topics

/// Keeps `docs/asyncapi.yaml` in step with `Sources/Topics`: every address the topic tree builds
/// is a channel of the document, and every closed enum of the contract is listed there with the
/// same values in the same order. (The payloads themselves are checked against live test traffic
/// by `scripts/check-contract.py`.)
@Suite("AsyncAPI contract document")
struct ContractCheckTests {
    private static let document: String = {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/asyncapi.yaml")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    /// The channels' `address:` values (all under the default base topic).
    private static let addresses: Set<String> = Set(
        document.split(separator: "\n").compactMap { line in
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("address: gatehouse/") else { return nil }
            return String(text.dropFirst("address: ".count))
        })

    @Test func documentIsThere() {
        #expect(Self.document.hasPrefix("# Gatehouse topic contract"))
        #expect(Self.document.contains("asyncapi: 3.0.0"))
    }

    /// The OpenAPI documents of the HTTP endpoints Gatehouse serves, named as the tests' recorders
    /// name them (`ContractRecorder.recordHTTP(api:)`); scripts/check-contract.py validates the
    /// recorded exchanges against them.
    @Test func openAPIDocumentsAreThere() throws {
        let folder = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/openapi")
        let documents: [(api: String, paths: [String])] = [
            ("ozlocks-facade", ["IssueCard", "CheckOut", "ReadCard", "ReadLogLock", "IssueLockCode", "ChangeLockCode", "ReadState", "OpenLock", "CloseLock"]),
            ("vanke-supplier", [
                "receiveOpenGate", "receiveShowMsg", "queryPlaceStatus", "queryUnPushCrossInfo", "queryUnPushRecognitionInfo", "checkConnect",
                "queryInOutRecord", "queryInOutPayRecord", "queryPrePayRecord",
            ]),
            ("bridge", ["healthz", "metrics", "images/{name}", "console/events", "console/request"]),
        ]
        for (api, paths) in documents {
            let text = try String(contentsOf: folder.appendingPathComponent("\(api).yaml"), encoding: .utf8)
            #expect(text.contains("\nopenapi: 3.1.0\n"), "docs/openapi/\(api).yaml is not OpenAPI 3.1")
            #expect(text.contains("x-gatehouse-api: \(api)\n"), "docs/openapi/\(api).yaml does not name its api")
            for path in paths {
                #expect(text.contains("\n  /\(path):\n"), "docs/openapi/\(api).yaml has no path /\(path)")
            }
        }
    }

    @Test func everyTopicOfTheTreeIsAChannel() {
        // Placeholder ids pass through TopicID unchanged, so the tree spells the AsyncAPI addresses.
        let t = TopicTree()
        let lock = t.lock("{room}")
        let encoder = t.encoder("{encoder}")
        let parking = t.parking("{lot}")
        let gate = parking.gate("{device}")
        let device = parking.device("{device}")
        var expected: [String] = [
            t.bridge.state, t.bridge.info, t.bridge.health, t.bridge.log, t.bridge.adapter("{name}"),
            t.bridge.request("health-check"), t.bridge.response("health-check"),
            lock.state, lock.availability, lock.event, lock.set, lock.response("set"),
            encoder.state, encoder.event,
            gate.recognition, gate.decision, gate.crossing, gate.command, gate.mode, gate.loop,
            gate.request("open"), gate.response("open"),
            parking.display("{device}"), parking.place("{place}"), device.availability, device.alarm,
            t.ofd.kkt("{rnm}"), t.ofd.kktAlerts("{rnm}"),
        ]
        for op in ["open", "close", "read-state", "read-log", "issue-code", "change-code", "check-out"] {
            expected += [lock.request(op), lock.response(op)]
        }
        for op in ["issue-card", "read-card", "read-log"] {
            expected += [encoder.request(op), encoder.response(op)]
        }
        for op in ["apply-code", "pay-status", "list-kkts"] {
            expected += [t.ofd.request(op), t.ofd.response(op)]
        }
        for address in expected {
            #expect(Self.addresses.contains(address), "docs/asyncapi.yaml has no channel \(address)")
        }
        #expect(Self.addresses == Set(expected), "channels without a topic in TopicTree: \(Self.addresses.subtracting(expected).sorted())")
        // Every request topic has its response topic where the router answers.
        for address in expected where address.contains("/request/") || address == lock.set {
            let response = TopicTree.responseTopic(forRequest: address)
            #expect(response.map(Self.addresses.contains) == true, "no response channel for \(address)")
        }
    }

    /// `enum: [a, b, c]` as the document writes a closed set of values.
    private func listed(_ values: [String]) -> Bool {
        Self.document.contains("enum: [\(values.joined(separator: ", "))]")
    }

    @Test func enumsMatchTheSwiftTypes() {
        let enums: [(String, [String])] = [
            ("ErrorCode", ErrorCode.allCases.map(\.rawValue)),
            ("BridgeState.State", BridgeState.State.allCases.map(\.rawValue)),
            ("AdapterStatus.State", AdapterStatus.State.allCases.map(\.rawValue)),
            ("LogRecord.Level", LogRecord.Level.allCases.map(\.rawValue)),
            ("PlateColor", PlateColor.allCases.map(\.rawValue)),
            ("GateDecision.DecidedBy", GateDecision.DecidedBy.allCases.map(\.rawValue)),
            ("GateCommand.Mode", GateCommand.Mode.allCases.map(\.rawValue)),
            ("GateMode.Mode", GateMode.Mode.allCases.map(\.rawValue)),
            ("DisplayContent.Line.Alignment", DisplayContent.Line.Alignment.allCases.map(\.rawValue)),
            ("PlaceState.Status", PlaceState.Status.allCases.map(\.rawValue)),
        ]
        for (name, values) in enums {
            #expect(listed(values), "docs/asyncapi.yaml does not list \(name) as enum: [\(values.joined(separator: ", "))]")
        }
    }
}
