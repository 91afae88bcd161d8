#!/bin/sh
# Proves the engine freestanding and fit for the NT kernel: it compiles for x86_64-w64-mingw32
# (LLP64), with native gcc and no C library headers at all, and with the kernel flags; linked
# together it needs exactly platform.h, and with src/platform/nt.c only ntoskrnl.exe functions
# that both mingw and Wine export and src/drivers/winfuse/ntoskrnl-allowed.txt allows.
set -eu
cd "$(dirname "$0")/.."
MINGW=x86_64-w64-mingw32
DDK=/usr/$MINGW/include/ddk
NTOSKRNL_LIB=/usr/$MINGW/lib/libntoskrnl.a
WINE_NTOSKRNL=/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/ntoskrnl.exe
ALLOWED=src/drivers/winfuse/ntoskrnl-allowed.txt
WARN="-Wall -Wextra -Werror"
# The flags a driver is built with (docs/windows.md): no stack probes or cookies (no CRT to
# provide them), no FPU/SIMD state, frames small enough for a 24 KiB kernel stack.
KFLAGS="-std=c11 -O2 $WARN -ffreestanding -fno-stack-protector -mno-stack-arg-probe \
    -mgeneral-regs-only -Wframe-larger-than=1024 -I$DDK -D_KERNEL_MODE -Iinclude -Isrc"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
fail() { echo "cross-check: $*"; status=1; }
count=$(ls src/engine/*.c | wc -l)

# 1. LLP64: long is 32 bits; mingw's own (user-mode) headers.
for f in src/engine/*.c; do
    $MINGW-gcc -std=c11 -ffreestanding $WARN -Iinclude -Isrc -c "$f" -o /dev/null ||
        fail "mingw compile failed: $f"
done
[ $status -eq 0 ] && echo "engine cross-compiles for $MINGW: $count files"

# 2. No C library: only the compiler's own headers (stddef.h, stdint.h, stdbool.h) are found,
#    so an #include <string.h> fails here. (mingw's gcc cannot do this: its stddef.h
#    includes mingw's.)
gccinc=$(gcc -print-file-name=include)
for f in src/engine/*.c; do
    gcc -std=c11 -ffreestanding -nostdinc -isystem "$gccinc" $WARN -Iinclude -Isrc \
        -c "$f" -o /dev/null || fail "freestanding (-nostdinc) compile failed: $f"
done
[ $status -eq 0 ] && echo "engine compiles with -ffreestanding -nostdinc: $count files"

# 3. Kernel flags, then link: a C library function declared by hand (strlen) compiles in every
#    step above but leaves an undefined symbol below; so does a soft-float helper.
objs=
for f in src/engine/*.c; do
    o="$tmp/$(basename "$f" .c).o"
    $MINGW-gcc $KFLAGS -c "$f" -o "$o" || fail "kernel-flags compile failed: $f"
    objs="$objs $o"
done
$MINGW-gcc $KFLAGS -c src/platform/nt.c -o "$tmp/nt.o" || fail "kernel-flags compile failed: src/platform/nt.c"
[ $status -eq 0 ] || exit $status
echo "engine and src/platform/nt.c compile with the kernel flags"

# Undefined symbols of a relocatable object, without the __imp_ prefix of dllimport calls.
undefined() { $MINGW-nm -u "$1" | awk '{print $NF}' | sed 's/^__imp_//' | sort -u; }

# The functions platform.h declares, from its preprocessed text (comments gone).
gcc -E -P -ffreestanding -nostdinc -isystem "$gccinc" src/platform/platform.h |
    grep -o 'wf_[a-z0-9_]*[[:space:]]*(' | sed 's/[[:space:]]*($//' | sort -u > "$tmp/platform.txt"
[ -s "$tmp/platform.txt" ] || fail "no function found in src/platform/platform.h"

# shellcheck disable=SC2086
$MINGW-ld -r -o "$tmp/engine-all.o" $objs
undefined "$tmp/engine-all.o" > "$tmp/engine-u.txt"
if cmp -s "$tmp/engine-u.txt" "$tmp/platform.txt"; then
    echo "engine (ld -r) leaves undefined exactly the $(wc -l < "$tmp/platform.txt") functions of platform.h"
else
    fail "engine's undefined symbols differ from platform.h's functions (< engine, > platform.h):"
    diff "$tmp/engine-u.txt" "$tmp/platform.txt" | grep '^[<>]' || true
fi

# 4. Engine + nt.c: only ntoskrnl.exe imports that mingw's import library has, Wine exports and
#    the allow-list names.
$MINGW-ld -r -o "$tmp/kernel-all.o" "$tmp/engine-all.o" "$tmp/nt.o"
undefined "$tmp/kernel-all.o" > "$tmp/kernel-u.txt"
$MINGW-nm "$NTOSKRNL_LIB" 2>/dev/null | awk '$2 == "I" {print $3}' | sed 's/^__imp_//' |
    sort -u > "$tmp/mingw.txt"
grep -v '^#' "$ALLOWED" | grep . | sort -u > "$tmp/allowed.txt"
if [ -f "$WINE_NTOSKRNL" ]; then
    $MINGW-objdump -p "$WINE_NTOSKRNL" |
        awk '/^\[Ordinal\/Name Pointer\] Table/ {on = 1; next} on && /^\t\[/ {print $NF; next} on {exit}' |
        sort -u > "$tmp/wine.txt"
    [ -s "$tmp/wine.txt" ] || fail "no export read from $WINE_NTOSKRNL"
    for n in $(comm -23 "$tmp/allowed.txt" "$tmp/wine.txt"); do fail "$ALLOWED: Wine's ntoskrnl.exe does not export $n"; done
else
    fail "$WINE_NTOSKRNL missing: install wine64 (scripts/install-deps.sh)"
fi
for n in $(comm -23 "$tmp/allowed.txt" "$tmp/mingw.txt"); do fail "$ALLOWED: libntoskrnl.a has no $n"; done
for n in $(comm -23 "$tmp/kernel-u.txt" "$tmp/allowed.txt"); do fail "engine + nt.c import $n, not in $ALLOWED"; done
[ $status -eq 0 ] && echo "engine + nt.c (ld -r) import only ntoskrnl.exe functions of mingw, Wine 8.0 and $ALLOWED: $(wc -l < "$tmp/kernel-u.txt") names"
exit $status
