import Foundation
import TestSupport
import Testing
import Topics

/// The operator console in a real browser (headless Chromium): the page loads behind Basic auth,
/// shows the simulator's locks, and a lock's battery change reaches the page within 2 s.
@Suite("Console in a browser")
struct ConsoleBrowserTests {
    /// Where the screenshot goes: `GATEHOUSE_ARTIFACTS_DIR` (kept after `make test`), else the run folder.
    private static func artifactDirectory() -> URL {
        if let path = ProcessInfo.processInfo.environment["GATEHOUSE_ARTIFACTS_DIR"], !path.isEmpty {
            let url = URL(fileURLWithPath: path)
            try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            return url
        }
        return TestFiles.directory("console-browser")
    }

    @Test(
        "the page loads, a battery change in the simulator shows within 2 s, the form answers; screenshot saved",
        .enabled(
            if: BrowserDriver.available,
            "needs headless Chromium (Debian package `chromium`, which scripts/install-deps.sh installs when it can) and /usr/bin/python3"),
        .timeLimit(.minutes(2)))
    func batteryChangeReachesThePage() async throws {
        let started = ContinuousClock.now
        let h = try await ConsoleHarness()
        let artifacts = Self.artifactDirectory()
        let browser = try await BrowserDriver(
            user: "operator", password: h.apiKey, log: artifacts.appendingPathComponent("chromium.log"))
        do {
            try await browser.run(["cmd": "open", "url": .string(h.origin + "/")])
            let battery = #"document.querySelector('#locks tr[data-key="101"] td[data-field="battery"]')"#
            try await browser.wait(
                "document.body.dataset.ready === 'true' && \(battery) !== null && \(battery).textContent === 'ok'",
                timeout: .seconds(15))
            #expect(try await browser.evaluate(#"document.querySelector('#adapters tr[data-key="ozlocks"] td[data-field="state"]').textContent"#) == "connected")

            let changed = ContinuousClock.now
            h.simulator.setLowBattery(true, room: "101")
            await h.adapter.pollNow()
            let left = .seconds(2) - (ContinuousClock.now - changed)
            do {
                try await browser.wait("\(battery).textContent === 'low'", timeout: max(left, .milliseconds(1)))
            } catch {
                Issue.record("the battery change did not reach the page within 2 s of the change in the simulator: \(error)")
                throw error
            }
            let latency = ContinuousClock.now - changed
            print("console browser test: battery change on the page \(latency) after the simulator changed")

            // Every other table, from messages as field devices and adapters publish them.
            try await showEveryKind(base: h.base, browser: browser)

            // The request form, as an operator uses it: fetch from the page, with the browser's credentials.
            let topic = "\(h.base)/locks/101/request/read-state"
            _ = try await browser.evaluate(
                "document.getElementById('request-topic').value = '\(topic)'; document.querySelector('#request-form button').click(); true")
            try await browser.wait(
                "document.getElementById('request-state').textContent === 'HTTP 200' && document.getElementById('request-response').textContent.includes('\"status\": \"ok\"')",
                timeout: .seconds(10))

            let errors = try await browser.run(["cmd": "errors"])["errors"]?.arrayValue ?? []
            #expect(errors.isEmpty, "errors in the page: \(errors)")
            let screenshot = artifacts.appendingPathComponent("console.png")
            let bytes = try await browser.run(["cmd": "screenshot", "path": .string(screenshot.path)])["bytes"]?.intValue ?? 0
            let header = try FileHandle(forReadingFrom: screenshot).read(upToCount: 8) ?? Data()
            #expect(header == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "a PNG")
            #expect(bytes > 10_000)
            print("console browser test: screenshot \(screenshot.path) (\(bytes) bytes); whole test \(ContinuousClock.now - started)")
        } catch {
            await browser.quit()
            await h.stop()
            throw error
        }
        await browser.quit()
        await h.stop()
    }

    /// Publishes one message of each kind the console shows and waits until each has its row.
    private func showEveryKind(base: String, browser: BrowserDriver) async throws {
        let camera = try await MessageCollector(port: TestBroker.shared.port, filters: [])
        let messages: [(String, String)] = [
            ("locks/101/event", #"{"type":17,"typeName":"Код гостя","at":"2025-09-04T15:21:00+03:00","holderId":"7","holderName":"Ivanova","unauthorized":false}"#),
            ("parking/lot-1/gates/CAM-01/recognition", #"{"uuid":"u-1","plate":"A123BC77","color":"blue","recognizedAt":"2025-09-04T15:22:00+03:00","image":"/9j/4AAQ"}"#),
            ("parking/lot-1/gates/CAM-01/decision", #"{"uuid":"u-1","open":false,"by":"platform","reason":"no pass"}"#),
            ("parking/lot-1/places/P 7", #"{"status":"occupied","plate":"A123BC77"}"#),
            ("parking/lot-1/devices/CAM-01/alarm", #"{"code":"1401","message":"barrier jammed"}"#),
            ("ofd/kkts/0000000001", #"{"rnm":"0000000001","model":"Атол 30Ф","address":"Тверская 1","fnEndsAt":"2025-10-01T00:00:00+03:00"}"#),
            ("ofd/kkts/0000000001/alerts", #"{"alerts":[{"kind":"fn-expiring","detail":"the FN ends in 27 days","since":"2025-09-04T10:00:00+03:00"}]}"#),
            ("bridge/log", #"{"at":"2025-09-04T12:21:07+00:00","level":"warning","message":"console test warning"}"#),
        ]
        for (topic, payload) in messages { try camera.publish("\(base)/\(topic)", payload) }
        let cell = { (table: String, key: String, field: String) in
            #"(document.querySelector('#\#(table) tr[data-key="\#(key)"] td[data-field="\#(field)"]') || {}).textContent"#
        }
        try await browser.wait(
            [
                "\(cell("locks", "101", "lastEvent")).includes('Ivanova')",
                "\(cell("gates", "lot-1/CAM-01", "plate")) === 'A123BC77 blue'",
                "\(cell("gates", "lot-1/CAM-01", "decision")).startsWith('refused')",
                "\(cell("places", "lot-1/P 7", "status")) === 'occupied'",
                "\(cell("registers", "0000000001", "alerts")) === 'fn-expiring'",
                "document.querySelectorAll('#alerts tbody tr').length === 2",
                "document.querySelector('#log tbody').textContent.includes('console test warning')",
            ].joined(separator: " && "), timeout: .seconds(5))
        await camera.stop()
    }
}
