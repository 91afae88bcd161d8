#!/usr/bin/env bash
# test_hello_ll.sh — libfuse's own hello_ll example, unmodified, served through WinFuse.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE HELLO_LL

printf 'Hello World!\n' >"$E2E_TMP/hello"

# In the foreground (-f) and daemonized (hello_ll forks and its first process exits).
for mode in "-f" ""; do
    label="hello_ll${mode:+ $mode}"
    run_shell $'type \\hello\n' -- "$HELLO_LL" $mode
    check_eq "$label: type \\hello exits 0" 0 "$STATUS"
    check_files_equal "$label: type \\hello prints exactly Hello World!" "$E2E_TMP/hello" "$OUT"
done

run_shell $'dir \\\n' -- "$HELLO_LL" -f
check_eq "dir \\ exits 0" 0 "$STATUS"
check_eq "dir \\ lists hello with its 13 bytes" "13 hello" \
    "$(dir_listing "$OUT" | grep ' hello$')"
check_contains "dir \\ sums one file" "1 File(s)             13 bytes" "$OUT"

run_shell $'stat \\hello\n' -- "$HELLO_LL" -f
check_eq "stat \\hello exits 0" 0 "$STATUS"
check_contains "stat \\hello shows its size" "FileSize:       13" "$OUT"
check_contains "stat \\hello shows its read-only mode" "READONLY" "$OUT"

run_shell $'type \\nope\n' -- "$HELLO_LL" -f
check_eq "type \\nope exits 1" 1 "$STATUS"
check_contains "type \\nope prints STATUS_OBJECT_NAME_NOT_FOUND" \
    'type \nope: STATUS_OBJECT_NAME_NOT_FOUND' "$ERR"
check_eq "type \\nope prints nothing on stdout" "" "$(cat "$OUT")"

finish
