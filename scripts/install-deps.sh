#!/usr/bin/env bash
# Installs the Debian packages the build, the demo and the tests need. Idempotent: does nothing
# when they are present, runs `apt-get update` only when an install needs it.
set -euo pipefail
# python3-yaml and python3-jsonschema: scripts/check-contract.py (run by /usr/bin/python3).
packages=(mosquitto mosquitto-clients libmosquitto-dev libsqlite3-dev libssl-dev python3 python3-yaml python3-jsonschema)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y -q "${missing[@]}"; then
    $sudo apt-get update -q
    $sudo apt-get install -y -q "${missing[@]}"
fi
