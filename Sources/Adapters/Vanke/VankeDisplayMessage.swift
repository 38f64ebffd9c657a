import Foundation
import Topics

/// receiveShowMsg's `msg`: a JSON array of `{text, alignment}` inside a string. The spec's own
/// example has a doubled comma (`"临  停  车",  ,"alignment"`): repeated commas between members
/// are forgiven; anything else that is not JSON is refused, naming the problem.
enum VankeDisplayMessage {
    static func lines(_ msg: JSONValue?) throws(VankeRefusal) -> [DisplayContent.Line] {
        let array: [JSONValue]
        switch msg {
        case nil, .null?:
            throw VankeRefusal("field 'msg': missing")
        case .array(let elements)?:
            array = elements
        case .string(let text)?:
            let parsed: JSONValue
            do {
                parsed = try JSONValue.parse(repairingCommas(text))
            } catch {
                throw VankeRefusal("field 'msg': not a JSON array: \(error.description)")
            }
            guard case .array(let elements) = parsed else {
                throw VankeRefusal("field 'msg': expected a JSON array, got \(parsed.kindName)")
            }
            array = elements
        case let other?:
            throw VankeRefusal("field 'msg': expected a JSON array in a string, got \(other.kindName)")
        }
        var lines: [DisplayContent.Line] = []
        for (index, element) in array.enumerated() {
            guard case .object(let members) = element else {
                throw VankeRefusal("field 'msg[\(index)]': expected an object, got \(element.kindName)")
            }
            guard let text = members["text"]?.stringValue else {
                throw VankeRefusal("field 'msg[\(index)].text': missing or not a string")
            }
            let align: DisplayContent.Line.Alignment
            switch members["alignment"] {
            case nil, .null?: align = .left
            case .string(let name)?:
                guard let known = DisplayContent.Line.Alignment(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                    throw VankeRefusal("field 'msg[\(index)].alignment': expected left, center or right, got \"\(name)\"")
                }
                align = known
            case let other?:
                throw VankeRefusal("field 'msg[\(index)].alignment': expected left, center or right, got \(other.kindName)")
            }
            lines.append(DisplayContent.Line(text: text, align: align))
        }
        return lines
    }

    /// Drops a comma that follows another comma with only white space between, outside strings.
    static func repairingCommas(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        var inString = false
        var escaped = false
        var lastSignificant: UInt8 = 0
        for byte in text.utf8 {
            if inString {
                output.append(byte)
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false; lastSignificant = byte }
                continue
            }
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                output.append(byte)
                continue
            case UInt8(ascii: ","):
                if lastSignificant == UInt8(ascii: ",") { continue }
            case UInt8(ascii: "\""):
                inString = true
            default:
                break
            }
            output.append(byte)
            lastSignificant = byte
        }
        return String(decoding: output, as: UTF8.self)
    }
}
