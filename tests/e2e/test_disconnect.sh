#!/usr/bin/env bash
# test_disconnect.sh — a file system killed with 32 reads in flight: every read must fail
# promptly (within a second of the kill), the shell must say so and exit non-zero (3: it crashed).
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS

# A name of our own for memfs, so that pkill finds this file system and no other.
UNIQUE=$E2E_TMP/memfs-disconnect-$$
ln -s "$MEMFS" "$UNIQUE" || die "link $UNIQUE"

printf 'reads 32 \\file0000\n' |
    "$WINFUSE" shell -- "$UNIQUE" -f -o files=1,file_size=4096,read_delay_ms=5000 \
    >"$OUT" 2>"$ERR" &
SHELL_PID=$!
E2E_PIDS+=("$SHELL_PID")

if ! wait_for "issuing 32 reads" "$OUT" 20; then
    die "the shell starts the reads" "stdout: $(cat "$OUT")" "stderr: $(cat "$ERR")"
fi
pass "the shell starts the reads"
sleep 0.5           # the reads reach memfs, which holds each for 5 s

KILLED_AT=$(now_ms)
if pkill -KILL -f "^$UNIQUE "; then
    pass "memfs is killed with the reads in flight"
else
    die "memfs is killed with the reads in flight" "no process matches ^$UNIQUE"
fi

if wait_for "32 reads:" "$OUT" 4; then
    DONE_AT=$(now_ms)
    ELAPSED=$((DONE_AT - KILLED_AT))
    if [ "$ELAPSED" -lt 1000 ]; then
        pass "the reads complete within a second of the kill (${ELAPSED} ms)"
    else
        fail "the reads complete within a second of the kill" "took ${ELAPSED} ms"
    fi
else
    fail "the reads complete within a second of the kill" "not done 4 s after the kill" \
        "stdout: $(cat "$OUT")"
fi

timeout 10 tail --pid="$SHELL_PID" -f /dev/null || kill -KILL "$SHELL_PID" 2>/dev/null
wait "$SHELL_PID"
STATUS=$?
# Killed by a signal WinFuse did not send: reported as a crash, exit 3.
check_eq "the shell exits 3" 3 "$STATUS"
check_contains "the shell says the file system was killed" \
    "the file system crashed: it was killed by signal 9" "$ERR"
check_contains "all 32 reads failed with STATUS_CONNECTION_DISCONNECTED" \
    "32 reads: 32 failed with STATUS_CONNECTION_DISCONNECTED" "$OUT"
check_lacks "no read succeeded" "succeeded" "$OUT"
check_contains "the shell says the file system disconnected" "file system disconnected" "$ERR"
ELAPSED_S=$(sed -n 's/^elapsed: \([0-9]*\)\..*/\1/p' "$OUT")
if [ -n "$ELAPSED_S" ] && [ "$ELAPSED_S" -lt 5 ]; then
    pass "the reads ended before memfs's 5 s delay (elapsed ${ELAPSED_S}.x s)"
else
    fail "the reads ended before memfs's 5 s delay" "elapsed line: $(grep elapsed "$OUT")"
fi

finish
