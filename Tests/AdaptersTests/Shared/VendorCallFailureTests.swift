import AdapterSupport
import AsyncHTTPClient
import Foundation
import NIOCore
import Simulators
import TestSupport
import Testing

/// Real calls with AsyncHTTPClient against a closed port and a platform that hangs or drops:
/// what each failure is, and whether the vendor may have received the call.
@Suite("Vendor call failures are read from error cases")
struct VendorCallFailureTests {
    private func fail(_ url: String, timeout: Duration = .seconds(1)) async -> VendorCallFailure? {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: "{}"))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: timeout.timeAmount)
            _ = try await response.body.collect(upTo: 1 << 20)
            return nil
        } catch {
            return VendorCallFailure(error)
        }
    }

    @Test("a closed port is refused, and nothing was sent")
    func refused() async throws {
        let failure = await fail("http://127.0.0.1:\(try FreePort.pick())/receiveCrossGate")
        #expect(failure == .refused)
        #expect(failure?.neverSent == true)
    }

    @Test("no answer in time is a timeout, and may have been received")
    func timeout() async throws {
        let platform = VankePlatformSimulator(appId: "a", appSecret: "s", parkingLotId: "l")
        let port = try await platform.start()
        platform.setFault(.hang)
        let failure = await fail("http://127.0.0.1:\(port)/receiveCrossGate")
        #expect(failure == .timeout)
        #expect(failure?.neverSent == false)
        await platform.stop()
    }

    @Test("a connection dropped after the request is not 'never sent'")
    func dropped() async throws {
        let platform = VankePlatformSimulator(appId: "a", appSecret: "s", parkingLotId: "l")
        let port = try await platform.start()
        platform.setFault(.acceptThenDrop)
        let failure = try #require(await fail("http://127.0.0.1:\(port)/receiveCrossGate"))
        #expect(failure.neverSent == false, "\(failure)")
        await platform.stop()
    }

    @Test("base URLs lose their trailing slashes")
    func baseURL() {
        #expect(vendorBaseURL("https://ofd.ru//") == "https://ofd.ru")
        #expect(vendorBaseURL("http://h:1/api") == "http://h:1/api")
    }
}
