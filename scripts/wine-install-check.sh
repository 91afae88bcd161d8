#!/bin/bash
# Runs src/drivers/winfuse/install.cmd for real under Wine's cmd, reg and sc, in a prefix of its
# own (build-wine/prefix-install) where WinFsp is faked as its installer leaves the registry,
# and checks what it did: install, install again, uninstall, uninstall again, and the refusals
# (no WinFsp, 0x93118 or the service name taken by another driver). One PASS/FAIL line per
# assertion; exits non-zero if any failed. Wine 8's sc has no "qc", so the service is read
# from the registry key that sc create writes, as Windows' own service manager keeps it.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${WINE_BUILD:-$ROOT/build-wine}
WINE=${WINE:-$(command -v wine64 || echo /usr/lib/wine/wine64)}
WINESERVER=${WINESERVER:-$(command -v wineserver || echo /usr/lib/wine/wineserver)}
SYS=$ROOT/build-nt/winfuse-x64.sys
LOG=$OUT/log/install
for tool in "$WINE" "$WINESERVER"; do
    command -v "$tool" >/dev/null || { echo "wine-install-check: $tool not found (scripts/install-deps.sh)"; exit 2; }
done
make -s -C "$ROOT" nt >/dev/null || { echo "wine-install-check: make nt failed"; exit 2; }

export WINEPREFIX=$OUT/prefix-install WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY
mkdir -p "$WINEPREFIX" "$LOG"
"$WINESERVER" -k 2>/dev/null || true    # a server left by an interrupted run of this prefix
"$WINESERVER" -p
trap '"$WINESERVER" -k 2>/dev/null || true' EXIT
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    "$WINE" wineboot -i >"$LOG/wineboot.log" 2>&1
fi

DRIVERS=$WINEPREFIX/drive_c/windows/system32/drivers
WINFSP_DIR=$WINEPREFIX/drive_c/Program\ Files\ \(x86\)/WinFsp
WINFSP_INSTALLDIR="C:\\Program Files (x86)\\WinFsp\\"    # as WinFsp's MSI writes it
SCRIPT=$(cd "$ROOT/src/drivers/winfuse" && pwd)/install.cmd
SVC_KEY='HKLM\SYSTEM\CurrentControlSet\Services\winfuse'
# The key WinFsp's kernel driver reads on x64, named without the 32-bit view's redirection.
FSEXT_RAW='HKLM\SOFTWARE\WOW6432Node\WinFsp\Fsext'
win_path() { "$WINE" winepath -w "$1" 2>/dev/null | tr -d '\r'; }
SYS_WIN=$(win_path "$SYS")
SCRIPT_WIN=$(win_path "$SCRIPT")

passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1${2:+ — $2}"; failed=$((failed + 1)); }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

# Runs install.cmd with ARGS through Wine's cmd; sets rc and out (stdout and stderr, CR-free).
n=0
run() {
    n=$((n + 1))
    local log=$LOG/run$n.log
    rc=0
    "$WINE" cmd /c "$SCRIPT_WIN" "$@" >"$log" 2>&1 || rc=$?
    out=$(tr -d '\r' <"$log")
}
# reg query VALUE of KEY (in the 64-bit view unless a further /reg: argument): "TYPE DATA", or empty.
reg_value() {
    local key=$1 name=$2
    shift 2
    "$WINE" reg query "$key" /v "$name" "$@" 2>/dev/null | tr -d '\r' |
        awk -v n="$name" 'tolower($1) == tolower(n) { $1 = ""; sub(/^ +/, ""); print }'
}
key_exists() { "$WINE" reg query "$1" >/dev/null 2>&1; }
service_exists() { "$WINE" sc query winfuse >/dev/null 2>&1; }
no_service() { ! service_exists; }

# A WinFsp as its MSI leaves it: InstallDir (with its trailing backslash) in the 32-bit view,
# the file system driver in bin\.
fake_winfsp() {
    mkdir -p "$WINFSP_DIR/bin"
    : >"$WINFSP_DIR/bin/winfsp-x64.sys"
    "$WINE" reg add 'HKLM\SOFTWARE\WinFsp' /v InstallDir /d "$WINFSP_INSTALLDIR" /f /reg:32 >/dev/null 2>&1
}
remove_winfsp() {
    "$WINE" reg delete 'HKLM\SOFTWARE\WinFsp' /f /reg:32 >/dev/null 2>&1
    rm -rf "$WINFSP_DIR"
}
# What an earlier run may have left, removed without install.cmd.
reset_prefix() {
    "$WINE" sc delete winfuse >/dev/null 2>&1
    remove_winfsp
    rm -f "$DRIVERS/winfuse-x64.sys" "$DRIVERS/other-fuse.sys"
}
nothing_installed() {
    ! service_exists && ! key_exists "$SVC_KEY" && [ ! -e "$DRIVERS/winfuse-x64.sys" ] &&
        [ -z "$(reg_value "$FSEXT_RAW" 00093118)" ]
}
installed_right() {
    local ok=0
    [ "$(reg_value "$FSEXT_RAW" 00093118)" = "REG_SZ winfuse" ] || { echo "    Fsext value: $(reg_value "$FSEXT_RAW" 00093118)"; ok=1; }
    [ "$(reg_value 'HKLM\SOFTWARE\WinFsp\Fsext' 00093118 /reg:32)" = "REG_SZ winfuse" ] || { echo "    Fsext value in the 32-bit view missing"; ok=1; }
    [ "$(reg_value "$SVC_KEY" Type)" = "REG_DWORD 0x1" ] || { echo "    Type: $(reg_value "$SVC_KEY" Type), not kernel driver"; ok=1; }
    [ "$(reg_value "$SVC_KEY" Start)" = "REG_DWORD 0x3" ] || { echo "    Start: $(reg_value "$SVC_KEY" Start), not demand"; ok=1; }
    local image
    image=$(reg_value "$SVC_KEY" ImagePath)
    [ "${image,,}" = 'reg_sz c:\windows\system32\drivers\winfuse-x64.sys' ] ||
        [ "${image,,}" = 'reg_expand_sz c:\windows\system32\drivers\winfuse-x64.sys' ] || { echo "    ImagePath: $image"; ok=1; }
    service_exists || { echo "    sc query winfuse fails"; ok=1; }
    cmp -s "$SYS" "$DRIVERS/winfuse-x64.sys" || { echo "    drivers\\winfuse-x64.sys is not build-nt/winfuse-x64.sys"; ok=1; }
    return $ok
}
says() { grep -q -- "$1" <<<"$out"; }
other_service_kept() { [[ "$(reg_value "$SVC_KEY" ImagePath)" == *other-fuse.sys ]]; }
winfsp_kept() { [ -n "$(reg_value 'HKLM\SOFTWARE\WinFsp' InstallDir /reg:32)" ]; }

reset_prefix

# Without WinFsp: refused, nothing written.
run install "$SYS_WIN"
check "install without WinFsp fails with status 2 (got $rc)" [ "$rc" -eq 2 ]
check "install without WinFsp says WinFsp is not installed" says "WinFsp is not installed"
check "install without WinFsp leaves nothing behind" nothing_installed

# WinFsp's key but not its driver file (a broken WinFsp): refused too.
"$WINE" reg add 'HKLM\SOFTWARE\WinFsp' /v InstallDir /d "$WINFSP_INSTALLDIR" /f /reg:32 >/dev/null 2>&1
run install "$SYS_WIN"
check "install with WinFsp's key but no winfsp-x64.sys fails with status 2 (got $rc)" [ "$rc" -eq 2 ]
check "install with WinFsp's key but no winfsp-x64.sys leaves nothing behind" nothing_installed

fake_winfsp

# 0x93118 owned by another provider: refused, its value untouched.
"$WINE" reg add 'HKLM\SOFTWARE\WinFsp\Fsext' /v 00093118 /d otherfuse /f /reg:32 >/dev/null 2>&1
run install "$SYS_WIN"
check "install when 00093118 names another driver fails with status 4 (got $rc)" [ "$rc" -eq 4 ]
check "install when 00093118 names another driver says whose it is" says '"otherfuse"'
check "install when 00093118 names another driver leaves its value" [ "$(reg_value "$FSEXT_RAW" 00093118)" = "REG_SZ otherfuse" ]
check "install when 00093118 names another driver creates no service" no_service
check "install when 00093118 names another driver copies no file" [ ! -e "$DRIVERS/winfuse-x64.sys" ]
run uninstall
check "uninstall when 00093118 names another driver succeeds (got $rc)" [ "$rc" -eq 0 ]
check "uninstall when 00093118 names another driver leaves its value" [ "$(reg_value "$FSEXT_RAW" 00093118)" = "REG_SZ otherfuse" ]
"$WINE" reg delete 'HKLM\SOFTWARE\WinFsp\Fsext' /v 00093118 /f /reg:32 >/dev/null 2>&1

# A service named winfuse for another image (as the original WinFuse installs one), and our
# value: refused, the service untouched.
"$WINE" sc create winfuse type= kernel start= demand binPath= 'C:\windows\system32\drivers\other-fuse.sys' >/dev/null 2>&1
"$WINE" reg add 'HKLM\SOFTWARE\WinFsp\Fsext' /v 00093118 /d winfuse /f /reg:32 >/dev/null 2>&1
run install "$SYS_WIN"
check "install when the service winfuse is another driver's fails with status 4 (got $rc)" [ "$rc" -eq 4 ]
check "install when the service winfuse is another driver's keeps its ImagePath" other_service_kept
check "install when the service winfuse is another driver's copies no file" [ ! -e "$DRIVERS/winfuse-x64.sys" ]
run uninstall
check "uninstall when the service winfuse is another driver's succeeds (got $rc)" [ "$rc" -eq 0 ]
check "uninstall when the service winfuse is another driver's keeps it" service_exists
"$WINE" sc delete winfuse >/dev/null 2>&1
"$WINE" reg delete 'HKLM\SOFTWARE\WinFsp\Fsext' /v 00093118 /f /reg:32 >/dev/null 2>&1

# Install: file copied, kernel service on demand, Fsext value = service name in WOW6432Node.
run install "$SYS_WIN"
check "install succeeds (got $rc)" [ "$rc" -eq 0 ]
check "install registers service, Fsext value and file" installed_right
run install "$SYS_WIN"
check "install again succeeds (got $rc)" [ "$rc" -eq 0 ]
check "install again leaves the same service, value and file" installed_right
check "install again keeps the existing service" says "exists already"

# Uninstall removes all three, and again is a success with nothing to do.
run uninstall
check "uninstall succeeds (got $rc)" [ "$rc" -eq 0 ]
check "uninstall removes service, Fsext value and file" nothing_installed
check "uninstall keeps WinFsp's own InstallDir" winfsp_kept
run uninstall
check "uninstall again succeeds (got $rc)" [ "$rc" -eq 0 ]
check "uninstall again leaves nothing" nothing_installed

# No argument: the image beside install.cmd, as the two ship together.
pack=$OUT/install-pack
rm -rf "$pack" && mkdir -p "$pack"
cp "$SCRIPT" "$SYS" "$pack/"
"$WINE" cmd /c "$(win_path "$pack/install.cmd")" >"$LOG/pack.log" 2>&1
rc=$?
check "install.cmd without arguments installs the image beside it (got $rc)" [ "$rc" -eq 0 ]
check "install.cmd without arguments registers service, value and file" installed_right
"$WINE" cmd /c "$(win_path "$pack/install.cmd")" uninstall >>"$LOG/pack.log" 2>&1
check "install.cmd uninstall after it leaves nothing" nothing_installed

# Usage errors.
run install 'C:\no\such\winfuse-x64.sys'
check "install of a missing image fails with status 1 (got $rc)" [ "$rc" -eq 1 ]
run uninstall extra
check "uninstall with an extra argument fails with status 1 (got $rc)" [ "$rc" -eq 1 ]
check "a usage error installs nothing" nothing_installed

reset_prefix
echo "wine-install-check: $passed passed, $failed failed (logs in $LOG)"
[ "$failed" -eq 0 ]
