#!/usr/bin/env bash
# test_cancel.sh — cancelling reads in flight (CancelIoEx on the handle) sends FUSE INTERRUPT
# to a real file system; memfs answers the held READs with EINTR and every read completes
# with STATUS_CANCELLED long before the file system would have answered.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS

run_shell $'reads 8 \\file0000 4096 cancel=300\n' --debug -- \
    "$MEMFS" -f -o files=1,file_size=4096,read_delay_ms=5000
check_eq "the shell exits 1 (the reads failed)" 1 "$STATUS"
check_contains "the reads were cancelled after 300 ms" "cancelling the reads still in flight" "$OUT"
check_contains "all 8 reads completed with STATUS_CANCELLED" \
    "8 reads: 8 failed with STATUS_CANCELLED" "$OUT"
check_eq "one INTERRUPT per READ in flight" "$(requests READ)" "$(requests INTERRUPT)"
check_eq "8 READs went out" 8 "$(requests READ)"
ELAPSED=$(sed -n 's/^elapsed: \([0-9.]*\) s$/\1/p' "$OUT")
if [ -n "$ELAPSED" ] && awk -v e="$ELAPSED" 'BEGIN { exit !(e < 2.0) }'; then
    pass "cancelled reads end well before memfs's 5 s delay (${ELAPSED} s)"
else
    fail "cancelled reads end well before memfs's 5 s delay" "elapsed: ${ELAPSED:-none}"
fi

# Reads the file system answers before the cancel are not cancelled.
run_shell $'reads 4 \\file0000 4096 cancel=2000\n' -- \
    "$MEMFS" -f -o files=1,file_size=4096,read_delay_ms=100
check_eq "reads answered before the cancel succeed: exit 0" 0 "$STATUS"
check_contains "all 4 succeeded" "4 reads: 4 succeeded with 4096 bytes" "$OUT"

finish
