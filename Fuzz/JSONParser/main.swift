// libFuzzer target: JSONParser (Sources/Topics), the first code that reads every MQTT request payload.
// Built by scripts/fuzz-libfuzzer.sh together with Sources/Topics/*.swift in one module, so the internal
// parser is reachable without @testable and only Foundation is linked.
//
// Besides "no crash, no leak" it checks what a caller relies on, and traps (a crash report with the input
// saved by libFuzzer) when one fails:
//   - accepted text writes back to JSON that parses to the same value, and writing is stable;
//   - refused text names a position inside the input (line and column from 1);
//   - an accepted object decodes as RequestMeta to a value or to an invalid-request error.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Data(bytes: data, count: size)
    let value: JSONValue
    do {
        value = try JSONValue.parse(input)
    } catch {
        check(error.offset >= 0 && error.offset <= size, "offset \(error.offset) outside \(size) bytes")
        check(error.line >= 1 && error.column >= 1, "line \(error.line), column \(error.column)")
        return 0
    }
    let written = value.jsonString
    let reparsed: JSONValue
    do {
        reparsed = try JSONValue.parse(written)
    } catch {
        fail("the writer's own output does not parse: \(error) in \(written)")
    }
    check(reparsed == value, "round trip changed \(value) into \(reparsed)")
    check(reparsed.jsonString == written, "writing is not stable: \(written) then \(reparsed.jsonString)")
    if case .object = value {
        do {
            _ = try RequestDecoder.decode(RequestMeta.self, from: value)
        } catch {
            check(error.code == .invalidRequest, "RequestMeta failed with \(error), not invalid-request")
        }
    }
    return 0
}

/// A broken property ends the run as a crash, so libFuzzer keeps the input.
private func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fail(message()) }
}

private func fail(_ message: String) -> Never {
    fatalError("JSONParser fuzz property: \(message)")
}
