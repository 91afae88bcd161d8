#!/usr/bin/env bash
# test_memfs.sh — dir, type, stat, vol, cd and the error paths of `winfuse shell` on memfs.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS

# ---- the command itself ----------------------------------------------------------------
"$WINFUSE" --version >"$OUT" 2>"$ERR"
check_eq "--version exits 0" 0 $?
check_contains "--version names winfuse" "winfuse " "$OUT"
"$WINFUSE" --help >"$OUT" 2>"$ERR"
check_eq "--help exits 0" 0 $?
check_contains "--help shows the shell usage" "winfuse shell" "$OUT"
"$WINFUSE" frobnicate >"$OUT" 2>"$ERR"
check_eq "an unknown subcommand exits 2" 2 $?

run_shell $'dir\n' -- "$E2E_TMP/no-such-fs"
check_eq "a file system that cannot start: exit 2" 2 "$STATUS"
check_contains "a file system that cannot start: says so" "no-such-fs" "$ERR"

# ---- memfs with three 1000-byte files --------------------------------------------------
MEMFS_ARGS=(-- "$MEMFS" -f -o files=3,file_size=1000)

run_shell $'dir \\\n' "${MEMFS_ARGS[@]}"
check_eq "dir \\ exits 0" 0 "$STATUS"
dir_listing "$OUT" | grep -v ' \.\.\?$' >"$E2E_TMP/listing"
printf '1000 file0000\n1000 file0001\n1000 file0002\n' >"$E2E_TMP/expected"
check_files_equal "dir \\ lists the three files with their sizes" "$E2E_TMP/expected" \
    "$E2E_TMP/listing"
check_contains "dir \\ sums the files" "3 File(s)           3000 bytes" "$OUT"
check_contains "dir \\ counts directories" "Dir(s)" "$OUT"
check_lacks "dir \\ reports no error" "STATUS_" "$ERR"

# memfs fills byte j of file k with (k + j) % 251.
perl -e 'print map { chr((1 + $_) % 251) } 0 .. 999' >"$E2E_TMP/file0001"
run_shell $'type \\file0001\n' "${MEMFS_ARGS[@]}"
check_eq "type \\file0001 exits 0" 0 "$STATUS"
check_files_equal "type \\file0001 writes the file's bytes" "$E2E_TMP/file0001" "$OUT"

run_shell $'stat \\file0002\nstat \\\n' "${MEMFS_ARGS[@]}"
check_eq "stat exits 0" 0 "$STATUS"
check_contains "stat shows the file size" "FileSize:       1000" "$OUT"
check_contains "stat shows the root as a directory" "DIRECTORY" "$OUT"
check_contains "stat shows ISO times" "LastWriteTime:  2" "$OUT"
check_eq "stat shows one DIRECTORY (the root)" 1 "$(grep -c '^Attributes:.*DIRECTORY' "$OUT")"

run_shell $'vol\n' "${MEMFS_ARGS[@]}"
check_eq "vol exits 0" 0 "$STATUS"
check_contains "vol shows the total size" "Total size:" "$OUT"
check_contains "vol shows the FUSE protocol" "FUSE protocol:  7." "$OUT"
check_contains "vol shows max_write" "max_write:" "$OUT"

# Relative paths, cd, / as a separator, patterns.
run_shell $'cd \\\ntype file0000\n' "${MEMFS_ARGS[@]}"
perl -e 'print map { chr($_ % 251) } 0 .. 999' >"$E2E_TMP/file0000"
check_eq "cd then a relative type exits 0" 0 "$STATUS"
check_files_equal "a relative path resolves against the current directory" \
    "$E2E_TMP/file0000" "$OUT"

run_shell $'dir file000?\n' "${MEMFS_ARGS[@]}"
check_eq "dir with a pattern exits 0" 0 "$STATUS"
check_eq "dir file000? matches the three files" 3 \
    "$(dir_listing "$OUT" | grep -c ' file000[0-2]$')"

run_shell $'dir /file0001\n' "${MEMFS_ARGS[@]}"
check_eq "dir of a file, / as separator, exits 0" 0 "$STATUS"
check_eq "dir of a file lists that file" "1000 file0001" "$(dir_listing "$OUT")"

run_shell $'cd \\\ncd .\\.\ncd ..\ncd\n' "${MEMFS_ARGS[@]}"
check_eq "cd . and .. stay at the root" 0 "$STATUS"
check_eq "cd shows the current directory" '\' "$(tail -n 1 "$OUT")"

# ---- errors ----------------------------------------------------------------------------
run_shell $'type \\nope\n' "${MEMFS_ARGS[@]}"
check_eq "type \\nope exits 1" 1 "$STATUS"
check_contains "type \\nope names the status" 'type \nope: STATUS_OBJECT_NAME_NOT_FOUND' "$ERR"

run_shell $'type \\\ndir \\file0000\\x\ntype \\a|b\ndir \\*.none\ncd \\file0000\n' "${MEMFS_ARGS[@]}"
check_eq "failing commands exit 1" 1 "$STATUS"
check_contains "type of a directory fails" "STATUS_FILE_IS_A_DIRECTORY" "$ERR"
check_contains "a path through a file fails" 'dir \file0000\x: STATUS_' "$ERR"
check_contains "a name with | is invalid" 'type \a|b: STATUS_OBJECT_NAME_INVALID' "$ERR"
check_contains "a pattern that matches nothing" 'dir \*.none: STATUS_NO_SUCH_FILE' "$ERR"
check_contains "cd to a file fails" 'cd \file0000: STATUS_NOT_A_DIRECTORY' "$ERR"

run_shell $'frob\ndir \\\n' "${MEMFS_ARGS[@]}"
check_eq "an unknown command counts as a failure" 1 "$STATUS"
check_contains "an unknown command is named" "frob" "$ERR"
check_contains "commands after a failure still run" "3 File(s)" "$OUT"

run_shell $'dir \\\nexit\ntype \\nope\n' "${MEMFS_ARGS[@]}"
check_eq "exit stops reading commands" 0 "$STATUS"

# ---- the embedded default: memfs next to winfuse, or WINFUSE_MEMFS ---------------------
WINFUSE_MEMFS=$MEMFS run_shell $'dir \\\n'
check_eq "with no FS-COMMAND, WINFUSE_MEMFS runs" 0 "$STATUS"
check_contains "with no FS-COMMAND, the root lists" "0 File(s)" "$OUT"
if [ -x "$(dirname "$WINFUSE")/memfs" ]; then
    run_shell $'dir \\\n'
    check_eq "with no FS-COMMAND, the memfs beside winfuse runs" 0 "$STATUS"
fi

finish
