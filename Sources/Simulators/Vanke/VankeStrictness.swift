import Foundation

/// Checks a real platform may make beyond the spec's letter, each off by default. With them a
/// supplier that sends `image: ""`, a picture URL no browser can open, or a stale `time` is refused
/// (respCode 1, like any other failed check).
public struct VankeStrictness: Sendable, Equatable {
    /// receivePlateNumber's `image` must not be empty: the request table marks it 必填.
    public var imageRequired = false
    /// Open every receivePlateNumber image URL (GET), as the platform's staff would in a browser
    /// ("在浏览器上直接查看"); each attempt is kept in `imageFetches`. With `imageRequired`, a URL
    /// that does not open to a JPEG is refused.
    public var openImages = false
    /// A push whose `time` is further than this from the platform's clock is refused.
    public var timeWindow: Duration?

    public init(imageRequired: Bool = false, openImages: Bool = false, timeWindow: Duration? = nil) {
        self.imageRequired = imageRequired
        self.openImages = openImages
        self.timeWindow = timeWindow
    }
}

/// One image URL the platform opened.
public struct VankeImageFetch: Sendable, Equatable {
    public let url: String
    /// The HTTP status; nil when no answer came (the error says why).
    public let status: Int?
    /// Answered 200 with a body that starts like a JPEG (FF D8 FF).
    public let isJPEG: Bool
    public let error: String?
}

extension VankePlatformSimulator {
    /// The strict checks of a push that passed the spec's checks: the respDesc of the first that
    /// fails, or nil.
    func strictProblem(_ endpoint: VankePushEndpoint, _ members: [String: VankeJSON]) async -> String? {
        let strictness = state.withLock { $0.strictness }
        if let window = strictness.timeWindow, case .string(let text)? = members["time"], let sent = time.date(from: text),
           abs(sent.timeIntervalSinceNow) > Double(window.components.seconds) {
            return "time 超出有效期: \(text)"
        }
        guard endpoint == .receivePlateNumber else { return nil }
        let image: String
        if case .string(let text)? = members["image"] { image = text } else { image = "" }
        if strictness.imageRequired && image.isEmpty { return "字段 image 不能为空" }
        guard strictness.openImages, !image.isEmpty else { return nil }
        let fetch = await open(image)
        state.withLock { $0.imageFetches.append(fetch) }
        if strictness.imageRequired && !fetch.isJPEG { return "image 无法打开: \(fetch.error ?? "HTTP \(fetch.status ?? 0)")" }
        return nil
    }

    private func open(_ url: String) async -> VankeImageFetch {
        do {
            let answer = try await VankeHTTPClient.get(url)
            let isJPEG = answer.status == 200 && answer.body.starts(with: [0xFF, 0xD8, 0xFF])
            return VankeImageFetch(url: url, status: answer.status, isJPEG: isJPEG, error: nil)
        } catch {
            return VankeImageFetch(url: url, status: nil, isJPEG: false, error: "\(error)")
        }
    }
}
