#!/usr/bin/env bash
# Installs the Debian packages the build, the demo and the tests need. Idempotent: does nothing
# when they are present, runs `apt-get update` only when an install needs it.
set -euo pipefail
# python3-yaml and python3-jsonschema: scripts/check-contract.py (run by /usr/bin/python3).
packages=(mosquitto mosquitto-clients libmosquitto-dev libsqlite3-dev libssl-dev python3 python3-yaml python3-jsonschema openssl curl)
# chromium: the operator console's headless-browser test (scripts/console-browser.py). Optional:
# when it cannot be installed the build goes on and that test is skipped, saying why.
optional=(chromium)

missing_of() {
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
    done
}
mapfile -t missing < <(missing_of "${packages[@]}")
mapfile -t missing_optional < <(missing_of "${optional[@]}")
[ ${#missing[@]} -eq 0 ] && [ ${#missing_optional[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
updated=false
install() {
    $sudo apt-get install -y -q "$@" && return 0
    $updated && return 1
    updated=true
    $sudo apt-get update -q && $sudo apt-get install -y -q "$@"
}
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    install "${missing[@]}"
fi
if [ ${#missing_optional[@]} -gt 0 ]; then
    echo "installing (optional): ${missing_optional[*]}"
    install "${missing_optional[@]}" || echo "warning: could not install ${missing_optional[*]}; the console's browser test will be skipped" >&2
fi
