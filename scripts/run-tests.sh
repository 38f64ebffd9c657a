#!/usr/bin/env bash
# `make test`: one private mosquitto for the run on a free loopback port, every test target,
# then the ACL example check and the topic contract check of the recorded traffic. The broker
# (and any broker a test started under the run folder) is stopped on exit, also when tests fail
# or the run is interrupted. Then the short forms of `make fuzz` (scripts/fuzz.sh): libFuzzer for a few
# seconds per target and schemathesis with a few cases per operation; the request payload property test
# runs with the other tests.
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-test.XXXXXX")
cleanup() {
    scripts/broker.sh stop-all "$run_dir" >/dev/null 2>&1 || true
    rm -rf "$run_dir"
}
trap cleanup EXIT INT TERM

$SWIFT build --build-tests || exit 1
port=$(scripts/broker.sh start "$run_dir/broker") || { echo "cannot start mosquitto" >&2; exit 1; }
echo "test broker: mosquitto on 127.0.0.1:$port"

status=0
# At most 8 tests at once: run all in parallel, the process held ~850 descriptors, and
# libmosquitto 2.0.11 waits on its socket with select(), which breaks for descriptors ≥ 1024.
# Every message the tests' MessageCollectors receive is logged for the contract check below.
# Artefacts that outlive the run folder (the console's browser screenshot) go to run/test-artifacts.
artifacts="$PWD/run/test-artifacts"
mkdir -p "$artifacts"
rm -f "$artifacts/console.png"
GATEHOUSE_TEST_BROKER_PORT=$port GATEHOUSE_TEST_DIR=$run_dir GATEHOUSE_BIN="$($SWIFT build --show-bin-path)/gatehouse" \
    GATEHOUSE_CONTRACT_LOG=$run_dir/contract.jsonl GATEHOUSE_ARTIFACTS_DIR=$artifacts \
    $SWIFT test --skip-build --experimental-maximum-parallelization-width 8 || status=1
[ -f "$artifacts/console.png" ] && echo "console screenshot: $artifacts/console.png"
# Hostile input, short forms. The fuzzer binaries are cached in .build-fuzz (rebuilt when a source changed).
scripts/fuzz-libfuzzer.sh all "${TEST_FUZZ_SECONDS:-5}" || status=1
GATEHOUSE_BIN="$($SWIFT build --show-bin-path)/gatehouse" scripts/fuzz-http.sh "${TEST_FUZZ_HTTP_CASES:-10}" || status=1
scripts/acl-check.sh || status=1
# The recorded traffic against docs/asyncapi.yaml (MQTT) and docs/openapi/*.yaml (the HTTP endpoints
# Gatehouse serves), with Debian's python3 and its yaml and jsonschema modules;
# the self-test first proves the checker fails on wrong payloads. Its last line is `contract: N passed, M failed`.
/usr/bin/python3 scripts/check-contract.py --self-test || status=1
/usr/bin/python3 scripts/check-contract.py "$run_dir/contract.jsonl" || status=1
exit $status
