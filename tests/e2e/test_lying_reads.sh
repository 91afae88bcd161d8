#!/bin/bash
# test_lying_reads.sh — a file system that ignores READ offsets cannot make a reader run on:
# reads are clamped to the file size the stand-in was told (as WinFsp's FSD clamps them), and
# type and get end at the size they were told.
. "$E2E_LIB"
require WINFUSE LYING_FS

run_shell 'type \thirteen.txt
echo ==
type \fourteen.txt
echo ==
get \fourteen.txt '"$E2E_TMP"'/got.txt
' -- "$LYING_FS" -f
check_eq "type and get end, and succeed" 0 "$STATUS"
check_eq "type prints 13 bytes, then the next command" \
    "Hello, world!==" "$(head -n 1 "$OUT")"
check_contains "type of the 14-byte file prints it once" "Hello, worlds!==" "$OUT"
check_eq "get writes 14 bytes" 14 "$(wc -c <"$E2E_TMP/got.txt" 2>/dev/null)"

run_shell 'nt create \fourteen.txt access=GENERIC_READ
nt read 1 14 10
nt read 1 10 100 text
' -- "$LYING_FS" -f
check_contains "a read past the size is the end of the file, the file system not asked" \
    "nt read 1: STATUS_END_OF_FILE 0 bytes" "$OUT"
check_contains "a read across the size is shortened to it" "nt read 1: STATUS_SUCCESS 4 bytes" "$OUT"
check_eq "output stays small" 1 "$(( $(wc -c <"$OUT") < 2000 ))"

finish
