import AdapterSupport
import AsyncHTTPClient
import Bridge
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Topics

/// POSTs pushes to the Vanke platform. Signs every attempt afresh (the platform checks `time`).
final class VankePlatformClient: Sendable {
    enum Outcome: Sendable {
        /// The platform answered with a respCode.
        case answered(code: String, description: String?)
        /// Network error, timeout, an HTTP error or an answer that is not the spec's JSON.
        case failed(String)
    }

    private let settings: VankeSettings
    private let http: HTTPClient
    private let clock: VankeTime
    private let baseURL: String

    init(settings: VankeSettings, http: HTTPClient, timeZone: TimeZone) {
        self.settings = settings
        self.http = http
        clock = VankeTime(timeZone: timeZone)
        baseURL = vendorBaseURL(settings.platformUrl)
    }

    func push(_ job: VankePushJob) async -> Outcome {
        let time = clock.format(Date())
        let token = VankeToken.make(time: time, appId: settings.appId, secret: settings.appSecret)
        return await post(job.kind.endpoint, Self.body(job, time: time, token: token, settings: settings))
    }

    /// Whether the platform's host answers HTTP at all (the health check: the standard has no ping).
    func probe() async -> String? {
        var request = HTTPClientRequest(url: baseURL + "/")
        request.method = .GET
        do {
            _ = try await http.execute(request, timeout: settings.timeout.timeAmount)
            return nil
        } catch {
            return VendorCallFailure(error).description
        }
    }

    private func post(_ endpoint: String, _ body: Data) async -> Outcome {
        var request = HTTPClientRequest(url: "\(baseURL)/\(endpoint)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(data: body))
        do {
            let response = try await http.execute(request, timeout: settings.timeout.timeAmount)
            let data = Data(buffer: try await response.body.collect(upTo: 1 << 20))
            guard response.status == .ok else { return .failed("\(endpoint) answered HTTP \(response.status.code)") }
            guard let answer = VankeWire.Answer(data) else {
                return .failed("\(endpoint) answered something that is not {respCode,respDesc} JSON")
            }
            return .answered(code: answer.respCode, description: answer.respDesc)
        } catch {
            return .failed("\(endpoint): \(VendorCallFailure(error))")
        }
    }

    /// The request bodies, members in the spec's order, written by hand: one is built per push
    /// attempt. `appld` is the spec's typo, sent as well.
    static func body(_ job: VankePushJob, time: String, token: String, settings: VankeSettings) -> Data {
        var members: [(String, JSONValue?)] = [
            ("version", .string(VankeWire.version)), ("token", .string(token)), ("appId", .string(settings.appId)),
        ]
        if job.kind == .crossing { members.append(("appld", .string(settings.appId))) }
        members.append(("parkingLotId", .string(settings.parkingLotId)))
        members.append(("time", .string(time)))
        let device = JSONValue.string(job.deviceNo ?? "")
        let uuid = JSONValue.string(job.uuid ?? "")
        let plate = JSONValue.string(job.plate ?? "")
        let color = JSONValue.string(job.color ?? "other")
        let at = JSONValue.string(job.at ?? time)
        switch job.kind {
        case .recognition:
            // `image` is a URL a browser opens (spec V1.4), not the picture; `plateNumber` is
            // empty when the camera read no plate (若识别不到，则放空).
            let reliability: JSONValue? = job.reliability.map { .int(Int64($0)) }
            members += [
                ("deviceNo", device), ("uuid", uuid), ("recognitionTime", at), ("image", .string(job.image ?? "")),
                ("plateNumber", plate), ("color", color), ("reliability", reliability),
            ]
        case .crossing:
            members += [("deviceNo", device), ("uuid", uuid), ("plateNumber", plate), ("color", color), ("crossTime", at)]
        case .abnormal:
            let optionalDevice: JSONValue? = job.deviceNo.map { .string($0) }
            members += [
                ("abnormalCode", .string(job.abnormalCode ?? "1401")), ("deviceNo", optionalDevice),
                ("msg", .string(job.message ?? "")),
            ]
        }
        return JSONValue.objectData(members)
    }
}
