#!/bin/bash
# Builds the unit tests and fuzz corpus replays that can run on Windows as x86-64 Windows
# programs (mingw-w64, src/platform/win32.c, tests/wine's cmocka) and runs each under Wine.
#
# Not built, because they test the Linux side, not the engine:
#   test_engine_access   drives the engine through the Linux FSD stand-in (host/linux/fsd*.c)
#   test_fsd, test_fsd_security, test_fsd_check   test the Linux FSD stand-in itself
#   test_devfuse         /dev/fuse emulation: socketpair, poll, fork, prctl, signals
#   test_devfuse_channel the same channel driven without the engine (socketpair, poll)
#   test_launcher        starts file systems with fork/exec, socketpair, waitpid
#   test_fusermount      fusermount3 protocol: SCM_RIGHTS over sockets, seccomp, fork
#   test_mount_ns        Linux mount namespaces and mount(2)
#   test_fuse_library    reads ELF images of libfuse
#   test_fuse_abi        compares fuse_abi.h with the Linux kernel's <linux/fuse.h>
#   fuzz_replay_devfuse  the /dev/fuse emulation (sockets, poll)
#   fuzz_replay_fsd      the Linux FSD stand-in
#   fuzz_replay_shell    the Linux CLI's parsers (getuid/getgid, /proc/self/exe)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${WINE_BUILD:-$ROOT/build-wine}
CC=${WINE_CC:-x86_64-w64-mingw32-gcc-posix}
WINE=${WINE:-$(command -v wine64 || echo /usr/lib/wine/wine64)}
WINESERVER=${WINESERVER:-$(command -v wineserver || echo /usr/lib/wine/wineserver)}
JOBS=${JOBS:-$(nproc)}

EXCLUDED=" test_engine_access test_fsd test_fsd_security test_fsd_check test_devfuse test_devfuse_channel \
test_launcher test_fusermount test_mount_ns test_fuse_library test_fuse_abi "
FUZZ_TARGETS="engine sddl"

for tool in "$CC" "$WINE" "$WINESERVER"; do
    command -v "$tool" >/dev/null || { echo "wine-check: $tool not found (scripts/install-deps.sh)"; exit 2; }
done

# MinGW's own stdio so that %zu, %llu and %jx mean what they mean on Linux; the engine's
# debug checks on, as in the CMake build the unit tests run in.
CFLAGS="-std=c11 -O1 -g -Wall -Wextra -Werror -D__USE_MINGW_ANSI_STDIO=1 -DWF_DEBUG
-I$ROOT/include -I$ROOT/tests/wine -I$ROOT/tests/unit/support"
# src/ is the engine's and the platform's own include path, and the tests' that test the
# engine's insides (tests/CMakeLists.txt names them); every other program sees include/.
INTERNAL=" test_engine_coro test_engine_permissions test_engine_pool "
# Programs that count the engine's heap through tests/unit/support/count_alloc.c.
COUNTED=" test_engine_node_memory "
mkdir -p "$OUT/obj" "$OUT/bin" "$OUT/log"
start=$(date +%s)

# Runs "compile SRC OUT [FLAGS...]" jobs, at most $JOBS at a time; any failure stops the check.
pids=()
submit() {
    "$@" &
    pids+=($!)
    if [ ${#pids[@]} -ge "$JOBS" ]; then
        wait "${pids[0]}"
        pids=("${pids[@]:1}")
    fi
}
drain() {
    for pid in "${pids[@]}"; do wait "$pid"; done
    pids=()
}
compile() {
    local src=$1 obj=$2
    shift 2
    # shellcheck disable=SC2086
    $CC $CFLAGS "$@" -c "$src" -o "$obj"
}

# The library every program links: the engine (freestanding, as in the kernel), the Win32
# platform, the harness and the mock file system.
objs=()
for src in "$ROOT"/src/engine/*.c; do
    obj=$OUT/obj/engine_$(basename "$src" .c).o
    submit compile "$src" "$obj" -ffreestanding -I"$ROOT/src"
    objs+=("$obj")
done
for src in src/platform/win32.c src/sddl/sddl.c tests/wine/cmocka_win.c \
           tests/unit/support/mock_fs.c tests/unit/support/sd_build.c \
           tests/unit/support/count_alloc.c; do
    obj=$OUT/obj/$(basename "$src" .c).o
    private=()
    case $src in src/platform/*) private=(-I"$ROOT/src") ;; esac
    submit compile "$ROOT/$src" "$obj" "${private[@]}"
    objs+=("$obj")
done
drain
rm -f "$OUT/libwf_win.a"
x86_64-w64-mingw32-ar rcs "$OUT/libwf_win.a" "${objs[@]}"

link() {
    local name=$1
    shift
    # shellcheck disable=SC2086
    $CC $CFLAGS -static "$@" "$OUT/libwf_win.a" -o "$OUT/bin/$name.exe"
}
programs=(harness_selftest)
submit link harness_selftest "$ROOT/tests/wine/harness_selftest.c"
for src in "$ROOT"/tests/unit/test_*.c; do
    name=$(basename "$src" .c)
    case $EXCLUDED in *" $name "*) continue ;; esac
    programs+=("$name")
    internal=()
    case $INTERNAL in *" $name "*) internal=(-I"$ROOT/src") ;; esac
    case $COUNTED in *" $name "*) internal+=(-Wl,--wrap=wf_mem_alloc -Wl,--wrap=wf_mem_free) ;; esac
    submit link "$name" "${internal[@]}" "$src"
done
for target in $FUZZ_TARGETS; do
    programs+=("fuzz_replay_$target")
    submit link "fuzz_replay_$target" "$ROOT/tests/fuzz/replay.c" "$ROOT/tests/fuzz/fuzz_$target.c"
done
drain
built=$(date +%s)
echo "wine-check: built ${#programs[@]} Windows programs in $((built - start)) s"

# Wine, headless and quiet, with a prefix of its own. A persistent server for the whole run:
# without one, a server exiting between two programs once failed a program.
export WINEPREFIX=$OUT/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
mkdir -p "$WINEPREFIX"
"$WINESERVER" -k 2>/dev/null || true    # a server left by an interrupted run of this prefix
"$WINESERVER" -p
trap '"$WINESERVER" -k 2>/dev/null || true' EXIT
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    "$WINE" wineboot -i >"$OUT/log/wineboot.log" 2>&1
fi

passed=0 failed=0 tests=0 skipped=0
for name in "${programs[@]}"; do
    args=()
    case $name in fuzz_replay_*) args=("$ROOT/tests/fuzz/${name#fuzz_replay_}") ;; esac
    log=$OUT/log/$name.log
    rc=0
    t0=$(date +%s%N)
    timeout 300 "$WINE" "$OUT/bin/$name.exe" "${args[@]}" >"$log" 2>&1 || rc=$?
    # tr: the programs write CRLF line ends.
    n=$(tr -d '\r' <"$log" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\.$/\1/p' | awk '{s+=$1} END {print s+0}')
    s=$(tr -d '\r' <"$log" | sed -n 's/^\[  SKIPPED \] .*: \([0-9]*\) test(s), listed below:$/\1/p' | awk '{s+=$1} END {print s+0}')
    ms=$((($(date +%s%N) - t0) / 1000000))
    what="$n tests passed"
    [ "$s" -gt 0 ] && what="$what, $s skipped"
    case $name in
        fuzz_replay_*) what=$(tr -d '\r' <"$log" | grep -o 'replayed [0-9]* inputs' || echo "no inputs replayed") ;;
        harness_selftest) what="the harness fails failing assertions" ;;
    esac
    if [ $rc -eq 0 ]; then
        passed=$((passed + 1))
        if [ "$name" != harness_selftest ]; then
            tests=$((tests + n))
            skipped=$((skipped + s))
        fi
        echo "PASS $name ($what, $ms ms)"
    else
        failed=$((failed + 1))
        echo "FAIL $name (exit $rc; $what, $ms ms) — log $log:"
        tr -d '\r' <"$log" | grep -v '^\[ RUN  \|^\[       OK \]' | tail -40 | sed 's/^/    /'
    fi
done
# The WinFsp ABI: winfsp_abi.h as mingw lays it out against the stored dump of fsctl.h.
if WINE="$WINE" WINE_CC="$CC" "$ROOT/scripts/abi-check.sh" wine; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
fi
if WINE="$WINE" WINESERVER="$WINESERVER" "$ROOT/scripts/wine-install-check.sh"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
# winfuse-x64.sys itself, end to end behind the WinFsp stand-in (needs make nt).
if WINE="$WINE" WINESERVER="$WINESERVER" WINE_CC="$CC" "$ROOT/scripts/wine-driver-check.sh"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
fi
echo "wine-check: $tests unit tests passed ($skipped skipped) in $passed programs; ran in $(($(date +%s) - built)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
