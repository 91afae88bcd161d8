#!/bin/bash
# Runs the real winfuse-x64.sys end to end under Wine: a WinFsp stand-in driver
# (tests/nt/winfsp_standin.c, built as winfsp-x64.sys) loads it through the Fsext registry
# value that install.cmd writes, and Windows programs play both the Windows caller and the
# FUSE file system over FUSE_FSCTL_TRANSACT (docs/windows.md, "The end-to-end run under Wine"):
#   test_driver_door     the driver's own cases (tests/nt/test_driver_door.c)
#   test_engine_*        the engine's unit tests, their mock file system talking to the
#                        driver (tests/nt/door_engine.c) instead of an engine in process
# Programs and tests that cannot pass through the driver are listed, each with its reason, in
# tests/nt/door-tests.txt: "exclude" (the program is not built), "skip" (the test is
# reported skipped: running it would corrupt the door's state), "xfail" (it runs and must
# fail: one that passes fails the run, so the list stays true).
# Needs `make nt` first (build-nt/winfuse-x64.sys, build-nt/standin/winfsp-x64.sys).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${WINE_BUILD:-$ROOT/build-wine}/driver
NT=$ROOT/build-nt
CC=${WINE_CC:-x86_64-w64-mingw32-gcc-posix}
WINE=${WINE:-$(command -v wine64 || echo /usr/lib/wine/wine64)}
WINESERVER=${WINESERVER:-$(command -v wineserver || echo /usr/lib/wine/wineserver)}
LIST=$ROOT/tests/nt/door-tests.txt
EXCLUDED=" $(awk '!/^#/ && $3 == "exclude" {print $1}' "$LIST" | paste -sd' ' -) "
# Every test the list names must exist, so that no line outlives its test.
while read -r program test; do
    grep -q "\b$test\b" "$ROOT/tests/unit/$program.c" ||
        { echo "wine-driver-check: $LIST names $program $test, which does not exist"; exit 1; }
done < <(awk '!/^#/ && $2 != "*" {print $1, $2}' "$LIST")
listed() { awk -v p="$1" -v k="$2" '!/^#/ && $1 == p && $3 == k {print $2}' "$LIST" | paste -sd, -; }

for f in "$NT/winfuse-x64.sys" "$NT/standin/winfsp-x64.sys"; do
    [ -f "$f" ] || { echo "wine-driver-check: $f missing (make nt)"; exit 2; }
done
mkdir -p "$OUT/obj" "$OUT/bin" "$OUT/log"
start=$(date +%s)

# The programs link door_engine.c in the engine's place; the engine's mapping files stay
# available for tests that compute what they expect (wf_sid_to_uid, …).
CFLAGS="-std=c11 -O1 -g -Wall -Wextra -Werror -D__USE_MINGW_ANSI_STDIO=1
-I$ROOT/include -I$ROOT/tests/wine -I$ROOT/tests/unit/support -I$ROOT/tests/nt"
# src/ for the engine's files and the tests of its insides only (tests/CMakeLists.txt).
INTERNAL=" test_engine_coro test_engine_permissions test_engine_pool "
objs=()
pids=()
compile() {
    # shellcheck disable=SC2086
    $CC $CFLAGS "${@:3}" -c "$1" -o "$2" &
    pids+=($!)
    objs+=("$2")
}
for src in "$ROOT"/src/engine/*.c; do
    [ "$(basename "$src")" = engine.c ] && continue
    compile "$src" "$OUT/obj/engine_$(basename "$src" .c).o" -ffreestanding -I"$ROOT/src"
done
for src in src/platform/win32.c src/sddl/sddl.c tests/wine/cmocka_win.c \
           tests/unit/support/mock_fs.c tests/unit/support/sd_build.c tests/nt/door_engine.c; do
    private=()
    case $src in src/platform/*) private=(-I"$ROOT/src") ;; esac
    compile "$ROOT/$src" "$OUT/obj/$(basename "$src" .c).o" "${private[@]}"
done
for pid in "${pids[@]}"; do wait "$pid"; done
rm -f "$OUT/libdoor.a"
x86_64-w64-mingw32-ar rcs "$OUT/libdoor.a" "${objs[@]}"

programs=(test_driver_door)
sources=("$ROOT/tests/nt/test_driver_door.c")
for src in "$ROOT"/tests/unit/test_engine_*.c; do
    name=$(basename "$src" .c)
    case $EXCLUDED in *" $name "*) continue ;; esac
    programs+=("$name")
    sources+=("$src")
done
pids=()
for i in "${!programs[@]}"; do
    # door_engine.o first, so that the engine's API resolves to the door, never to engine.c.
    # shellcheck disable=SC2086
    internal=
    case $INTERNAL in *" ${programs[$i]} "*) internal=-I$ROOT/src ;; esac
    $CC $CFLAGS $internal -static "${sources[$i]}" "$OUT/obj/door_engine.o" "$OUT/libdoor.a" -lntdll \
        -o "$OUT/bin/${programs[$i]}.exe" &
    pids+=($!)
    if [ ${#pids[@]} -ge "$(nproc)" ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
for pid in "${pids[@]}"; do wait "$pid"; done
built=$(date +%s)
echo "wine-driver-check: built ${#programs[@]} Windows programs in $((built - start)) s"

# A prefix of its own, as a Windows machine with WinFsp installed: InstallDir in the 32-bit
# registry view, bin\winfsp-x64.sys there (the stand-in), its driver service; then
# install.cmd installs winfuse-x64.sys the way a user does.
export WINEPREFIX=$OUT/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
rm -rf "$WINEPREFIX"
mkdir -p "$WINEPREFIX"
"$WINESERVER" -k 2>/dev/null || true
"$WINESERVER" -p
trap '"$WINESERVER" -k 2>/dev/null || true' EXIT
"$WINE" wineboot -i >"$OUT/log/wineboot.log" 2>&1
C=$WINEPREFIX/drive_c
mkdir -p "$C/WinFsp/bin" "$C/winfuse" "$C/tests"
cp "$NT/standin/winfsp-x64.sys" "$C/WinFsp/bin/"
cp "$NT/winfuse-x64.sys" "$ROOT/src/drivers/winfuse/install.cmd" "$C/winfuse/"
cp "$OUT"/bin/*.exe "$C/tests/"
{
    "$WINE" reg add 'HKLM\SOFTWARE\WinFsp' /v InstallDir /d 'C:\WinFsp\' /f /reg:32
    "$WINE" sc create WinFsp type= kernel start= demand binPath= 'C:\WinFsp\bin\winfsp-x64.sys'
    "$WINE" cmd /c 'C:\winfuse\install.cmd'
    # FORGETs wait for company on the kernel's clock, which the tests cannot move: held back
    # until a batch fills or the volume goes, they leave the tests' request sequences as in
    # process, where the mock's clock stands still unless a test moves it.
    "$WINE" reg add 'HKLM\SYSTEM\CurrentControlSet\Services\winfuse\Parameters' \
        /v ForgetDelayMs /t REG_DWORD /d 4294967295 /f
    # The mock's engines keep no DOS attributes unless a test asks (tests/unit/support).
    "$WINE" reg add 'HKLM\SYSTEM\CurrentControlSet\Services\winfuse\Parameters' \
        /v DosAttrib /t REG_DWORD /d 0 /f
} >"$OUT/log/install.log" 2>&1 || { echo "wine-driver-check: installing failed:"; cat "$OUT/log/install.log"; exit 1; }
tr -d '\r' <"$OUT/log/install.log" | grep '^install.cmd:' | sed 's/^/  /'
# Wine 8's services.exe starts a service created in the same server session only after a
# restart (sc start answers 1060, no such service, until then).
"$WINESERVER" -k; sleep 1
"$WINESERVER" -p
if ! "$WINE" cmd /c 'sc start WinFsp' >"$OUT/log/start.log" 2>&1; then
    echo "wine-driver-check: the stand-in does not start:"
    tr -d '\r' <"$OUT/log/start.log"
    exit 1
fi

# One run a program: Wine stops driver services when a session's last process exits, so
# each program starts the stand-in (which loads winfuse-x64.sys on its first volume).
passed=0 failed=0 tests=0 xfail=0 skipped=0
for name in "${programs[@]}"; do
    expected=$(listed "$name" xfail)
    skip=$(listed "$name" skip)
    log=$OUT/log/$name.log
    rc=0
    t0=$(date +%s%N)
    CMW_EXPECTED_FAILURES=$expected CMW_SKIP=$skip timeout 600 "$WINE" cmd /c \
        "sc start WinFsp >nul & C:\\tests\\$name.exe" >"$log" 2>&1 || rc=$?
    ms=$((($(date +%s%N) - t0) / 1000000))
    count() { tr -d '\r' <"$log" | sed -n "s/^\[  $1 *\] \([0-9]*\) test(s).*/\1/p" | awk '{s+=$1} END {print s+0}'; }
    n=$(count PASSED) x=$(count XFAIL)
    s=$(tr -d '\r' <"$log" | sed -n 's/^\[  SKIPPED \] .*: \([0-9]*\) test(s), listed below:$/\1/p' | awk '{s+=$1} END {print s+0}')
    what="$n passed through the driver"
    [ "$x" -gt 0 ] && what="$what, $x expected failures"
    [ "$s" -gt 0 ] && what="$what, $s skipped"
    if [ $rc -eq 0 ] && [ "$n" -gt 0 ]; then
        passed=$((passed + 1)) tests=$((tests + n)) xfail=$((xfail + x)) skipped=$((skipped + s))
        echo "PASS $name ($what, $ms ms)"
    else
        failed=$((failed + 1))
        echo "FAIL $name (exit $rc; $what, $ms ms) — log $log:"
        tr -d '\r' <"$log" | grep -v '^\[ RUN  \|^\[       OK \]\|^\[  XFAIL' | tail -40 | sed 's/^/    /'
    fi
done
echo "wine-driver-check: $tests tests passed through winfuse-x64.sys ($xfail expected failures, $skipped skipped) in $passed programs; ran in $(($(date +%s) - built)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
