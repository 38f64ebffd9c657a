import Foundation

/// Reads an HTTP/1.1 answer from the bytes received so far: nil while more are needed. A body is
/// delimited by Content-Length, chunked encoding, or (neither given) the server closing.
enum VankeHTTPResponseParser {
    struct Malformed: Error, CustomStringConvertible { let description: String }

    static func parse(_ bytes: [UInt8], closed: Bool) throws(Malformed) -> VankeSupplierAnswer? {
        guard let headEnd = find([13, 10, 13, 10], in: bytes, from: 0) else {
            if closed { throw Malformed(description: bytes.isEmpty ? "the supplier closed without answering" : "the answer's header is cut off") }
            return nil
        }
        let lines = String(decoding: bytes[..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let statusWords = lines[0].split(separator: " ", maxSplits: 2)
        guard statusWords.count >= 2, statusWords[0].hasPrefix("HTTP/1."), let status = Int(statusWords[1]) else {
            throw Malformed(description: "not an HTTP status line: \(lines[0])")
        }
        let rest = Array(bytes[(headEnd + 4)...])
        // An interim 100 Continue precedes the real answer.
        if status == 100 { return try parse(rest, closed: closed) }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()] =
                line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        func answer(_ body: [UInt8]) -> VankeSupplierAnswer {
            VankeSupplierAnswer(status: status, body: Data(body), contentType: headers["content-type"])
        }
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            guard let body = try dechunk(rest) else {
                if closed { throw Malformed(description: "the chunked body is cut off") }
                return nil
            }
            return answer(body)
        }
        if let lengthText = headers["content-length"] {
            guard let length = Int(lengthText), length >= 0 else { throw Malformed(description: "Content-Length \(lengthText)") }
            guard rest.count >= length else {
                if closed { throw Malformed(description: "the body is cut off (\(rest.count) of \(length) bytes)") }
                return nil
            }
            return answer(Array(rest.prefix(length)))
        }
        return closed ? answer(rest) : nil
    }

    /// The body of a complete chunked encoding; nil while the last (empty) chunk has not arrived.
    private static func dechunk(_ bytes: [UInt8]) throws(Malformed) -> [UInt8]? {
        var body: [UInt8] = []
        var at = 0
        while true {
            guard let lineEnd = find([13, 10], in: bytes, from: at) else { return nil }
            let sizeText = String(decoding: bytes[at..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw Malformed(description: "bad chunk size \(sizeText)")
            }
            let start = lineEnd + 2
            if size == 0 { return body }  // trailers, if any, are not needed
            guard bytes.count >= start + size + 2 else { return nil }
            body += bytes[start..<(start + size)]
            at = start + size + 2
        }
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        return (start...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
