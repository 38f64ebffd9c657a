import CMosquitto
import Foundation
import Synchronization

/// TLS on a libmosquitto handle: the broker's CA, the client certificate, verification.
///
/// libmosquitto keeps the file names and reads the files at every connect (`net__init_ssl_ctx`
/// loads the CA, the certificate chain and the key into the handle's `SSL_CTX` each time), so a
/// certificate renewed on disk is used from the next reconnect on. A CA file read again is added
/// to the CAs already trusted: a CA that is taken away stays trusted until the process restarts.
enum MQTTTLSSetup {
    /// Applies `tls` to `handle`, before anything can connect. Files that cannot be read now
    /// throw, naming the key and the file, rather than libmosquitto's bare "Invalid arguments".
    static func apply(_ tls: MQTTTLSOptions, to handle: OpaquePointer) throws(MQTTError) {
        for (key, path) in [("ca", tls.caFile), ("cert", tls.certFile), ("key", tls.keyFile)] {
            guard let path else { continue }
            if let problem = TLSFileCheck.unreadable(path) { throw .tls("mqtt.tls.\(key) \(problem)") }
        }
        var capath: String? = nil
        if tls.caFile == nil {
            try check(mosquitto_int_option(handle, MOSQ_OPT_TLS_USE_OS_CERTS, 1), "use the system CAs")
            // mosquitto_tls_set refuses to run without a CA file or directory.
            capath = String(cString: X509_get_default_cert_dir())
        }
        try check(mosquitto_tls_set(handle, tls.caFile, capath, tls.certFile, tls.keyFile, nil), "set the TLS files")
        if tls.insecure {
            // SSL_VERIFY_NONE: the broker's certificate is not checked at all (issuer, expiry, host
            // name); tls_insecure_set alone would skip only the host name.
            try check(mosquitto_tls_opts_set(handle, 0, nil, nil), "turn verification off")
            try check(mosquitto_tls_insecure_set(handle, true), "turn verification off")
        }
    }

    private static func check(_ rc: Int32, _ what: String) throws(MQTTError) {
        guard rc != MOSQ_ERR_SUCCESS.rawValue else { return }
        throw .tls("cannot \(what): \(String(cString: mosquitto_strerror(rc)))")
    }

    private static func check(_ rc: mosq_err_t, _ what: String) throws(MQTTError) { try check(Int32(rc.rawValue), what) }

    // MARK: the first TLS connect of the process

    /// libmosquitto 2.0.11 initialises OpenSSL lazily, inside the first TLS connect of the process
    /// (`net__init_tls`), through unsynchronised statics: the flag `is_tls_initialized` and
    /// `tls_ex_index_mosq`, the slot in which each SSL object finds its client. The bridge's
    /// connection, its intake and the console's connect at the same moment on threads of their
    /// own; two first connects interleaving there can each allocate a slot, and a handshake whose
    /// client was stored under the other slot fails certificate verification. So TLS connects run
    /// one at a time until one of them has got past that initialisation; after it, in parallel.
    /// (Read in lib/net_mosq.c, not observed; that a client without its slot is refused as
    /// "unspecified certificate verification error" was.)
    private static let initialised = Atomic<Bool>(false)
    private static let firstConnect = Mutex(())

    /// Runs `connect` (a libmosquitto connect call on a TLS handle) and returns its result.
    static func connect(_ connect: () -> Int32) -> Int32 {
        if initialised.load(ordering: .acquiring) { return connect() }
        return firstConnect.withLock { _ in
            let rc = connect()
            // OpenSSL is initialised once the TCP connection stood and the SSL context was made:
            // a success, or a TLS error in loading the files or the handshake's first step.
            if rc == MOSQ_ERR_SUCCESS.rawValue || rc == MOSQ_ERR_TLS.rawValue {
                initialised.store(true, ordering: .releasing)
            }
            return rc
        }
    }
}

extension MQTTTLSSetup {
    /// Reads the verify result of the handshake on `handle`, if its SSL object still exists, and
    /// wraps the verification of libmosquitto's SSL_CTX (made at the first TLS connect, kept for
    /// the handle's life) so that later results are kept even when libmosquitto frees the SSL
    /// object inside mosquitto_connect. On the network thread.
    static func observeVerification(_ handle: OpaquePointer, context: MQTTCallbackContext, userdata: UnsafeMutableRawPointer) {
        guard let ssl = mosquitto_ssl_get(handle).map(OpaquePointer.init) else { return }
        let result = SSL_get_verify_result(ssl)
        if result != 0 { context.verifyResult.store(result, ordering: .relaxed) }
        if !context.verificationObserved.exchange(true, ordering: .relaxed), let sslContext = SSL_get_SSL_CTX(ssl) {
            SSL_CTX_set_cert_verify_callback(sslContext, mqttVerifyCertificate, userdata)
        }
    }
}

/// OpenSSL's verification of the broker's certificate chain, wrapped: the same verification
/// (libmosquitto's host name check included, as the store's verify callback), its X509_V_ERR_*
/// kept in the client's context for `MQTTConnectFailure`. Runs on the network thread, inside the
/// handshake; a file-scope function, so it never inherits an actor's isolation.
private func mqttVerifyCertificate(_ store: OpaquePointer?, _ userdata: UnsafeMutableRawPointer?) -> Int32 {
    guard let store else { return 0 }
    let verified = X509_verify_cert(store)
    if let userdata {
        let context = Unmanaged<MQTTCallbackContext>.fromOpaque(userdata).takeUnretainedValue()
        context.verifyResult.store(Int(X509_STORE_CTX_get_error(store)), ordering: .relaxed)
    }
    return verified
}
