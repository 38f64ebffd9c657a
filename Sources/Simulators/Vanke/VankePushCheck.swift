import Foundation

/// The platform's checks of a push, in order: Content-Type, a JSON object, version, time, appId,
/// parkingLotId, token, then the endpoint's own members. The first problem found is the respDesc.
struct VankePushCheck: Sendable {
    let appId: String
    let appSecret: String
    let parkingLotId: String
    let time: VankeTime

    /// The push's members, or the respDesc naming what is wrong.
    func check(_ endpoint: VankePushEndpoint, body: Data, contentType: String?) -> Result<[String: VankeJSON], VankeProblem> {
        Result { () throws(VankeProblem) in try members(endpoint, body: body, contentType: contentType) }
    }

    private func members(_ endpoint: VankePushEndpoint, body: Data, contentType: String?) throws(VankeProblem) -> [String: VankeJSON] {
        // "HTTP 头信息必须包含 Content-Type: application/json"; a charset parameter is fine.
        let mediaType = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else {
            throw VankeProblem("Content-Type 必须为 application/json，收到 \(contentType ?? "无")")
        }
        guard case .object(let pairs)? = try? JSONDecoder().decode(VankeJSON.self, from: body) else {
            throw VankeProblem("请求体不是 JSON 对象")
        }
        let fields = Dictionary(pairs, uniquingKeysWith: { first, _ in first })

        let version = try string(fields, "version")
        guard version == "1.0" else { throw VankeProblem("不支持的接口版本 version=\(version)，应为 1.0") }
        let requestTime = try string(fields, "time")
        guard time.date(from: requestTime) != nil else { throw VankeProblem.badTime("time", requestTime) }
        try checkAppId(fields, endpoint)
        guard try string(fields, "parkingLotId") == parkingLotId else { throw VankeProblem("parkingLotId 不正确") }
        let token = try string(fields, "token")
        guard VankeToken.matches(token, VankeToken.make(time: requestTime, appId: appId, appSecret: appSecret)) else {
            throw VankeProblem("token 校验失败")
        }

        for (name, rule) in endpoint.members { try check(fields, name, rule) }
        return fields
    }

    /// receiveCrossGate's table spells the member `appld` (a lower-case L for the capital I, surely a
    /// typo of appId): there either spelling is accepted, and when both come, both must be right.
    private func checkAppId(_ fields: [String: VankeJSON], _ endpoint: VankePushEndpoint) throws(VankeProblem) {
        var names = ["appId"]
        if endpoint == .receiveCrossGate {
            names = ["appId", "appld"].filter { fields[$0] != nil }
            if names.isEmpty { throw VankeProblem.missing("appId") }
        }
        for name in names {
            guard try string(fields, name) == appId else { throw VankeProblem("\(name) 不正确") }
        }
    }

    private func check(_ fields: [String: VankeJSON], _ name: String, _ rule: VankePushEndpoint.Rule) throws(VankeProblem) {
        switch rule {
        case .text:
            guard try !string(fields, name).isEmpty else { throw VankeProblem("字段 \(name) 不能为空") }
        case .textMayBeEmpty:
            _ = try string(fields, name)
        case .time:
            let value = try string(fields, name)
            guard time.date(from: value) != nil else { throw VankeProblem.badTime(name, value) }
        case .color:
            let value = try string(fields, name)
            guard VankePushEndpoint.colors.contains(value) else {
                throw VankeProblem("字段 \(name) 取值错误: \(value)，应为 blue/yellow/black/white/green/other 之一")
            }
        case .optionalText:
            if let value = fields[name], value != .null { _ = try string(fields, name) }
        case .optionalPercent:
            switch fields[name] {
            case nil, .null?: break
            case .int(let value)? where (0...100).contains(value): break
            default: throw VankeProblem("字段 \(name) 应为 0–100 的整数")
            }
        }
    }

    /// A required string member (null counts as missing; a number is the wrong type).
    private func string(_ fields: [String: VankeJSON], _ name: String) throws(VankeProblem) -> String {
        switch fields[name] {
        case nil, .null?: throw VankeProblem.missing(name)
        case .string(let value)?: return value
        default: throw VankeProblem("字段 \(name) 类型错误，应为字符串")
        }
    }
}

/// Why a push was refused: its respDesc.
struct VankeProblem: Error, Equatable {
    let respDesc: String

    init(_ respDesc: String) { self.respDesc = respDesc }

    static func missing(_ name: String) -> VankeProblem { VankeProblem("缺少必填字段 \(name)") }

    static func badTime(_ name: String, _ value: String) -> VankeProblem {
        VankeProblem("字段 \(name) 格式错误: \(value)，应为 yyyyMMdd HH:mm:ss")
    }
}
