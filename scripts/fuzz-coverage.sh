#!/usr/bin/env bash
# Line coverage of each fuzz target's corpus, over the files the target is about: builds each
# target with clang's source-based coverage into build-fuzz/cov/, replays tests/fuzz/TARGET/
# (tests/fuzz/replay.c, no libFuzzer) and prints llvm-cov's line figures.
#   scripts/fuzz-coverage.sh [TARGET...]    (needs clang, llvm-profdata, llvm-cov: package llvm)
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/fuzz-targets.sh
targets=${*:-$all_fuzz_targets}
out=build-fuzz/cov
mkdir -p "$out"
CC=${CC:-clang}
PROFDATA=$(command -v llvm-profdata || command -v llvm-profdata-14)
COV=$(command -v llvm-cov || command -v llvm-cov-14)
CFLAGS="-std=c11 -g -O1 -Iinclude -Isrc -Isrc/host/linux -Itools/winfuse -fprofile-instr-generate -fcoverage-mapping"

# The files each target is about; the engine's lines are reported for every target that
# drives the engine.
about() {
    case $1 in
        engine) echo src/engine/*.c ;;
        sddl) echo src/sddl/sddl.c src/engine/sd_map.c src/engine/sid_map.c ;;
        devfuse) echo src/host/linux/devfuse.c ;;
        fsd) echo src/host/linux/fsd*.c ;;
        shell) echo tools/winfuse/shell_line.c tools/winfuse/path.c tools/winfuse/nt_names.c ;;
    esac
}

# Lines covered, total and percent of the TOTAL row of `llvm-cov report`.
lines() {
    "$COV" report "$1" -instr-profile="$2" "${@:3}" |
        awk '/^TOTAL/ { printf "%5d/%-5d lines  %s", $8 - $9, $8, $10 }'
}

printf '%-8s %-40s %s\n' target "files it is about" coverage
profiles=""
for t in $targets; do
    bin=$out/cov_$t
    # shellcheck disable=SC2046
    $CC $CFLAGS src/engine/*.c src/platform/posix.c $(extra_sources "$t") \
        tests/fuzz/fuzz_$t.c tests/fuzz/replay.c -o "$bin" -lpthread
    rm -f "$out/$t".*.profraw
    LLVM_PROFILE_FILE="$out/$t.%p.profraw" "$bin" "tests/fuzz/$t" >/dev/null
    "$PROFDATA" merge -sparse "$out/$t".*.profraw -o "$out/$t.profdata"
    profiles="$profiles $t"
    # shellcheck disable=SC2046
    printf '%-8s %-40s %s\n' "$t" "$(about "$t" | sed 's|src/||g; s|tools/winfuse/||g' |
        cut -c1-40)" "$(lines "$bin" "$out/$t.profdata" $(about "$t"))"
    if [ "$t" = engine ]; then
        printf '%-8s %-40s %s\n' "" "engine/access.c" \
            "$(lines "$bin" "$out/$t.profdata" src/engine/access.c)"
    elif [ "$t" = fsd ] || [ "$t" = devfuse ]; then
        # shellcheck disable=SC2046
        printf '%-8s %-40s %s\n' "" "engine/*.c (through this door)" \
            "$(lines "$bin" "$out/$t.profdata" src/engine/*.c)"
    fi
done

# The engine's lines reached by all the targets that run engine code (the engine, through
# the stand-in, through the door, its SDDL and SID mappings) together: counters of the same
# functions (same source, same flags) add up across the binaries.
engine_profiles=""
for t in engine fsd devfuse sddl; do
    case " $profiles " in *" $t "*) engine_profiles="$engine_profiles $out/$t.profdata" ;; esac
done
if [ -n "$engine_profiles" ]; then
    first=$(echo "$profiles" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^(engine|fsd|devfuse|sddl)$/) { print $i; exit } }')
    # shellcheck disable=SC2086
    "$PROFDATA" merge -sparse $engine_profiles -o "$out/all-engine.profdata"
    # shellcheck disable=SC2046
    printf '%-8s %-40s %s\n' "all" "engine/*.c (engine, fsd, devfuse, sddl)" \
        "$(lines "$out/cov_$first" "$out/all-engine.profdata" src/engine/*.c)"
fi
