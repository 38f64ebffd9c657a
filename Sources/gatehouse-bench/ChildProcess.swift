import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with posix_spawn (PATH searched), waited for off the task pool.
/// Foundation's `Process.waitUntilExit` spins a run loop and was seen to hang on pool threads.
struct ChildProcess: Sendable {
    /// Where a child's stdout or stderr goes.
    enum Output: Sendable {
        case inherit, null, pipe
        case file(String)
    }

    let pid: pid_t
    /// The read end of the child's stdout when it was `.pipe`; the caller closes it.
    let stdoutPipe: Int32?
    let name: String

    static func spawn(
        _ executable: String, _ arguments: [String], stdin: String? = nil, stdout: Output = .null,
        stderr: Output = .inherit, environment: [String: String] = [:]
    ) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin ?? "/dev/null", O_RDONLY, 0)
        var pipeFDs: [Int32] = [-1, -1]
        for (fd, output) in [(Int32(1), stdout), (Int32(2), stderr)] {
            switch output {
            case .inherit: break
            case .null: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0)
            case .file(let path):
                posix_spawn_file_actions_addopen(&actions, fd, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            case .pipe:
                guard pipe(&pipeFDs) == 0 else { throw BenchError("pipe() failed") }
                // Close-on-exec so no other child (the broker, a later mosquitto_pub) keeps the pipe open.
                for end in pipeFDs { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
                posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], fd)
            }
        }
        // Pool threads block most signals and a child inherits that mask: reset it, or the child
        // would ignore the SIGTERM that is meant to stop it.
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

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        if pipeFDs[1] >= 0 { close(pipeFDs[1]) }
        guard rc == 0 else {
            if pipeFDs[0] >= 0 { close(pipeFDs[0]) }
            throw BenchError("cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        return ChildProcess(pid: pid, stdoutPipe: pipeFDs[0] >= 0 ? pipeFDs[0] : nil, name: executable)
    }

    /// Waits for the exit on a thread of its own; returns the exit code (128 + signal if killed).
    func wait() async -> Int32 {
        await withCheckedContinuation { (done: CheckedContinuation<Int32, Never>) in
            Thread.detachNewThread { [pid] in
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                done.resume(returning: (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f))
            }
        }
    }

    /// Waits at most `timeout`, then kills the child (SIGKILL) and reports that it had to.
    func wait(timeout: Duration) async -> (status: Int32, killed: Bool) {
        let killer = Task { [pid] in
            try await Task.sleep(for: timeout)
            kill(pid, SIGKILL)
        }
        let status = await wait()
        let killed = !killer.isCancelled && status == 128 + SIGKILL
        killer.cancel()
        return (status, killed)
    }

    func signal(_ signal: Int32) { kill(pid, signal) }
}

/// A failure that stops one measurement; its message goes into the report.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
