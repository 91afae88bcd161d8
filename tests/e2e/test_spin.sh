#!/usr/bin/env bash
# test_spin.sh — -o spin=off|on|US (how long a caller polls for its reply before it sleeps,
# docs/shell.md): each serves the volume alike; anything else is refused before the file
# system starts.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS
use_fs memfs

for spin in off on 0 20 1000; do
    fs_script -o "spin=$spin" <<'EOF'
echo hello > \a.txt
type \a.txt
EOF
    check_eq "-o spin=$spin: the commands succeed" 0 "$STATUS"
    check_contains "-o spin=$spin: the file reads back" hello "$OUT"
done

for bad in fast 1001 -5 ""; do
    fs_script -o "spin=$bad" </dev/null
    check_eq "-o spin=$bad is refused" 2 "$STATUS"
    check_contains "-o spin=$bad: the shell says why" "bad option 'spin=$bad'" "$ERR"
done

finish
