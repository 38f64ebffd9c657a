import CMosquitto
import Dispatch
import Foundation
import Glibc
import Logging
import Synchronization

/// The connected phase of the loop: poll the socket, let libmosquitto read, write and keep alive,
/// until the connection ends or a stop is asked for.
extension MQTTNetworkLoop {
    /// Serves one connection until it ends or a stop has disconnected it. True when the broker
    /// accepted the connection; otherwise `evidence` says what ended it.
    func serve(_ evidence: inout MQTTConnectFailure.Evidence) -> Bool {
        let acceptedBefore = context.acceptedConnects.load(ordering: .relaxed)
        var accepted: Bool { context.acceptedConnects.load(ordering: .relaxed) != acceptedBefore }
        let connacksBefore = context.connacks.load(ordering: .relaxed)
        var answered: Bool { context.connacks.load(ordering: .relaxed) != connacksBefore }
        var logging = true
        let connectDeadline = ContinuousClock.now + connectTimeout
        // While the TLS handshake runs, libmosquitto holds the queued CONNECT back: the socket stays
        // writable and want_write true, so waiting for POLLOUT would spin. Set after a write that
        // left the queue as it was; then only reads (the handshake's) are waited for, 10 ms at a time.
        var writeStalled = false
        var disconnectDeadline: ContinuousClock.Instant?
        // Wraps the verification of libmosquitto's SSL_CTX as soon as there is one (see MQTTTLSSetup).
        if options.tls != nil && !context.verificationObserved.load(ordering: .relaxed) { observeVerification() }
        while true {
            let socket = mosquitto_socket(handle)
            guard socket >= 0 else { return accepted }
            if logging && accepted {
                mosquitto_log_callback_set(handle, nil)
                logging = false
            }
            if disconnectDeadline == nil && !isRunning {
                mosquitto_disconnect(handle)
                disconnectDeadline = .now + .seconds(1)
            }
            if let deadline = disconnectDeadline, ContinuousClock.now >= deadline {
                abandon(socket)
                return accepted
            }
            if !accepted && disconnectDeadline == nil && ContinuousClock.now >= connectDeadline {
                // The next connect closes this socket.
                evidence.timedOut = connectTimeout
                return false
            }
            let wantWrite = mosquitto_want_write(handle) && !(writeStalled && !accepted)
            var fds = [
                pollfd(fd: socket, events: Int16(POLLIN) | (wantWrite ? Int16(POLLOUT) : 0), revents: 0),
                pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0),
            ]
            let timeout: Int32 = disconnectDeadline != nil ? 50 : (accepted ? 1000 : (writeStalled ? 10 : 100))
            let ready = poll(&fds, 2, timeout)
            if ready < 0 && errno != EINTR {
                logger.error("poll on the broker connection failed: \(String(cString: strerror(errno)))")
            }
            if fds[1].revents & Int16(POLLIN) != 0 {
                drainWakeups()
                wakePending.store(false, ordering: .releasing)
            }
            if fds[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                guard readUntilDrained(socket, &evidence) else {
                    // Read but never acknowledged (the connection is gone): stored all the same, so
                    // nothing depends on the broker's redelivery (a redelivered copy is recognised
                    // by its uuid).
                    _ = context.flushDurable()
                    return accepted
                }
                if options.tls != nil && !answered && Self.peerClosed(socket) {
                    // libmosquitto 2.0.11 takes an end of file during the TLS handshake
                    // (SSL_ERROR_SYSCALL) for "try again" and keeps the socket: without this it
                    // would spin here, silent, until the keep-alive ran out.
                    evidence.closedInHandshake = true
                    return false
                }
            }
            // Only after the events read are stored may their PUBACKs leave.
            guard context.flushDurable() else {
                logger.error("cannot store received events: dropping the connection unacknowledged; the broker keeps them")
                abandon(socket)
                return accepted
            }
            if mosquitto_want_write(handle) {
                _ = mosquitto_loop_write(handle, 1)
                guard mosquitto_socket(handle) >= 0 else { return accepted }
                writeStalled = mosquitto_want_write(handle)
            } else {
                writeStalled = false
            }
            _ = mosquitto_loop_misc(handle)
        }
    }

    /// Reads while the socket has data, up to `maxBatch` durable messages. False once the
    /// connection is closed.
    func readUntilDrained(_ socket: Int32, _ evidence: inout MQTTConnectFailure.Evidence) -> Bool {
        var reads = 0
        repeat {
            let rc = mosquitto_loop_read(handle, 1)
            guard mosquitto_socket(handle) >= 0 else {
                evidence.readResult = rc
                return false
            }
            reads += 1
        } while reads < 10 * maxBatch && context.durableBacklog < maxBatch && Self.readable(socket)
        return true
    }

    /// True when the peer has closed its end and nothing is left to read.
    private static func peerClosed(_ socket: Int32) -> Bool {
        var byte: UInt8 = 0
        return recv(socket, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) == 0
    }

    private static func readable(_ socket: Int32) -> Bool {
        var fd = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&fd, 1, 0) > 0 && fd.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0
    }

    /// Ends the connection without writing anything queued (libmosquitto discards its queue on the
    /// next connect): unacknowledged messages stay the broker's to deliver again.
    func abandon(_ socket: Int32) {
        context.discardDurable()
        shutdown(socket, Int32(SHUT_RDWR))
        var reads = 0
        while mosquitto_socket(handle) >= 0 && reads < 10_000 {
            _ = mosquitto_loop_read(handle, 1)
            reads += 1
        }
        context.discardDurable()
    }

    func drainWakeups() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while read(wakeFD, &bytes, bytes.count) > 0 {}
    }

    /// Sleeps for `delay`, or less when stopped.
    func pause(_ delay: Duration) {
        let deadline = ContinuousClock.now + delay
        while isRunning {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return }
            var fd = pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            if poll(&fd, 1, milliseconds) > 0 {
                drainWakeups()
                wakePending.store(false, ordering: .releasing)
            }
        }
    }
}
