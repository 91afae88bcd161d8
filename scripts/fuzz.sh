#!/usr/bin/env bash
# Builds every fuzz target (tests/fuzz/fuzz_*.c) with clang, libFuzzer, ASan and UBSan into
# build-fuzz/, and runs each for SECONDS (default 30) from its corpus tests/fuzz/TARGET/.
#   scripts/fuzz.sh [SECONDS] [TARGET...]          CI: a crash, leak or timeout fails the run,
#                                                  its input saved in build-fuzz/crashes/
#   scripts/fuzz.sh --merge [SECONDS] [TARGET...]  also fold what the run found into the
#                                                  corpus, minimized (-merge=1 on edges), for a commit
# New inputs go to a temporary copy of each corpus: a CI run never writes into the tree.
set -euo pipefail
cd "$(dirname "$0")/.."

merge=false
if [ "${1:-}" = "--merge" ]; then
    merge=true
    shift
fi
seconds=${1:-30}
shift || true
. scripts/fuzz-targets.sh
targets=${*:-$all_fuzz_targets}
out=build-fuzz
mkdir -p "$out/obj" "$out/crashes"

CC=${CC:-clang}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
# Each part sees what its CMake target sees: src/ only the engine and the platform.
CFLAGS="-std=c11 -g -O1 -Wall -Wextra -Werror -Iinclude -Isrc/host/linux -Itools/winfuse $SAN"

# Objects are rebuilt only when their source changed.
compile() {
    local src=$1 obj=$out/obj/$(echo "$1" | tr / _).o flags=""
    case $src in
        src/engine/*) flags="-ffreestanding -Isrc" ;;
        src/platform/*) flags=-Isrc ;;
    esac
    if [ ! -e "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find include src/engine/*.h \
            src/host/linux/*.h tools/winfuse/*.h -newer "$obj" -print -quit)" ]; then
        $CC $CFLAGS $flags -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
    fi
    echo "$obj"
}

base_objs=""
for src in src/engine/*.c src/platform/posix.c; do
    base_objs="$base_objs $(compile "$src")"
done
for t in $targets; do
    objs="$base_objs"
    for src in $(extra_sources "$t") tests/fuzz/fuzz_$t.c; do
        objs="$objs $(compile "$src")"
    done
    # shellcheck disable=SC2046
    $CC $SAN -fsanitize=fuzzer $objs -o "$out/fuzz_$t" -lpthread
done

status=0
summary=""
for t in $targets; do
    corpus=tests/fuzz/$t
    work=$(mktemp -d)
    cp "$corpus"/* "$work"/
    before=$(ls "$work" | wc -l)
    log=$out/fuzz_$t.log
    rc=0
    "$out/fuzz_$t" "$work" -max_total_time="$seconds" -max_len="$(max_len "$t")" \
        -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$out/crashes/$t-" >"$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    after=$(ls "$work" | wc -l)
    line=$(printf '%-8s %9s execs %6s/s  corpus %4d -> %4d' "$t" "${execs:-?}" "${rate:-?}" \
        "$before" "$after")
    if [ "$rc" -ne 0 ]; then
        status=1
        line="$line  FAILED (exit $rc; input in $out/crashes/, log $log)"
        grep -E "ERROR|SUMMARY|violated|runtime error" "$log" | head -5 >&2 || true
    elif $merge; then
        # Named inputs (regressions, hand-written seeds) stay; the hex-named rest is
        # replaced by a minimal set that keeps all the coverage.
        fresh=$(mktemp -d)
        find "$corpus" -maxdepth 1 -type f -regextype posix-extended ! -regex '.*/[0-9a-f]{40}' -exec cp {} "$fresh"/ \;
        "$out/fuzz_$t" -merge=1 -use_counters=0 -max_len="$(max_len "$t")" -timeout=10 "$fresh" "$corpus" \
            "$work" >>"$log" 2>&1
        find "$corpus" -maxdepth 1 -type f -regextype posix-extended -regex '.*/[0-9a-f]{40}' -delete
        cp -n "$fresh"/* "$corpus"/
        rm -rf "$fresh"
        line="$line  merged: $(ls "$corpus" | wc -l) inputs in $corpus"
    fi
    rm -rf "$work"
    summary="$summary$line"$'\n'
    echo "$line"
done
printf '\nfuzzing, %s s per target:\n%s' "$seconds" "$summary"
exit $status
