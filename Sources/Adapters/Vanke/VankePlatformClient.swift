import AsyncHTTPClient
import Bridge
import Foundation
import Logging
import NIOCore
import NIOHTTP1

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
        baseURL = settings.platformUrl.hasSuffix("/") ? String(settings.platformUrl.dropLast()) : settings.platformUrl
    }

    func push(_ job: VankePushJob) async -> Outcome {
        let time = clock.format(Date())
        let token = VankeToken.make(time: time, appId: settings.appId, secret: settings.appSecret)
        let body: Data
        do {
            body = try Self.body(job, time: time, token: token, settings: settings)
        } catch {
            return .failed("cannot encode the push: \(error)")
        }
        return await post(job.kind.endpoint, body)
    }

    /// Whether the platform's host answers HTTP at all (the health check: the standard has no ping).
    func probe() async -> String? {
        var request = HTTPClientRequest(url: baseURL + "/")
        request.method = .GET
        do {
            _ = try await http.execute(request, timeout: .nanoseconds(Int64(settings.timeout.timeInterval * 1e9)))
            return nil
        } catch {
            return Self.describe(error)
        }
    }

    private func post(_ endpoint: String, _ body: Data) async -> Outcome {
        var request = HTTPClientRequest(url: "\(baseURL)/\(endpoint)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(data: body))
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(Int64(settings.timeout.timeInterval * 1e9)))
            let data = Data(buffer: try await response.body.collect(upTo: 1 << 20))
            guard response.status == .ok else { return .failed("\(endpoint) answered HTTP \(response.status.code)") }
            guard let answer = try? JSONDecoder().decode(VankeWire.Answer.self, from: data) else {
                return .failed("\(endpoint) answered something that is not {respCode,respDesc} JSON")
            }
            return .answered(code: answer.respCode, description: answer.respDesc)
        } catch {
            return .failed("\(endpoint): \(Self.describe(error))")
        }
    }

    static func body(
        _ job: VankePushJob, time: String, token: String, settings: VankeSettings
    ) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        switch job.kind {
        case .recognition:
            return try encoder.encode(
                VankeWire.PlateNumber(
                    token: token, appId: settings.appId, parkingLotId: settings.parkingLotId, time: time,
                    deviceNo: job.deviceNo ?? "", uuid: job.uuid ?? "", recognitionTime: job.at ?? time, image: job.image ?? "",
                    plateNumber: job.plate ?? "", color: job.color ?? "other", reliability: job.reliability))
        case .crossing:
            return try encoder.encode(
                VankeWire.CrossGate(
                    token: token, appId: settings.appId, appld: settings.appId, parkingLotId: settings.parkingLotId,
                    time: time, deviceNo: job.deviceNo ?? "", uuid: job.uuid ?? "", plateNumber: job.plate ?? "",
                    color: job.color ?? "other", crossTime: job.at ?? time))
        case .abnormal:
            return try encoder.encode(
                VankeWire.Abnormal(
                    token: token, appId: settings.appId, parkingLotId: settings.parkingLotId, time: time,
                    abnormalCode: job.abnormalCode ?? "1401", deviceNo: job.deviceNo, msg: job.message ?? ""))
        }
    }

    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("refused") { return "connection refused" }
        if text.contains("eadline") || text.contains("imeout") { return "timeout" }
        return text.count > 100 ? String(text.prefix(100)) : text
    }
}
