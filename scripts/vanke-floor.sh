#!/usr/bin/env bash
# The Vanke recognition path next to its floor, in one run: the bench's Vanke part through
# `gatehouse run`, then through bench/floors's vanke-floor, against one private broker.
#
#   scripts/vanke-floor.sh [gatehouse-bench options]    e.g. --vanke-rate 2000 --vanke-seconds 30
#
# Builds vanke-floor (release; the first build compiles NIO, AsyncHTTPClient, GRDB and
# swift-crypto again, about 15 minutes on 2 cores) and the release gatehouse and gatehouse-bench,
# then runs `gatehouse-bench --skip` everything but the Vanke part with `--vanke-floor`.
# See docs/performance.md, "The Vanke floor". Not part of `make test`, `make bench` or CI.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo_root
floor="$repo_root/bench/floors"

swift build -c release --package-path "$floor" --product vanke-floor >&2
floor_bin="$(swift build -c release --package-path "$floor" --show-bin-path)/vanke-floor"
swift build -c release --package-path "$repo_root" >&2

exec "$repo_root/scripts/run-bench.sh" --skip throughput --skip roundtrip --skip memory --skip polling --skip facade \
    --vanke-floor "$floor_bin" "$@"
