#!/usr/bin/env bash
# `make fuzz` part: 2,000 sockets held open against `gatehouse run`'s HTTP listener (half idle,
# half trickling a header), while requests on fresh connections must still be answered within
# 1 s and /healthz stay healthy. Own broker and store in a temporary folder.
#
#   scripts/slowloris.sh [sockets] [seconds]
# Figures: bench/results/slowloris.json.
set -euo pipefail
cd "$(dirname "$0")/.."
sockets=${1:-2000}
seconds=${2:-20}
SWIFT=${SWIFT:-swift}
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/gatehouse-slowloris.XXXXXX")
bridge_pid=
cleanup() {
    [[ -n $bridge_pid ]] && kill "$bridge_pid" 2>/dev/null && wait "$bridge_pid" 2>/dev/null
    scripts/broker.sh stop-all "$run_dir" >/dev/null 2>&1 || true
    rm -rf "$run_dir"
}
trap cleanup EXIT INT TERM

$SWIFT build --product gatehouse >/dev/null
port=$(scripts/broker.sh start "$run_dir/broker")
http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$run_dir/gatehouse.yml" <<YAML
instance: slowloris
mqtt: { url: "mqtt://127.0.0.1:$port" }
http: { listen: "127.0.0.1:$http_port", apiKey: slowloris-key }
store: { path: "$run_dir/gatehouse.sqlite" }
YAML
"$($SWIFT build --show-bin-path)/gatehouse" run --config "$run_dir/gatehouse.yml" --log-level warning \
    >"$run_dir/gatehouse.log" 2>&1 &
bridge_pid=$!
for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$http_port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
mkdir -p bench/results
status=0
python3 scripts/slowloris.py "http://127.0.0.1:$http_port/metrics" --header "X-API-Key: slowloris-key" \
    --sockets "$sockets" --seconds "$seconds" | tee bench/results/slowloris.json || status=1
curl -fsS "http://127.0.0.1:$http_port/healthz" >/dev/null || { echo "slowloris: /healthz unhealthy afterwards" >&2; status=1; }
kill -0 "$bridge_pid" 2>/dev/null || { echo "slowloris: gatehouse exited" >&2; tail -20 "$run_dir/gatehouse.log" >&2; status=1; }
exit $status
