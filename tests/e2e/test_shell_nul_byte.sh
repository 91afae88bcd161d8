#!/usr/bin/env bash
# test_shell_nul_byte.sh — a NUL byte in a shell line refuses the whole line: cut at the NUL
# it would name another path (`del \keep.txt<NUL>x` deleting \keep.txt), on memfs.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS
use_fs memfs

printf 'echo kept > \\keep.txt\ndel \\keep.txt\0.bak\ntype \\keep.txt\necho after\n' |
    timeout 60 "$WINFUSE" shell "${FS_ARGS[@]}" >"$OUT" 2>"$ERR"
STATUS=$?
check_eq "a refused line makes the shell exit 1" 1 "$STATUS"
check_contains "the shell says why the line was refused" "line refused: it holds a NUL byte" "$ERR"
check_contains "the file the cut line named is still there" "kept" "$OUT"
check_contains "the lines after it run" "after" "$OUT"

finish
