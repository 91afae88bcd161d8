#!/bin/bash
# Checks that include/winfuse/winfsp_abi.h lays out every WinFsp type, member, bit-field and
# constant exactly as the stored dump of WinFsp's fsctl.h (tests/abi/winfsp-fsctl-layout.txt):
# tests/abi/winfsp_layout.c prints them, built for Linux x86-64 (native gcc, LP64) and/or for
# Windows x64 (x86_64-w64-mingw32-gcc, LLP64, run under Wine). Any differing line fails.
#   abi-check.sh native   native gcc only (ctest runs this in `make check`)
#   abi-check.sh wine     mingw-w64 under Wine (scripts/wine-check.sh runs this with its prefix)
#   abi-check.sh          both
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DUMP=$ROOT/tests/abi/winfsp-fsctl-layout.txt
SRC=$ROOT/tests/abi/winfsp_layout.c
MODE=${1:-all}
CFLAGS="-std=c11 -O1 -Wall -Wextra -Werror -I$ROOT/include"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grep -v '^#' "$DUMP" > "$tmp/expected.txt"
status=0

# compare LABEL FILE: the lines that differ, as "-" (WinFsp) and "+" (ours).
compare() {
    if diff -U0 --label "WinFsp fsctl.h (stored dump)" --label "winfsp_abi.h ($1)" \
        "$tmp/expected.txt" "$2" > "$tmp/diff.txt"; then
        echo "abi-check: winfsp_abi.h as $1 lays it out matches WinFsp's fsctl.h ($(wc -l < "$2") lines)"
    else
        echo "abi-check: FAIL: winfsp_abi.h as $1 lays it out differs from $DUMP:"
        grep -v '^@@' "$tmp/diff.txt" | sed 's/^/    /'
        status=1
    fi
}

if [ "$MODE" = native ] || [ "$MODE" = all ]; then
    ${CC:-gcc} $CFLAGS "$SRC" -o "$tmp/layout"
    "$tmp/layout" > "$tmp/native.txt"
    compare "native gcc ($(uname -m))" "$tmp/native.txt"
fi

if [ "$MODE" = wine ] || [ "$MODE" = all ]; then
    MINGW_CC=${WINE_CC:-x86_64-w64-mingw32-gcc}
    WINE=${WINE:-$(command -v wine64 || echo /usr/lib/wine/wine64)}
    $MINGW_CC $CFLAGS -static "$SRC" -o "$tmp/layout.exe"
    # Headless and quiet; a prefix of our own unless the caller (wine-check.sh) set one up.
    export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
    unset DISPLAY WAYLAND_DISPLAY
    if [ -z "${WINEPREFIX:-}" ]; then
        export WINEPREFIX=$ROOT/build-wine/prefix
        mkdir -p "$WINEPREFIX"
        [ -f "$WINEPREFIX/system.reg" ] || "$WINE" wineboot -i >/dev/null 2>&1
    fi
    # tr: the program writes CRLF line ends.
    "$WINE" "$tmp/layout.exe" | tr -d '\r' > "$tmp/mingw.txt"
    compare "x86_64-w64-mingw32-gcc (under Wine)" "$tmp/mingw.txt"
fi
exit $status
