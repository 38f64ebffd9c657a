#!/usr/bin/env bash
# `make fuzz`: the FIAS codec's seeded property test (Tests/AdaptersTests/FIAS/Codec/FIASFuzzTests.swift)
# with far more inputs than `make test` runs (10,000 there).
#
#   scripts/fuzz-fias.sh [iterations] [seed]
#
# Defaults: 200,000 inputs and a fresh seed each run, printed so that a failure can be replayed
# (the failing case also names its own seed). Environment:
#   FIAS_FUZZ_CONFIG=release  optimised build: far faster per input, but a release build of the
#                             test targets first (with -enable-testing, for @testable imports)
#   FIAS_FUZZ_PACKAGE=dir     run in another package that holds the same test target (a scratch copy)
#   SWIFT                     the swift binary
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo_root
cd "${FIAS_FUZZ_PACKAGE:-$repo_root}"

die() { echo "fuzz-fias.sh: $*" >&2; exit 1; }

SWIFT=${SWIFT:-swift}
iterations=${1:-${FIAS_FUZZ_ITERATIONS:-200000}}
seed=${2:-${FIAS_FUZZ_SEED:-$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')}}
config=${FIAS_FUZZ_CONFIG:-debug}
[[ $iterations =~ ^[0-9]+$ ]] || die "iterations must be a number, not '$iterations'"
[[ $seed =~ ^[0-9]+$ ]] || die "seed must be a number, not '$seed'"
[[ $config == debug || $config == release ]] || die "FIAS_FUZZ_CONFIG must be debug or release"

build_flags=(-c "$config")
[[ $config == release ]] && build_flags+=(-Xswiftc -enable-testing)

echo "fuzz-fias: building the tests ($config)"
$SWIFT build --build-tests "${build_flags[@]}"

echo "fuzz-fias: $iterations inputs, FIAS_FUZZ_SEED=$seed"
started=$(date +%s.%N)
status=0
FIAS_FUZZ_ITERATIONS=$iterations FIAS_FUZZ_SEED=$seed \
    $SWIFT test --skip-build "${build_flags[@]}" --filter FIASFuzzTests || status=$?
elapsed=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

if [[ $status -eq 0 ]]; then
    echo "fuzz-fias: passed: $iterations inputs in ${elapsed} s (FIAS_FUZZ_SEED=$seed)"
else
    echo "fuzz-fias: FAILED after ${elapsed} s; replay with: scripts/fuzz-fias.sh $iterations $seed" >&2
fi
exit $status
