import Foundation
import Hummingbird
import Logging
import Topics

/// The console's request form: `{"topic","payload"}` in, the contract response out. The request
/// goes over MQTT like anyone else's (MQTT 5 Response Topic under `<base>/clients/…`), so it meets
/// the router's checks, the journal and the adapters exactly as a PMS request would, and it is
/// answered by whichever process serves the topic.
///
/// Only with `http.apiKey` set: the bridge publishes the request with its own broker rights, so
/// without a key anyone who reaches the listener could open a door that the broker's ACL would
/// refuse them. Without a key the console is read-only.
struct ConsoleRequests: Sendable {
    let enabled: Bool
    let client: RequestClient
    let topics: TopicTree
    let timeout: Duration
    let maxPayloadBytes: Int
    let logger: Logger

    struct Form: Decodable {
        var topic: String
        /// A string goes out as it is (`OPEN` for a lock's `set`); any other JSON value is encoded.
        var payload: JSONValue?
    }

    struct Answer: Encodable {
        var topic: String
        var elapsedMs: Int
        var response: ResponseEnvelope
    }

    struct Failure: Encodable {
        var error: GatehouseError
    }

    /// The HTTP status and JSON body for one form submission.
    func send(_ body: Data) async -> (HTTPResponse.Status, Data) {
        guard enabled else {
            return fail(
                .forbidden, GatehouseError(.unsupported, "the request form needs http.apiKey: without a key the console is read-only"))
        }
        let form: Form
        do {
            form = try JSONDecoder().decode(Form.self, from: body)
        } catch {
            return fail(.badRequest, .invalidRequest(#"body: expected {"topic":"…","payload":…}"#))
        }
        if let problem = problem(with: form.topic) { return fail(.badRequest, .invalidRequest(field: "topic", problem: problem)) }
        let payload: Data
        switch form.payload {
        case nil, .null?: payload = Data()
        case .string(let text)?: payload = Data(text.utf8)
        case let value?: payload = (try? JSONCoding.encode(value)) ?? Data()
        }
        guard payload.count <= maxPayloadBytes else {
            return fail(.badRequest, .invalidRequest(field: "payload", problem: "\(payload.count) bytes exceed \(maxPayloadBytes)"))
        }
        // An operator action: the topic is logged, the payload (guest names, codes) is not.
        logger.info("console request on \(form.topic)")
        let start = ContinuousClock.now
        do {
            let response = try await client.request(form.topic, payload: payload, timeout: timeout)
            let elapsed = ContinuousClock.now - start
            let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
            let answer = Answer(topic: form.topic, elapsedMs: Int(milliseconds), response: response)
            return (.ok, (try? JSONCoding.encode(answer)) ?? Data())
        } catch {
            switch error.code {
            case .timeout:
                return fail(.gatewayTimeout, GatehouseError(.timeout, "\(error.message); is anything serving this topic?"))
            case .unsupported:
                return fail(.notImplemented, error)
            default:
                return fail(.badGateway, error)
            }
        }
    }

    /// Why `topic` is not a request this form sends, or nil.
    func problem(with topic: String) -> String? {
        guard TopicFilter.isValidTopicName(topic), !topic.split(separator: "/", omittingEmptySubsequences: false).contains("")
        else { return "not a topic name (no wildcards, no empty levels)" }
        guard topic.hasPrefix("\(topics.base)/") else { return "must start with the base topic \(topics.base)/" }
        guard TopicTree.responseTopic(forRequest: topic) != nil else {
            return "not a request topic: expected …/request/<operation> or …/locks/<room>/set"
        }
        return nil
    }

    private func fail(_ status: HTTPResponse.Status, _ error: GatehouseError) -> (HTTPResponse.Status, Data) {
        (status, (try? JSONCoding.encode(Failure(error: error))) ?? Data())
    }
}
