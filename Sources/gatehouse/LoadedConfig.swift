import Adapters
import ArgumentParser
import Bridge
import Foundation
import Logging

/// Loads the config for a command, printing problems and failing on errors.
func loadConfig(_ path: String?) throws -> GatehouseConfig {
    let result = ConfigLoader.load(path: path, environment: ProcessInfo.processInfo.environment)
    AdapterCatalog.check(result.bestEffort)
    for problem in result.problems {
        FileHandle.standardError.write(Data("config: \(problem.description)\n".utf8))
    }
    for warning in unusedOverrideWarnings(result) {
        FileHandle.standardError.write(Data("config: \(warning)\n".utf8))
    }
    guard let config = result.config, !result.hasErrors else {
        FileHandle.standardError.write(Data("config: not starting, fix the problems above\n".utf8))
        throw ExitCode(2)
    }
    return config
}

/// `GATEHOUSE_*` variables that no key read: a misspelt override would otherwise be ignored
/// without a word. Names only, never values (they may be secrets). Call after
/// `AdapterCatalog.check`, which reads the adapters' sections.
func unusedOverrideWarnings(_ result: ConfigLoadResult) -> [String] {
    result.unusedOverrides(ignoring: nonConfigVariables).map {
        "warning: \($0) is not a setting of this configuration and is ignored (misspelt, or its adapter is not enabled?)"
    }
}

/// `GATEHOUSE_*` variables read outside the configuration: the executor switch, and the test and
/// bench harness's own.
private let nonConfigVariables: Set<String> = [
    "GATEHOUSE_EXECUTOR", "GATEHOUSE_EVENT_LOOPS", "GATEHOUSE_BIN", "GATEHOUSE_TEST_BROKER_PORT", "GATEHOUSE_TEST_DIR", "GATEHOUSE_CONTRACT_LOG",
    "GATEHOUSE_ARTIFACTS_DIR", "GATEHOUSE_BROWSER_USER", "GATEHOUSE_BROWSER_PASSWORD", "GATEHOUSE_CHROMIUM",
    "GATEHOUSE_BROKER_CONF",
]

/// Console logging plus the `gatehouse/bridge/log` relay, at the configured level.
func bootstrapLogging(level: Logger.Level) {
    LoggingSystem.bootstrap { label in
        var console = StreamLogHandler.standardError(label: label)
        console.logLevel = level
        return MultiplexLogHandler([console, BridgeLogRelayHandler(label: label)])
    }
}
