#!/usr/bin/env bash
# The Python tools of the fuzz targets, pinned, in .build-fuzz-venv (gitignored, like every .build-* folder).
# Idempotent: does nothing when the pinned versions are installed. Needs python3 with venv (Debian: python3-venv).
set -euo pipefail
cd "$(dirname "$0")/.."
readonly venv=.build-fuzz-venv
readonly pins=(schemathesis==4.32.5)
if [[ -x $venv/bin/python ]] && "$venv/bin/python" -m pip freeze 2>/dev/null | grep -qxF "${pins[0]}"; then
    exit 0
fi
echo "install-fuzz-venv: ${pins[*]} into $venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}"
