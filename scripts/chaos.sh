#!/usr/bin/env bash
# `make chaos`: the delivery fault matrix at full length against real processes. Crossings at
# 500/s to a real `gatehouse run` (Vanke adapter, platform simulator) while it is SIGKILLed at
# random points, SIGTERMed (a deploy), or the broker restarts; afterwards every crossing the
# broker acknowledged must have reached the platform exactly once or be a failed record. Then
# the single faults: the store's disk full, the broker down during receiveOpenGate, a lock
# server slower than the FIAS budget and than the facade (cards cut, cut twice, in doubt).
#
#   scripts/chaos.sh [FAULTS] [SECONDS]     default: 20 faults of each kind over 40 s of load
#
# Figures per fault (published, pushed, failed, lost, duplicated, in doubt, seconds to recover)
# go to bench/results/chaos-<UTC timestamp>.json and are printed. `make test` runs the same
# tests in a short form (2 faults over 5 s each). Summary and command: docs/reliability.md.
set -uo pipefail
cd "$(dirname "$0")/.."
faults=${1:-20}
seconds=${2:-40}
SWIFT=${SWIFT:-swift}
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-chaos.XXXXXX")
cleanup() {
    scripts/broker.sh stop-all "$run_dir" >/dev/null 2>&1 || true
    rm -rf "$run_dir"
}
trap cleanup EXIT INT TERM

$SWIFT build --build-tests || exit 1
port=$(scripts/broker.sh start "$run_dir/broker") || { echo "cannot start mosquitto" >&2; exit 1; }
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p bench/results
raw="$run_dir/figures.jsonl"
status=0
GATEHOUSE_TEST_BROKER_PORT=$port GATEHOUSE_TEST_DIR=$run_dir GATEHOUSE_BIN="$($SWIFT build --show-bin-path)/gatehouse" \
    GATEHOUSE_CHAOS_FAULTS=$faults GATEHOUSE_CHAOS_SECONDS=$seconds GATEHOUSE_CHAOS_RESULTS=$raw \
    $SWIFT test --skip-build \
    --filter 'DeliveryFaultTests|DiskFullTests|VankeStaleCommandTests|FIASKeyRecordTests/slowAndBusy|OZLocksFacadeTests/inDoubtThenRetry' || status=1
out="bench/results/chaos-$stamp.json"
python3 - "$raw" "$out" "$faults" "$seconds" <<'PY'
import json, sys, platform, os
raw, out, faults, seconds = sys.argv[1:]
runs = [json.loads(line) for line in open(raw)] if os.path.exists(raw) else []
report = {"command": f"make chaos CHAOS_ARGS='{faults} {seconds}'", "machine": {"cpus": os.cpu_count(), "kernel": platform.release()},
          "faults": runs}
json.dump(report, open(out, "w"), indent=2)
print(f"{'fault':<15}{'faults':>7}{'rate':>6}{'published':>10}{'pushed':>8}{'failed':>7}{'lost':>5}{'twice':>6}{'in doubt':>9}{'recover s':>10}")
for r in runs:
    if "rate" in r:
        print(f"{r['fault']:<15}{r['faults']:>7}{r['rate']:>6}{r['published']:>10}{r['pushed']:>8}{r['failed']:>7}{r['lost']:>5}{r['duplicated']:>6}{r['inDoubt']:>9}{r['recoverySeconds']:>10.1f}")
for r in runs:
    if "rate" not in r:
        print(f"{r['fault']}: " + ", ".join(f"{k} {v}" for k, v in sorted(r.items()) if k != "fault"))
print(f"report: {out}")
PY
exit $status
