#!/usr/bin/env bash
# `make fuzz`: every hostile-input check at full length, one after the other; a failing part does not stop
# the others, and the summary at the end names each part's outcome.
#   1. scripts/fuzz-fias.sh      the FIAS codec's seeded property test (FUZZ_ARGS="[iterations] [seed]")
#   2. the request payload property test, PAYLOAD_PROPERTY_COUNT (5000) inputs per property and payload type
#   3. scripts/fuzz-libfuzzer.sh JSONParser and the FIAS decoder, FUZZ_SECONDS (600) each
#   4. scripts/fuzz-http.sh      schemathesis, FUZZ_HTTP_CASES (500) cases per operation
#   5. scripts/slowloris.sh      2,000 idle and trickling sockets; fresh requests still answered within 1 s
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
read -r -a fias_args <<<"${FUZZ_ARGS:-}"
results=()
run() {
    local name=$1 started=$SECONDS
    shift
    echo "== fuzz: $name"
    if "$@"; then results+=("passed  $name ($((SECONDS - started)) s)"); else results+=("FAILED  $name ($((SECONDS - started)) s)"); fi
}

run "FIAS codec property test" scripts/fuzz-fias.sh "${fias_args[@]}"
run "request payload property test" env PAYLOAD_PROPERTY_COUNT="${PAYLOAD_PROPERTY_COUNT:-5000}" \
    $SWIFT test --skip-build --filter RequestPayloadPropertyTests
run "libFuzzer" scripts/fuzz-libfuzzer.sh all "${FUZZ_SECONDS:-600}"
# The binary of step 1's test build: a `swift build --product gatehouse` here would build without the test
# flags, and the next `swift build --build-tests` would recompile targets.
run "schemathesis" env FUZZ_HTTP_EXTRA_CHECKS="${FUZZ_HTTP_EXTRA_CHECKS-error_names_a_field}" \
    GATEHOUSE_BIN="${GATEHOUSE_BIN:-$($SWIFT build --show-bin-path)/gatehouse}" scripts/fuzz-http.sh "${FUZZ_HTTP_CASES:-500}"

run "slowloris" scripts/slowloris.sh "${SLOWLORIS_SOCKETS:-2000}" "${SLOWLORIS_SECONDS:-20}"

printf '%s\n' "== fuzz summary" "${results[@]}"
! printf '%s\n' "${results[@]}" | grep -q '^FAILED'
