import CMosquitto

// libmosquitto calls these on its own thread. They are file-scope functions, not closures, so they
// never inherit an actor's isolation (a main-actor closure traps when called from that thread).

private func context(_ userdata: UnsafeMutableRawPointer?) -> MQTTCallbackContext? {
    userdata.map { Unmanaged<MQTTCallbackContext>.fromOpaque($0).takeUnretainedValue() }
}

func mqttOnConnect(
    _ handle: OpaquePointer?, _ userdata: UnsafeMutableRawPointer?, _ rc: Int32, _ flags: Int32,
    _ properties: OpaquePointer?
) {
    guard let handle else { return }
    context(userdata)?.didConnect(handle, rc: rc, flags: flags)
}

func mqttOnDisconnect(
    _ handle: OpaquePointer?, _ userdata: UnsafeMutableRawPointer?, _ rc: Int32, _ properties: OpaquePointer?
) {
    context(userdata)?.didDisconnect(rc: rc)
}

func mqttOnMessage(
    _ handle: OpaquePointer?, _ userdata: UnsafeMutableRawPointer?, _ message: UnsafePointer<mosquitto_message>?,
    _ properties: OpaquePointer?
) {
    guard let message else { return }
    context(userdata)?.didReceive(message, properties)
}

func mqttOnSubscribe(
    _ handle: OpaquePointer?, _ userdata: UnsafeMutableRawPointer?, _ mid: Int32, _ count: Int32,
    _ grantedQoS: UnsafePointer<Int32>?, _ properties: OpaquePointer?
) {
    context(userdata)?.didSubscribe(mid: mid)
}

func mqttOnPublish(
    _ handle: OpaquePointer?, _ userdata: UnsafeMutableRawPointer?, _ mid: Int32, _ reasonCode: Int32,
    _ properties: OpaquePointer?
) {
    context(userdata)?.didPublish(mid: mid, reasonCode: reasonCode)
}

func mqttOnLog(_ handle: OpaquePointer?, _ userdata: UnsafeMutableRawPointer?, _ level: Int32, _ line: UnsafePointer<CChar>?) {
    guard let line else { return }
    context(userdata)?.didLog(level: level, String(cString: line))
}
