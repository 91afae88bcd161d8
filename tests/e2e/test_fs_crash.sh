#!/usr/bin/env bash
# test_fs_crash.sh — a file system that dies of a signal mid-session is reaped as soon as its
# channel closes (no zombie while the shell runs on), and the shell then says so and exits 3.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS
# A sanitizer build's memfs would catch SIGSEGV and exit 1 (no crash to tell from libfuse's
# normal end): the signals must kill, as in a plain build.
export ASAN_OPTIONS=handle_segv=0:handle_abort=0

# memfs under a wrapper that tells its pid (exec keeps the pid: the shell's own child).
PIDFILE=$E2E_TMP/fs.pid
cat >"$E2E_TMP/fs.sh" <<EOF
#!/bin/sh
echo \$\$ >"$PIDFILE"
exec "$MEMFS" -f "\$@"
EOF
chmod +x "$E2E_TMP/fs.sh"
FS=memfs
FS_ARGS=(-- "$E2E_TMP/fs.sh")

# crash SIGNAL: a session whose file system gets SIGNAL after its first command.
crash() {
    local signal=$1 pid state
    # Step numbers go on from the last session, whose output must not answer for this one.
    rm -f "$PIDFILE" "$OUT" "$ERR"
    session_start
    session_send 'echo hi > \a'
    pid=$(cat "$PIDFILE")
    kill "-$signal" "$pid"
    # The pump reaps it when the channel closes: poll briefly, the shell still running.
    for _ in $(seq 1 100); do
        state=$(ps -o stat= -p "$pid" 2>/dev/null)
        [ -z "$state" ] && break
        sleep 0.02
    done
    check_eq "SIG$signal: the dead file system is reaped while the shell runs" "" "$state"
    session_send 'dir \'
    check_contains "SIG$signal: the next command finds the file system gone" \
        "file system disconnected" "$ERR"
    session_end
    check_eq "SIG$signal: the shell exits 3" 3 "$STATUS"
}

crash SEGV
check_contains "SIGSEGV: the shell names the signal" \
    "the file system crashed: it was killed by signal 11" "$ERR"
crash ABRT
check_contains "SIGABRT: the shell names the signal" \
    "the file system crashed: it was killed by signal 6" "$ERR"

# A file system that ends as libfuse ends at the channel's end (exit status 1, "short read
# on fuse device") is no crash.
run_shell $'echo hi > \\a\n' -- "$MEMFS" -f
check_eq "a session that ends normally exits 0" 0 "$STATUS"
check_lacks "a normal end reports no crash" "crashed" "$ERR"

finish
