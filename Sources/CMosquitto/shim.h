#include <stdlib.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>

/* Three OpenSSL functions, declared exactly as <openssl/ssl.h> and <openssl/x509.h> declare them
 * (including those headers would import all of OpenSSL into Swift). libmosquitto logs only
 * "certificate verify failed" for a refused broker certificate; the verify result of its SSL
 * object (mosquitto_ssl_get) says why: expired, unknown issuer, ... */
typedef struct ssl_st SSL;
long SSL_get_verify_result(const SSL *ssl);
const char *X509_verify_cert_error_string(long n);
/* OpenSSL's own CA directory (/usr/lib/ssl/certs on Debian): mosquitto_tls_set wants a CA file
 * or directory even when the system CAs are meant. */
const char *X509_get_default_cert_dir(void);
