import Foundation

/// Keeps packets from other threads out of libmosquitto's queue while a connect runs, so that
/// CONNECT is the first packet of every connection.
///
/// `mosquitto_connect` stores the new socket at once, then connects TCP, sets up TLS (loading the
/// CA, certificate and key files: milliseconds) and queues CONNECT only at its end. libmosquitto
/// decides "connected" for publish, subscribe and unsubscribe by the socket alone, so a call from
/// another thread in that window queues its packet ahead of CONNECT, and the broker closes a
/// connection whose first packet is not CONNECT ("Client <unknown> disconnected due to protocol
/// error"). The bridge publishes its Home Assistant discovery as it starts: its first TLS connect
/// failed so in 45 of 105 starts, and in none of 90 with this gate (docs/broker.md, "TLS").
///
/// So those calls wait here while a connect runs, at most `patience`. One that waited in vain goes
/// ahead and marks the connect; the network loop then connects again at once, which drops the
/// packets queued meanwhile (QoS 1/2 messages stay queued and go out after the CONNACK). A QoS 0
/// publish does not wait: it is refused as "not connected", as it would be a moment earlier.
///
/// `@unchecked Sendable` is safe: the two stored flags are read and written only while
/// `condition` is locked.
final class MQTTConnectGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var connecting = false
    private var intruded = false
    /// Longer than a connect takes on a working network (DNS, TCP handshake, TLS files), also on a
    /// loaded machine (250 ms was exceeded by a 140-CA bundle with `make test` running); short
    /// enough that a QoS 1 publisher is not held for long by a connect to an unreachable broker.
    private let patience: TimeInterval = 1

    /// Runs `queue`, a libmosquitto call that may queue a packet, never during a connect if it can help it.
    func queuing<T, E: Error>(_ queue: () throws(E) -> T) throws(E) -> T {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: patience)
        while connecting && condition.wait(until: deadline) {}
        if connecting { intruded = true }
        return try queue()
    }

    /// Runs `queue` unless a connect runs; nil when one does (for what need not wait: QoS 0).
    func unlessConnecting<T>(_ queue: () -> T) -> T? {
        condition.lock()
        defer { condition.unlock() }
        return connecting ? nil : queue()
    }

    /// Runs `connect` (on the network thread) and says whether a packet may have been queued
    /// before its CONNECT.
    func connect(_ connect: () -> Int32) -> (rc: Int32, intruded: Bool) {
        condition.lock()
        connecting = true
        intruded = false
        condition.unlock()
        let rc = connect()
        condition.lock()
        connecting = false
        let intruded = self.intruded
        condition.broadcast()
        condition.unlock()
        return (rc, intruded)
    }
}
