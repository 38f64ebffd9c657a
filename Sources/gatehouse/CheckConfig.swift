import Adapters
import ArgumentParser
import Bridge
import Foundation

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config", abstract: "Validate a configuration file and print every problem with its key path.")

    @Argument(help: "The YAML configuration file.") var file: String?
    @Option(name: .customLong("config"), help: "Same as the argument.") var configFile: String?

    func run() throws {
        let result = ConfigLoader.load(path: file ?? configFile, environment: ProcessInfo.processInfo.environment)
        AdapterCatalog.check(result.bestEffort)
        // The TLS files as they are now. `run` refuses unreadable ones too, but starts with an expired
        // certificate and retries, so that a renewal on disk is picked up without a restart.
        let problems = result.problems + TLSFileCheck.problems(result.bestEffort.mqtt)
        for problem in problems { print(problem.description) }
        for warning in unusedOverrideWarnings(result) { print(warning) }
        if problems.contains(where: { $0.severity == .error }) {
            print("\(problems.count) problem(s) found")
            throw ExitCode(1)
        }
        print("configuration OK")
    }
}
