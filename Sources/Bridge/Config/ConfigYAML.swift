import Yams

/// Turns YAML text into a `ConfigNode` tree, or a problem with the line where parsing failed.
enum ConfigYAML {
    static func parse(_ text: String) -> Result<ConfigNode?, ConfigProblem> {
        do {
            // `.utf8` explicitly: Yams' default encoding consults (and prints about) the process
            // environment.
            guard let node = try Yams.compose(yaml: text, .default, .default, .utf8) else {
                return .success(nil)
            }
            return try .success(convert(node))
        } catch let problem as ConfigProblem {
            return .failure(problem)
        } catch let error as YamlError {
            return .failure(problem(from: error, in: text))
        } catch {
            return .failure(ConfigProblem(path: "", message: "YAML error: \(error)"))
        }
    }

    private static let nullForms: Set<String> = ["", "~", "null", "Null", "NULL"]

    private static func convert(_ node: Node) throws -> ConfigNode {
        let line = node.mark?.line
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain && nullForms.contains(scalar.string) { return .null(line: line) }
            return .scalar(scalar.string, line: line)
        case .sequence(let sequence):
            return try .sequence(sequence.map(convert), line: line)
        case .mapping(let mapping):
            return try .mapping(entries(of: mapping), line: line)
        case .alias:
            // compose() replaces aliases by their anchored nodes; this is only for completeness.
            return .null(line: line)
        }
    }

    /// The mapping's entries, with YAML merge keys (`<<: *base`) expanded: explicit keys win.
    private static func entries(of mapping: Node.Mapping) throws -> [ConfigEntry] {
        var entries: [ConfigEntry] = []
        var merged: [ConfigEntry] = []
        for (key, value) in mapping {
            guard case .scalar(let keyScalar) = key else {
                throw ConfigProblem(path: "", line: key.mark?.line, message: "mapping keys must be plain strings")
            }
            if keyScalar.string == "<<" && keyScalar.style == .plain {
                let sources = value.sequence.map(Array.init) ?? [value]
                for source in sources {
                    guard case .mapping(let base) = source else {
                        throw ConfigProblem(path: "", line: source.mark?.line, message: "`<<` must merge a mapping")
                    }
                    merged += try self.entries(of: base)
                }
            } else {
                entries.append(ConfigEntry(key: keyScalar.string, line: key.mark?.line, value: try convert(value)))
            }
        }
        for entry in merged where !entries.contains(where: { $0.key == entry.key }) {
            entries.append(entry)
        }
        return entries
    }

    // Yams' own descriptions quote the offending line, which may hold a secret; these do not.
    private static func problem(from error: YamlError, in text: String) -> ConfigProblem {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let while_ = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return ConfigProblem(
                path: "", line: mark.line,
                message: "YAML syntax error at column \(mark.column): \(problem)\(while_)"
                    + hint(forLine: mark.line, in: text))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.sorted().joined(separator: ", ")
            return ConfigProblem(path: "", line: context.mark.line, message: "duplicate key \(keys)")
        case .reader(let problem, let offset, _, _):
            let line = offset.map { text.prefix($0).filter { $0 == "\n" }.count + 1 }
            return ConfigProblem(path: "", line: line, message: "cannot read YAML: \(problem)")
        default:
            return ConfigProblem(path: "", message: "YAML error: \(error)")
        }
    }

    /// `[ ${KEY} ]` is the likeliest mistake: braces are flow indicators inside `[ ]` and `{ }`.
    private static func hint(forLine line: Int, in text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count, lines[line - 1].contains("${") else { return "" }
        return "; inside [ ] or { }, quote substitutions: \"${VAR}\""
    }
}
