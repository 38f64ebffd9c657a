import Foundation
import Simulators
import Testing

@Suite struct VankeConsoleTests {
    @Test func rulesAndFaults() {
        #expect(VankeConsole.command("deny 粤B12345") == .deny(plate: "粤B12345", reason: nil))
        #expect(VankeConsole.command("  deny 粤B12345  黑名单  车辆 ") == .deny(plate: "粤B12345", reason: "黑名单  车辆"))
        #expect(VankeConsole.command("allow 粤B12345 3") == .allow(plate: "粤B12345", afterDenials: 3))
        #expect(VankeConsole.command("clear") == .clearRules)
        #expect(VankeConsole.command("fault none") == .fault(.none))
        #expect(VankeConsole.command("fault slow 250") == .fault(.slow(.milliseconds(250))))
        #expect(VankeConsole.command("fault garbage") == .fault(.garbage))
        #expect(VankeConsole.command("fault http 502") == .fault(.httpStatus(502)))
        #expect(VankeConsole.command("fault respcode1 系统 繁忙") == .fault(.respCode1("系统 繁忙")))
        #expect(VankeConsole.command("FAULT HANG") == .fault(.hang))
        #expect(VankeConsole.command("down") == .down && VankeConsole.command("up") == .up)
        #expect(VankeConsole.command("") == .nothing && VankeConsole.command("help") == .help)
        #expect(VankeConsole.command("quit") == .quit)
    }

    @Test func supplierCalls() {
        #expect(VankeConsole.command("open-gate CAM-01 2 粤B12345")
                == .call(endpoint: "receiveOpenGate", fields: ["deviceNo": "CAM-01", "openMode": "2", "plateNumber": "粤B12345"]))
        #expect(VankeConsole.command("open-gate CAM-01 0") == .call(endpoint: "receiveOpenGate", fields: ["deviceNo": "CAM-01", "openMode": "0"]))
        #expect(VankeConsole.command("show LED-1 left: 闽 D782WY|center:临停车")
                == .call(endpoint: "receiveShowMsg", fields: [
                    "deviceNo": "LED-1",
                    "msg": .raw(#"[{"text":" 闽 D782WY","alignment":"left"},{"text":"临停车","alignment":"center"}]"#)]))
        #expect(VankeConsole.command("places") == .call(endpoint: "queryPlaceStatus", fields: [:]))
        #expect(VankeConsole.command("places occupy 2 50")
                == .call(endpoint: "queryPlaceStatus", fields: ["placeStatus": "occupy", "currentPage": 2, "pageSize": 50]))
        #expect(VankeConsole.command("places all 3") == .call(endpoint: "queryPlaceStatus", fields: ["currentPage": 3]))
        #expect(VankeConsole.command("places 4") == .call(endpoint: "queryPlaceStatus", fields: ["currentPage": 4]))
        #expect(VankeConsole.command("unpushed cross 20240101080000")
                == .call(endpoint: "queryUnPushCrossInfo", fields: ["beginTime": "20240101 08:00:00"]))
        #expect(VankeConsole.command("unpushed recognition 20240101080000 20240102080000 1 100")
                == .call(endpoint: "queryUnPushRecognitionInfo", fields: [
                    "beginTime": "20240101 08:00:00", "endTime": "20240102 08:00:00", "currentPage": 1, "pageSize": 100]))
        #expect(VankeConsole.command("check") == .call(endpoint: "checkConnect", fields: [:]))
        #expect(VankeConsole.command("call queryInOutRecord beginTime=20240101 plateNumber=粤B")
                == .call(endpoint: "queryInOutRecord", fields: ["beginTime": "20240101", "plateNumber": "粤B"]))
    }

    @Test func mistakesSayWhy() {
        for wrong in ["deny", "allow 粤B12345", "allow 粤B12345 -1", "fault", "fault slow", "fault http 99", "fault respcode1",
                      "fault loud", "open-gate CAM-01 4", "open-gate CAM-01", "show LED-1", "show LED-1 middle:x",
                      "places parked", "places 1 2 3", "places 0", "unpushed cross", "unpushed cross 2024-01-01",
                      "unpushed other 20240101080000", "call", "call x y", "hello"] {
            guard case .invalid(let why) = VankeConsole.command(wrong) else {
                Issue.record("\(wrong) accepted")
                continue
            }
            #expect(!why.isEmpty)
        }
    }

    @Test func pushLines() {
        let denied = VankePush(
            endpoint: "receivePlateNumber",
            fields: ["plateNumber": "粤B12345", "deviceNo": "CAM-01", "color": "blue", "recognitionTime": "20240101 08:00:00"],
            answeredRespCode: "1", answeredRespDesc: "车辆未缴费", receivedAt: Date())
        let line = VankeConsole.line(for: .accepted(denied))
        #expect(line.hasPrefix("receivePlateNumber 粤B12345 gate CAM-01"))
        #expect(line.hasSuffix("→ respCode 1 (车辆未缴费)"))
        let crossed = VankePush(endpoint: "receiveCrossGate", fields: ["plateNumber": "", "deviceNo": "CAM-02"],
                                answeredRespCode: "0", receivedAt: Date())
        #expect(VankeConsole.line(for: .accepted(crossed)).hasPrefix("receiveCrossGate (no plate) gate CAM-02"))
        #expect(VankeConsole.line(for: .accepted(crossed)).hasSuffix("→ respCode 0"))
        let refused = VankeRejectedPush(endpoint: "receiveAbnormal", respDesc: "token 校验失败", body: "{}")
        #expect(VankeConsole.line(for: .rejected(refused)) == "receiveAbnormal REJECTED → respCode 1 (token 校验失败)")
    }

    @Test func performSteersTheSimulatorAndCallsTheSupplier() async throws {
        try await withVankeFakeSupplier { (simulator, supplier, url) async throws in
            let port = try await simulator.start()
            let setup = VankeConsole.Setup(host: "127.0.0.1", port: port, supplierURL: url)
            _ = await VankeConsole.perform(VankeConsole.command("deny 粤B12345 欠费"), on: simulator, setup: setup)
            let client = VankeTestClient(port: port)
            #expect(try await client.push("receivePlateNumber", VankeTestPush.plate()).respDesc == "欠费")
            _ = await VankeConsole.perform(.fault(.garbage), on: simulator, setup: setup)
            #expect(simulator.fault == .garbage)

            let printed = await VankeConsole.perform(VankeConsole.command("open-gate CAM-01 3"), on: simulator, setup: setup)
            #expect(printed == #"HTTP 200 application/json: {"respCode":"0"}"#)
            #expect(supplier.calls.first?.path == "/vanke/receiveOpenGate" && supplier.calls.first?.tokenValid == true)

            _ = await VankeConsole.perform(.down, on: simulator, setup: setup)
            #expect(simulator.port == nil)
            let up = await VankeConsole.perform(.up, on: simulator, setup: setup)
            #expect(up == "* up on port \(port)" && simulator.port == port)
            #expect(await VankeConsole.perform(.invalid("why"), on: simulator, setup: setup) == "! why")
            await simulator.stop()
        }
    }
}
