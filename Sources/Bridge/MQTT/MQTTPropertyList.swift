import CMosquitto
import Foundation

/// Converts between `MQTTProperties` and libmosquitto's property lists.
enum MQTTPropertyList {
    static func id(_ property: mqtt5_property) -> Int32 { Int32(property.rawValue) }

    /// A new list the caller must free with `mosquitto_property_free_all` (publish does not take it).
    static func make(_ properties: MQTTProperties) -> OpaquePointer? {
        var list: OpaquePointer? = nil
        if let topic = properties.responseTopic {
            mosquitto_property_add_string(&list, id(MQTT_PROP_RESPONSE_TOPIC), topic)
        }
        if let data = properties.correlationData {
            data.withUnsafeBytes { raw in
                _ = mosquitto_property_add_binary(
                    &list, id(MQTT_PROP_CORRELATION_DATA), raw.baseAddress, UInt16(clamping: raw.count))
            }
        }
        if let expiry = properties.messageExpiry {
            mosquitto_property_add_int32(&list, id(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL), expiry)
        }
        if let contentType = properties.contentType {
            mosquitto_property_add_string(&list, id(MQTT_PROP_CONTENT_TYPE), contentType)
        }
        for pair in properties.userProperties {
            mosquitto_property_add_string_pair(&list, id(MQTT_PROP_USER_PROPERTY), pair.name, pair.value)
        }
        return list
    }

    /// Copies the properties Gatehouse understands; strings and binaries returned by libmosquitto are ours to free.
    static func read(_ list: OpaquePointer?) -> MQTTProperties {
        var result = MQTTProperties()
        var cursor = list
        while let property = cursor {
            let identifier = mosquitto_property_identifier(property)
            switch identifier {
            case id(MQTT_PROP_RESPONSE_TOPIC):
                result.responseTopic = readString(property, identifier)
            case id(MQTT_PROP_CONTENT_TYPE):
                result.contentType = readString(property, identifier)
            case id(MQTT_PROP_CORRELATION_DATA):
                var value: UnsafeMutableRawPointer? = nil
                var length: UInt16 = 0
                if mosquitto_property_read_binary(property, identifier, &value, &length, false) != nil {
                    result.correlationData = value.map { Data(bytes: $0, count: Int(length)) } ?? Data()
                    free(value)
                }
            case id(MQTT_PROP_MESSAGE_EXPIRY_INTERVAL):
                var value: UInt32 = 0
                if mosquitto_property_read_int32(property, identifier, &value, false) != nil {
                    result.messageExpiry = value
                }
            case id(MQTT_PROP_USER_PROPERTY):
                var name: UnsafeMutablePointer<CChar>? = nil
                var value: UnsafeMutablePointer<CChar>? = nil
                if mosquitto_property_read_string_pair(property, identifier, &name, &value, false) != nil {
                    result.userProperties.append(
                        MQTTUserProperty(name.map { String(cString: $0) } ?? "", value.map { String(cString: $0) } ?? ""))
                    free(name)
                    free(value)
                }
            default:
                break
            }
            cursor = mosquitto_property_next(property)
        }
        return result
    }

    private static func readString(_ property: OpaquePointer, _ identifier: Int32) -> String? {
        var value: UnsafeMutablePointer<CChar>? = nil
        guard mosquitto_property_read_string(property, identifier, &value, false) != nil, let value else { return nil }
        defer { free(value) }
        return String(cString: value)
    }
}
