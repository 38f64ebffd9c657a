#!/usr/bin/env bash
# The idle-RSS floor of Gatehouse's stack, next to `gatehouse run` idle, in one run.
#
#   scripts/rss-floor.sh [seconds idle, default 5]
#
# Builds bench/floors (release; the first build compiles NIO, Hummingbird, GRDB and
# AsyncHTTPClient again, about 15 minutes on 2 cores), starts each of its programs, waits, and
# prints VmRSS, RssAnon and RssFile from /proc/<pid>/status. When the release `gatehouse` is
# built, it is measured the same way against a private broker (scripts/broker.sh), as the bench's
# memory part does. See docs/performance.md, "The idle RSS floor".
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo_root
idle="${1:-5}"
floor="$repo_root/bench/floors"

swift build -c release --package-path "$floor" >&2
floor_bin="$(swift build -c release --package-path "$floor" --show-bin-path)"

work="$(mktemp -d "${TMPDIR:-/tmp}/rss-floor.XXXXXX")"
readonly work
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    "$repo_root/scripts/broker.sh" stop "$work/broker" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

measure() { # name pid
    local name=$1 pid=$2
    sleep "$idle"
    kill -0 "$pid" 2>/dev/null || { echo "$name exited early (log: $work/$name.log)" >&2; cat "$work/$name.log" >&2; exit 1; }
    awk -v name="$name" '/^VmRSS|^RssAnon|^RssFile/ { v[$1] = $2 }
        END { printf "%-18s VmRSS %6.1f MiB   RssAnon %5.1f MiB   RssFile %5.1f MiB\n", name, v["VmRSS:"]/1024, v["RssAnon:"]/1024, v["RssFile:"]/1024 }' \
        "/proc/$pid/status"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

for program in foundation-only hummingbird-only hummingbird-grdb mandated-stack; do
    TMPDIR="$work" "$floor_bin/$program" >"$work/$program.log" 2>&1 &
    pids+=($!)
    measure "$program" $!
done

gatehouse="$(swift build -c release --package-path "$repo_root" --show-bin-path)/gatehouse"
if [[ -x $gatehouse ]]; then
    port="$("$repo_root/scripts/broker.sh" start "$work/broker")"
    GATEHOUSE_MQTT_URL="mqtt://127.0.0.1:$port" GATEHOUSE_MQTT_BASE_TOPIC=rss-floor \
        GATEHOUSE_STORE_PATH="$work/gatehouse.sqlite" GATEHOUSE_HTTP_LISTEN=127.0.0.1:0 \
        "$gatehouse" run >"$work/gatehouse-run.log" 2>&1 &
    pids+=($!)
    measure "gatehouse run" $!
else
    echo "(no release gatehouse at $gatehouse: build it with swift build -c release to compare)"
fi
