#!/usr/bin/env bash
# The OZLocks facade round trip next to its floor, in one run: the bench's facade part (null,
# direct, floor, facade rows) against a private broker.
#
#   scripts/facade-floor.sh [gatehouse-bench options]    e.g. --facade-rate 1000 --facade-seconds 30
#
# Builds bench/floors's facade-floor (release; the first build compiles NIO, Hummingbird and
# AsyncHTTPClient again, about 15 minutes on 2 cores) and the release gatehouse and gatehouse-bench,
# then runs `gatehouse-bench --skip` everything but the facade part with `--facade-floor`.
# See docs/performance.md, "The facade's floor". Not part of `make test`, `make bench` or CI.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo_root
floor="$repo_root/bench/floors"

swift build -c release --package-path "$floor" --product facade-floor >&2
floor_bin="$(swift build -c release --package-path "$floor" --show-bin-path)/facade-floor"
swift build -c release --package-path "$repo_root" >&2

exec "$repo_root/scripts/run-bench.sh" --skip throughput --skip roundtrip --skip memory --skip polling --skip vanke \
    --facade-floor "$floor_bin" "$@"
