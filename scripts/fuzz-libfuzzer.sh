#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer (swiftc -sanitize=fuzzer,address: AddressSanitizer brings
# LeakSanitizer, so a leak fails the run like a crash; no Debian package is needed for it).
#
#   scripts/fuzz-libfuzzer.sh [json-parser|fias-decoder|all] [seconds per target]
#
# Defaults: all targets, FUZZ_SECONDS (600) each. Exits non-zero on a crash, a leak, a broken property
# (the harnesses trap), or an input that runs longer than FUZZ_INPUT_TIMEOUT (10 s), and prints the saved
# input and the command that replays it. Targets (Fuzz/<Target>/main.swift, seeds in Fuzz/<Target>/corpus):
#   json-parser   Sources/Topics/*.swift and the harness in one module: compiled with swiftc alone, no
#                 package build needed (about 20 s of CPU).
#   fias-decoder  The FIAS codec compiled as module FIAS against the NIOCore objects of the debug
#                 build (so it fuzzes the real decoder on real ByteBuffers; `swift build --target FIAS`
#                 first when there is no debug build), then the harness with the property test's
#                 reference and stream driver. Rebuilding NIO with the fuzzer flags through SwiftPM in a
#                 scratch folder would cost minutes of CPU and instrument NIO, which we do not fuzz.
# Binaries (fuzzer-O, fuzzer-Onone) are rebuilt only when a source is newer. Work in .build-fuzz/libfuzzer/<target>/: corpus/
# (grows across runs, seeds stay in Fuzz/), artifacts/ (crash-*, leak-*, timeout-*), fuzz.log.
set -uo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo_root
cd "$repo_root"

die() { echo "fuzz-libfuzzer.sh: $*" >&2; exit 2; }

SWIFT=${SWIFT:-swift}
SWIFTC=${SWIFTC:-swiftc}
target=${1:-all}
seconds=${2:-${FUZZ_SECONDS:-600}}
input_timeout=${FUZZ_INPUT_TIMEOUT:-10}
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || die "seconds must be a positive number, not '$seconds'"
work_root="$repo_root/.build-fuzz/libfuzzer"
# -O runs about 3 times as many inputs per second but takes about 3 times as long to compile (JSON: 34 s
# against 10 s here): worth it for long runs only. FUZZ_OPTIMIZE=-O or -Onone overrides.
optimize=${FUZZ_OPTIMIZE:-$( ((seconds >= 60)) && echo -O || echo -Onone)}
[[ $optimize == -O || $optimize == -Onone ]] || die "FUZZ_OPTIMIZE must be -O or -Onone"
flags=(-sanitize=fuzzer,address -parse-as-library "$optimize" -g)

# True when $1 is missing or older than any of the other files.
stale() {
    local binary=$1 source
    shift
    [[ -x $binary ]] || return 0
    for source in "$@"; do [[ $source -nt $binary ]] && return 0; done
    return 1
}

# ld.gold warns once per ASan helper symbol it cannot export: noise, not a problem.
quiet_link() { grep -v "Cannot export local symbol" || true; }

build_json_parser() {
    local dir=$1 sources=(Sources/Topics/*.swift Fuzz/JSONParser/main.swift)
    stale "$dir/fuzzer$optimize" "${sources[@]}" || return 0
    echo "fuzz-libfuzzer: building json-parser ($optimize)"
    "$SWIFTC" "${flags[@]}" -module-name Topics "${sources[@]}" -o "$dir/fuzzer$optimize" 2>&1 | quiet_link
    [[ ${PIPESTATUS[0]} -eq 0 ]]
}

build_fias_decoder() {
    local dir=$1 bin
    local codec=(Sources/Adapters/FIAS/Codec/*.swift)
    local support=(Tests/AdaptersTests/FIAS/Codec/{FIASFuzzReference,FIASFuzzInputs,FIASFuzzRandom,FIASFuzzStream}.swift)
    bin=$($SWIFT build --show-bin-path) || return 1
    # Only when missing: even a no-op `swift build` takes seconds, and a build without --build-tests after
    # one with it (make test's) may recompile targets with other flags.
    if [[ ! -d $bin/NIOCore.build || ! -d $bin/Modules ]]; then
        $SWIFT build --target FIAS >"$dir/swift-build.log" 2>&1 || { cat "$dir/swift-build.log" >&2; return 1; }
    fi
    stale "$dir/fuzzer$optimize" "${codec[@]}" "${support[@]}" Fuzz/FIASDecoder/main.swift || return 0
    echo "fuzz-libfuzzer: building fias-decoder ($optimize)"
    # NIOCore and the modules it links: their objects from the debug build, uninstrumented.
    local objects=() module
    for module in NIOCore NIOConcurrencyHelpers _NIODataStructures _NIOBase64 CNIOLinux CNIODarwin CNIOWindows \
        CNIOWASI CNIOOpenBSD CNIOFreeBSD CNIOAtomics DequeModule ContainersPreview InternalCollectionsUtilities \
        Atomics _AtomicsShims; do
        [[ -d $bin/$module.build ]] && mapfile -t -O "${#objects[@]}" objects < <(find "$bin/$module.build" -name '*.o')
    done
    # The C modules behind NIOCore (CNIOLinux, _AtomicsShims, …): their module maps, as SwiftPM passes them.
    local map clang=()
    for map in "$bin"/*.build/module.modulemap .build/checkouts/*/Sources/*/include/module.modulemap; do
        [[ -f $map ]] && clang+=(-Xcc -fmodule-map-file="$PWD/${map#"$PWD/"}" -Xcc -I -Xcc "$(dirname "$map")")
    done
    local codec_dir="$dir/codec$optimize"
    mkdir -p "$codec_dir"
    "$SWIFTC" "${flags[@]}" "${clang[@]}" -module-name FIAS -I "$bin/Modules" -emit-module \
        -emit-module-path "$codec_dir/FIAS.swiftmodule" -emit-library -static -o "$codec_dir/libFIAS.a" "${codec[@]}" \
        2>&1 | quiet_link
    [[ ${PIPESTATUS[0]} -eq 0 ]] || return 1
    "$SWIFTC" "${flags[@]}" "${clang[@]}" -module-name FIASDecoderFuzz -I "$codec_dir" -I "$bin/Modules" \
        Fuzz/FIASDecoder/main.swift "${support[@]}" "$codec_dir/libFIAS.a" "${objects[@]}" -o "$dir/fuzzer$optimize" \
        2>&1 | quiet_link
    [[ ${PIPESTATUS[0]} -eq 0 ]]
}

# Runs one target for $seconds; 0 when clean, 1 on a finding.
run_target() {
    local name=$1 source_dir=$2 dir="$work_root/$1" status
    mkdir -p "$dir/corpus" "$dir/artifacts"
    "build_${name//-/_}" "$dir" || { echo "fuzz-libfuzzer: $name: build failed" >&2; return 1; }
    local options=(-max_total_time="$seconds" -timeout="$input_timeout" -rss_limit_mb=2048 -max_len=4096
        -print_final_stats=1 -artifact_prefix="$dir/artifacts/")
    [[ -f $source_dir/json.dict ]] && options+=(-dict="$source_dir/json.dict")
    echo "fuzz-libfuzzer: $name for ${seconds} s (log: $dir/fuzz.log)"
    local before
    before=$(date +%s)
    # The Swift runtime's backtracer would catch the trap first and exit without libFuzzer saving the input.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=1 \
        "$dir/fuzzer$optimize" "${options[@]}" "$dir/corpus" "$source_dir/corpus" >"$dir/fuzz.log" 2>&1
    status=$?
    local runs rate
    runs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$dir/fuzz.log")
    rate=$(awk '/stat::average_exec_per_sec/ { print $2 }' "$dir/fuzz.log")
    if [[ $status -eq 0 ]]; then
        echo "fuzz-libfuzzer: $name: passed: ${runs:-?} runs in $(($(date +%s) - before)) s (${rate:-?}/s), corpus $(find "$dir/corpus" -type f | wc -l) inputs"
        return 0
    fi
    local artifact
    artifact=$(grep -o "Test unit written to .*" "$dir/fuzz.log" | tail -n 1 | sed 's/^Test unit written to //')
    grep -E "SUMMARY|Fatal error|ERROR: libFuzzer|leaked" "$dir/fuzz.log" | head -n 5 >&2
    echo "fuzz-libfuzzer: $name: FAILED (exit $status) after $(($(date +%s) - before)) s; log $dir/fuzz.log" >&2
    if [[ -n $artifact ]]; then
        echo "fuzz-libfuzzer: reproducer: $artifact" >&2
        echo "fuzz-libfuzzer: replay: SWIFT_BACKTRACE=enable=no $dir/fuzzer$optimize $artifact" >&2
    fi
    return 1
}

case $target in
    json-parser) targets=(json-parser) ;;
    fias-decoder) targets=(fias-decoder) ;;
    all) targets=(json-parser fias-decoder) ;;
    *) die "unknown target '$target' (json-parser, fias-decoder or all)" ;;
esac

status=0
for name in "${targets[@]}"; do
    case $name in
        json-parser) run_target json-parser Fuzz/JSONParser || status=1 ;;
        fias-decoder) run_target fias-decoder Fuzz/FIASDecoder || status=1 ;;
    esac
done
exit $status
