/// The `struct mosquitto *` of one client.
///
/// `@unchecked Sendable` is safe here because: the pointer itself never changes; libmosquitto is
/// built with thread support (Debian's is) and guards its client state with internal mutexes, which
/// makes publish/subscribe/disconnect callable from any thread while `mosquitto_loop_start` runs;
/// and `MQTTClient` destroys the handle only in `deinit`, after stopping the loop, when no other
/// reference can exist.
struct MosquittoHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
