#include <stdlib.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>

/* OpenSSL functions, declared exactly as <openssl/ssl.h> and <openssl/x509.h> declare them
 * (including those headers would import all of OpenSSL into Swift). libmosquitto logs only
 * "certificate verify failed" for a refused broker certificate; the handshake's verify result
 * says why (expired, unknown issuer, ...). libmosquitto frees the SSL object that holds it when
 * the handshake fails inside mosquitto_connect, so Gatehouse also wraps the certificate
 * verification of libmosquitto's SSL_CTX (found through its SSL object) to keep each result.
 * (Handing libmosquitto an SSL_CTX of our own, MOSQ_OPT_SSL_CTX, breaks its host name check in
 * 2.0.11: the ex_data slot it needs is only allocated when it makes the context itself.) */
typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;
typedef struct x509_store_ctx_st X509_STORE_CTX;
long SSL_get_verify_result(const SSL *ssl);
SSL_CTX *SSL_get_SSL_CTX(const SSL *ssl);
void SSL_CTX_set_cert_verify_callback(SSL_CTX *ctx, int (*cb)(X509_STORE_CTX *, void *), void *arg);
int X509_verify_cert(X509_STORE_CTX *ctx);
int X509_STORE_CTX_get_error(const X509_STORE_CTX *ctx);
const char *X509_verify_cert_error_string(long n);
/* OpenSSL's own CA directory (/usr/lib/ssl/certs on Debian): mosquitto_tls_set wants a CA file
 * or directory even when the system CAs are meant. */
const char *X509_get_default_cert_dir(void);
