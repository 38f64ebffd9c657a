#!/usr/bin/env bash
# A throw-away certificate authority for TLS tests and a development broker (docs/broker.md, "TLS").
#
#   scripts/tls-pki.sh DIR     writes into DIR (created), prints nothing on success
#
#   ca.crt ca.key                the CA: signs everything below
#   server.crt server.key        the broker, valid for localhost and 127.0.0.1
#   expired.crt                  the same key, expired yesterday
#   wrong-host.crt               the same key, valid only for broker.invalid
#   client.crt client.key        a client, CN "gatehouse" (use_identity_as_username: user gatehouse)
#   client-expired.crt           the same client key, expired yesterday
#   other-ca.crt                 an unrelated CA (a "wrong CA" for clients that verify the broker)
#
# EC P-256 keys: a run takes about 0.1 s. Valid for 2 days: never use these in production.
set -euo pipefail
[[ $# == 1 ]] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1
mkdir -p "$dir"
cd "$dir"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
# sign NAME KEY SUBJECT DAYS EXTENSIONS: NAME.crt signed by the CA; DAYS -1 makes it expired.
sign() {
    local name=$1 key=$2 subject=$3 days=$4 extensions=$5
    openssl req -new -key "$key" -subj "$subject" -out "$name.csr" 2>/dev/null
    printf '%s\n' "$extensions" >"$name.ext"
    openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" \
        -extfile "$name.ext" -out "$name.crt" 2>/dev/null
    rm -f "$name.csr" "$name.ext"
}

key ca.key
openssl req -x509 -new -key ca.key -subj "/CN=Gatehouse test CA" -days 2 -out ca.crt 2>/dev/null
key other-ca.key
openssl req -x509 -new -key other-ca.key -subj "/CN=Some other CA" -days 2 -out other-ca.crt 2>/dev/null

server_ext="subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
key server.key
sign server server.key "/CN=localhost" 2 "$server_ext"
sign expired server.key "/CN=localhost" -1 "$server_ext"
sign wrong-host server.key "/CN=broker.invalid" 2 "subjectAltName=DNS:broker.invalid
extendedKeyUsage=serverAuth"

key client.key
sign client client.key "/CN=gatehouse" 2 "extendedKeyUsage=clientAuth"
sign client-expired client.key "/CN=gatehouse" -1 "extendedKeyUsage=clientAuth"
rm -f other-ca.key ca.srl
# mosquitto started as root drops to user mosquitto unless told otherwise; readable keys either way.
chmod 0644 ./*.key
