#!/usr/bin/env bash
# Benchmarks against a private mosquitto: what `make bench` runs after the release build.
#
#   scripts/run-bench.sh [gatehouse-bench options]    e.g. --repeats 5, --seconds 5, --skip memory
#
# Starts one broker with scripts/broker.sh (the repository's mosquitto.conf tuning) on a free
# loopback port, runs gatehouse-bench against it, and stops the broker on exit, even on failure
# or Ctrl-C. Results: bench/results/<UTC timestamp>.json and bench/results/latest.json.
# BIN_DIR picks the built binaries (default: `swift build -c release --show-bin-path`), e.g.
# BIN_DIR=.build-bench/release while developing with a scratch build folder.
# Needs: mosquitto, mosquitto_pub/mosquitto_sub (mosquitto-clients), python3, flock.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo_root
cd "$repo_root"

die() { echo "run-bench.sh: $*" >&2; exit 1; }

bin_dir="${BIN_DIR:-$(swift build -c release --show-bin-path)}"
readonly bin_dir
[[ -x $bin_dir/gatehouse-bench ]] || die "$bin_dir/gatehouse-bench is missing: build it first (make bench does)"
gatehouse_args=(--gatehouse "$bin_dir/gatehouse")
if [[ ! -x $bin_dir/gatehouse ]]; then
    echo "run-bench.sh: $bin_dir/gatehouse is missing: the memory, facade and polling parts will fail" >&2
    gatehouse_args=()
fi
for tool in mosquitto_pub mosquitto_sub; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install mosquitto-clients)"
done

work="$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-bench.XXXXXX")"
readonly work
cleanup() {
    "$repo_root/scripts/broker.sh" stop "$work/broker" || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port="$("$repo_root/scripts/broker.sh" start "$work/broker")"

# QoS 1 runs queue up to --qos1-messages (100k) for the subscriber; the broker drops silently past
# max_queued_messages (default 1000), so refuse a broker tuned below the bench's needs.
conf="$work/broker/mosquitto.conf"
queued="$(awk '$1 == "max_queued_messages" { v = $2 } END { print v }' "$conf")"
[[ -n $queued ]] || die "$conf sets no max_queued_messages (mosquitto's default, 1000, drops bench messages)"
if ((queued != 0 && queued < 100000)); then
    die "max_queued_messages is $queued in $conf: the QoS 1 throughput runs need 100000 or more (or 0)"
fi

if [[ -n ${MAKELEVEL:-} ]]; then
    command_line="make bench${*:+ BENCH_ARGS='$*'}"
else
    command_line="scripts/run-bench.sh${*:+ $*}"
fi
[[ -z ${BIN_DIR:-} ]] || command_line="BIN_DIR=$BIN_DIR $command_line"

"$bin_dir/gatehouse-bench" \
    --port "$port" \
    --broker-pid "$(<"$work/broker/pid")" \
    --broker-config "$conf" \
    "${gatehouse_args[@]}" \
    --results "$repo_root/bench/results" \
    --work-dir "$work/scratch" \
    --command "$command_line" \
    --toolchain "$(swift --version 2>&1 | head -n 1)" \
    "$@"
