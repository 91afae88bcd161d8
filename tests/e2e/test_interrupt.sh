#!/bin/bash
# test_interrupt.sh — ways out of a silent file system: --timeout gives up on a request
# (STATUS_IO_TIMEOUT) and the volume stays usable; Ctrl-C cancels the running command
# (INTERRUPT, then STATUS_CANCELLED when ignored) and keeps the shell, a second one ends it;
# `winfuse abort PID` from another terminal disconnects and ends the file system.
. "$E2E_LIB"
require WINFUSE LYING_FS

# --timeout: a READ never answered.
run_shell 'type \silent
type \thirteen.txt
vol
' --timeout 0.5 -- "$LYING_FS" -f
check_contains "the unanswered read times out" "type \\silent: STATUS_IO_TIMEOUT" "$ERR"
check_contains "the volume stays usable" "Hello, world!" "$OUT"
check_contains "vol counts it" "1 timed out or cancelled" "$OUT"
check_eq "the shell ends with a failed command" 1 "$STATUS"

run_shell 'type \thirteen.txt
' --timeout nonsense -- "$LYING_FS" -f
check_eq "a bad --timeout is refused" 2 "$STATUS"

# start_shell SHELL-ARGS...: a shell reading commands from a FIFO, in the background
# (SHELL_PID), traced (--debug) so that a request going out can be seen.
start_shell() {
    rm -f "$E2E_TMP/in"
    mkfifo "$E2E_TMP/in"
    "$WINFUSE" shell --debug "$@" <"$E2E_TMP/in" >"$OUT" 2>"$ERR" &
    SHELL_PID=$!
    E2E_PIDS+=("$SHELL_PID")
    exec {IN}>"$E2E_TMP/in"
    send 'echo ==up=='
    wait_for "==up==" "$OUT" 30 || fail "the shell starts" "$(tail -5 "$ERR")"
    FS_PID=$(pgrep -P "$SHELL_PID" | head -n 1)
}
send() {
    printf '%s\n' "$@" >&"$IN"
}
# wait_read: a READ is out at the file system.
wait_read() {
    wait_for "devfuse: -> READ" "$ERR" 30 || fail "the READ goes out" "$(tail -5 "$ERR")"
}
fs_gone_within() {
    local deadline=$((SECONDS + $1))
    while kill -0 "$FS_PID" 2>/dev/null; do
        [ "$SECONDS" -ge "$deadline" ] && return 1
        sleep 0.05
    done
}

# Ctrl-C: the command is cancelled; the shell stays and the volume works.
start_shell -- "$LYING_FS" -f
send 'type \silent'
wait_read
kill -INT "$SHELL_PID"
send 'type \thirteen.txt' 'echo ==after=='
wait_for "==after==" "$OUT" 30 || fail "the shell goes on after Ctrl-C" "$(tail -5 "$ERR")"
check_contains "Ctrl-C cancels the command" "type \\silent: STATUS_CANCELLED" "$ERR"
check_contains "INTERRUPT went out" "devfuse: -> INTERRUPT" "$ERR"
check_contains "the volume stays usable" "Hello, world!" "$OUT"
exec {IN}>&-
wait "$SHELL_PID"
check_eq "the shell ends at end of input" 1 "$?"

# A second Ctrl-C during the same command ends the shell and its file system.
start_shell -- "$LYING_FS" -f
send 'type \silent'
wait_read
kill -INT "$SHELL_PID"
sleep 0.2
kill -INT "$SHELL_PID"
wait "$SHELL_PID"
check_eq "a second Ctrl-C ends the shell" 130 "$?"
exec {IN}>&-
if fs_gone_within 10; then pass "... and its file system"; else fail "... and its file system"; fi

# winfuse abort PID, from another terminal.
start_shell -- "$LYING_FS" -f
send 'type \silent'
wait_read
"$WINFUSE" abort "$SHELL_PID"
check_eq "winfuse abort succeeds" 0 "$?"
send 'type \thirteen.txt' 'echo ==after=='
wait_for "==after==" "$OUT" 30 || fail "the shell goes on after abort" "$(tail -5 "$ERR")"
check_contains "the hung command fails disconnected" \
    "type \\silent: STATUS_CONNECTION_DISCONNECTED" "$ERR"
check_contains "so do later ones" "type \\thirteen.txt: STATUS_CONNECTION_DISCONNECTED" "$ERR"
if fs_gone_within 10; then pass "the file system is ended"; else fail "the file system is ended"; fi
exec {IN}>&-
wait "$SHELL_PID"
check_eq "the shell ends at end of input" 1 "$?"

"$WINFUSE" abort $$ 2>"$E2E_TMP/abort.err"
check_eq "abort refuses a process that is not winfuse" 1 "$?"
check_contains "and says so" "is not a winfuse shell or check" "$E2E_TMP/abort.err"

finish
