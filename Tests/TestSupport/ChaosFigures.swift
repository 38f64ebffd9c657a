import Foundation

/// What a fault test saw, one JSON object a line in `GATEHOUSE_CHAOS_RESULTS` when `make chaos`
/// sets it (scripts/chaos.sh prints and files them); nothing otherwise.
public enum ChaosFigures {
    public static func record(_ figures: [String: any Sendable]) {
        guard let path = ProcessInfo.processInfo.environment["GATEHOUSE_CHAOS_RESULTS"],
            JSONSerialization.isValidJSONObject(figures),
            let line = try? JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
        else { return }
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: line + Data("\n".utf8))
    }
}
