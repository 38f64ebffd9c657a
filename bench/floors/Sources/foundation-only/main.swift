import Foundation

// Foundation loaded and used once (JSON, a date), then idle: what every Swift server on Linux pays.
_ = try JSONSerialization.data(withJSONObject: ["idle": true])
_ = Date().description
while true { sleep(3600) }
