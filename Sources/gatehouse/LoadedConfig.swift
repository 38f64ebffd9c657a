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
    guard let config = result.config, !result.hasErrors else {
        FileHandle.standardError.write(Data("config: not starting, fix the problems above\n".utf8))
        throw ExitCode(2)
    }
    return config
}

/// Console logging plus the `gatehouse/bridge/log` relay, at the configured level.
func bootstrapLogging(level: Logger.Level) {
    LoggingSystem.bootstrap { label in
        var console = StreamLogHandler.standardError(label: label)
        console.logLevel = level
        return MultiplexLogHandler([console, BridgeLogRelayHandler(label: label)])
    }
}
