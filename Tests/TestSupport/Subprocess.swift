import Foundation

/// Runs a short command to completion off the task pool: posix_spawn, read stdout to EOF, waitpid.
/// (Foundation's `Process.waitUntilExit` spins a run loop and was seen to hang on a pool thread.)
public enum Subprocess {
    public struct Result: Sendable {
        public let status: Int32
        public let output: String
    }

    public static func run(_ executable: String, _ arguments: [String]) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Swift.Result { try runBlocking(executable, arguments) })
            }
        }
    }

    static func runBlocking(_ executable: String, _ arguments: [String]) throws -> Result {
        var pipe: [Int32] = [0, 0]
        // Close-on-exec: the broker that broker.sh leaves running must not inherit our end of the pipe.
        guard Glibc.pipe(&pipe) == 0 else { throw TestFailure("pipe() failed") }
        for fd in pipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
        posix_spawn_file_actions_addclose(&actions, pipe[0])
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // Pool threads block most signals and a spawned process inherits that mask: without a reset,
        // the broker started through broker.sh would ignore the SIGTERM that stops it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        close(pipe[1])
        guard rc == 0 else {
            close(pipe[0])
            throw TestFailure("cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(pipe[0], &buffer, buffer.count)
            if n <= 0 { break }
            output.append(contentsOf: buffer[0..<n])
        }
        close(pipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exitCode, output: String(decoding: output, as: UTF8.self))
    }
}
