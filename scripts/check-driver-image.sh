#!/bin/sh
# Checks a kernel driver image (winfuse-x64.sys) as Windows would want it, without Windows:
# PE32+ x86-64, native subsystem, not a DLL, stored checksum = computed checksum, base
# relocations, no section both writable and executable, and imports exactly from
# winfsp-x64.sys (names of src/drivers/winfuse/winfsp-x64.def) and ntoskrnl.exe (names of
# ntoskrnl-allowed.txt that mingw's libntoskrnl.a and Wine's ntoskrnl.exe both export).
# Needs only od, awk and mingw's objdump/nm, so that a fresh CI machine has it all.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 IMAGE.sys" >&2; exit 2; }
img=$1
root="$(cd "$(dirname "$0")/.." && pwd)"
MINGW=x86_64-w64-mingw32
DEF=$root/src/drivers/winfuse/winfsp-x64.def
ALLOWED=$root/src/drivers/winfuse/ntoskrnl-allowed.txt
NTOSKRNL_LIB=/usr/$MINGW/lib/libntoskrnl.a
WINE_NTOSKRNL=/usr/lib/x86_64-linux-gnu/wine/x86_64-windows/ntoskrnl.exe

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
fail() { echo "check-driver-image: $img: $*"; status=1; }
ok() { echo "check-driver-image: $*"; }

# Little-endian unsigned integers at a file offset.
u16() { od -An -v -j "$1" -N 2 -tu2 "$img" | tr -d ' '; }
u32() { od -An -v -j "$1" -N 4 -tu4 "$img" | tr -d ' '; }

[ -f "$img" ] || { fail "no such file"; exit 1; }
size=$(wc -c < "$img")
if [ "$size" -lt 512 ] || [ "$(od -An -N 2 -c "$img" | tr -d ' ')" != MZ ]; then fail "no MZ header"; exit 1; fi
pe=$(u32 60)
if [ "$pe" -ge "$size" ] || [ "$(od -An -j "$pe" -N 4 -tx1 "$img" | tr -d ' ')" != 50450000 ]; then
    fail "no PE signature"; exit 1
fi

# COFF file header, then the PE32+ optional header (offsets of the PE/COFF specification).
machine=$(u16 $((pe + 4)))
nsect=$(u16 $((pe + 6)))
optsize=$(u16 $((pe + 20)))
chars=$(u16 $((pe + 22)))
opt=$((pe + 24))
magic=$(u16 $opt)
[ "$machine" -eq 34404 ] || fail "machine $(printf %#x "$machine"), not x86-64 (0x8664)"
[ "$magic" -eq 523 ] || { fail "optional header magic $(printf %#x "$magic"), not PE32+ (0x20b)"; exit 1; }
[ $((chars & 0x2000)) -eq 0 ] || fail "the DLL bit is set in Characteristics ($(printf %#x "$chars"))"
[ $((chars & 0x0002)) -ne 0 ] || fail "not marked executable in Characteristics ($(printf %#x "$chars"))"
subsystem=$(u16 $((opt + 68)))
[ "$subsystem" -eq 1 ] || fail "subsystem $subsystem, not native (1)"
ndirs=$(u32 $((opt + 108)))
[ "$ndirs" -gt 5 ] || { fail "only $ndirs data directories"; exit 1; }
reloc_size=$(u32 $((opt + 112 + 5 * 8 + 4)))
[ "$reloc_size" -gt 0 ] || fail "no base relocations (the image could not be loaded at another address)"

# Checksum: 16-bit words summed with end-around carry, the CheckSum field itself (2 words at
# optional header + 64) taken as zero, an odd last byte as a word of its own; plus the length.
csum_off=$((opt + 64))
stored=$(u32 $csum_off)
computed=$(od -An -v -tu1 "$img" | awk -v skip="$csum_off" -v len="$size" '
    { for (i = 1; i <= NF; i++) {
          if (n < skip || n >= skip + 4) {
              if (n % 2 == 0) sum += $i; else sum += $i * 256
              if (sum > 65535) sum = sum % 65536 + int(sum / 65536)
          }
          n++
      } }
    END { sum = sum % 65536 + int(sum / 65536); print sum % 65536 + len }')
[ "$stored" -eq "$computed" ] || fail "checksum stored $(printf %#x "$stored"), computed $(printf %#x "$computed")"

# Sections: none both writable (0x80000000) and executable (0x20000000).
sect=$((opt + optsize))
i=0
wx=
while [ $i -lt "$nsect" ]; do
    c=$(u32 $((sect + i * 40 + 36)))
    if [ $((c & 0xA0000000)) -eq $((0xA0000000)) ]; then
        wx="$wx $(od -An -j $((sect + i * 40)) -N 8 -c "$img" | tr -d ' \\0')"
    fi
    i=$((i + 1))
done
[ -z "$wx" ] || fail "sections both writable and executable:$wx"
[ $status -eq 0 ] && ok "PE32+ x86-64, native, not a DLL, checksum $(printf %#x "$stored") correct, relocations, $nsect sections none W+X"

# Imports, per DLL, from objdump's reading of the import directory. A descriptor with no
# names (what WinFsp's MSVC winfsp-x64.lib yields with GNU ld) fails.
$MINGW-objdump -p "$img" | awk -v dir="$tmp" '
    /^\tDLL Name: / { dll = $3; print dll > (dir "/dlls.txt"); printf "" > (dir "/dll-" dll); next }
    dll != "" && /^\t[0-9a-f]+\t/ { print $NF > (dir "/dll-" dll); next }
    dll != "" && /^$/ { dll = "" }'
touch "$tmp/dlls.txt"
[ -s "$tmp/dlls.txt" ] || fail "no imports found"
grep -v '^;' "$DEF" | sed -n '/^EXPORTS/,$p' | sed '1d' | awk 'NF {print $1}' | sort -u > "$tmp/winfsp.txt"
$MINGW-nm "$NTOSKRNL_LIB" 2>/dev/null | awk '$2 == "I" {print $3}' | sed 's/^__imp_//' | sort -u > "$tmp/mingw.txt"
if [ -f "$WINE_NTOSKRNL" ]; then
    $MINGW-objdump -p "$WINE_NTOSKRNL" |
        awk '/^\[Ordinal\/Name Pointer\] Table/ {on = 1; next} on && /^\t\[/ {print $NF; next} on {exit}' |
        sort -u > "$tmp/wine.txt"
else
    : > "$tmp/wine.txt"
    fail "$WINE_NTOSKRNL missing: install wine64 (scripts/install-deps.sh)"
fi
grep -v '^#' "$ALLOWED" | grep . | sort -u > "$tmp/allowed.txt"
comm -12 "$tmp/allowed.txt" "$tmp/mingw.txt" | comm -12 - "$tmp/wine.txt" > "$tmp/ntoskrnl.txt"
while read -r dll; do
    sort -u "$tmp/dll-$dll" > "$tmp/names.txt"
    case $dll in
        ntoskrnl.exe) list=$tmp/ntoskrnl.txt; what="ntoskrnl-allowed.txt, mingw and Wine" ;;
        winfsp-x64.sys) list=$tmp/winfsp.txt; what="winfsp-x64.def" ;;
        *) fail "imports from $dll, which is neither ntoskrnl.exe nor winfsp-x64.sys"; continue ;;
    esac
    if [ ! -s "$tmp/names.txt" ]; then
        fail "empty import descriptor for $dll (no names: calls would go through unfilled slots)"
        continue
    fi
    comm -23 "$tmp/names.txt" "$list" > "$tmp/bad.txt"
    while read -r n; do fail "imports $dll!$n, not in $what"; done < "$tmp/bad.txt"
    [ -s "$tmp/bad.txt" ] || ok "$dll: $(wc -l < "$tmp/names.txt") names, all in $what: $(tr '\n' ' ' < "$tmp/names.txt")"
done < "$tmp/dlls.txt"
[ $status -eq 0 ] && ok "$img passes"
exit $status
