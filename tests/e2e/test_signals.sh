#!/bin/bash
# test_signals.sh — a shell or check killed by SIGTERM, SIGINT or SIGHUP ends the file system
# it started (the channel closed, then its process group and private mount namespace after a
# grace), whether the file system is idle, deadlocked or daemonized; none is left behind,
# nor the private mount namespace's directory.
. "$E2E_LIB"
require WINFUSE MEMFS LYING_FS

# The shells make their private directories here, to be seen going.
export TMPDIR=$E2E_TMP/tmp
mkdir -p "$TMPDIR"

TAG_N=0
# new_tag: a mount option that names this run's file system process, to find it by.
new_tag() {
    TAG_N=$((TAG_N + 1))
    TAG="wf-signals-$$-$TAG_N"
}

# fs_pids: the processes of the file system tagged $TAG.
fs_pids() {
    pgrep -f -- "fsname=$TAG" 2>/dev/null
}

# gone_within SECONDS: true once no process of $TAG is left.
gone_within() {
    local deadline=$((SECONDS + $1))
    while [ -n "$(fs_pids)" ]; do
        [ "$SECONDS" -ge "$deadline" ] && return 1
        sleep 0.05
    done
}

# start_shell SHELL-ARGS...: a shell reading commands from a FIFO, in the background
# (SHELL_PID), once its file system answers; send with: printf '...\n' >&"$IN".
start_shell() {
    rm -f "$E2E_TMP/in"
    mkfifo "$E2E_TMP/in"
    "$WINFUSE" shell "$@" <"$E2E_TMP/in" >"$OUT" 2>"$ERR" &
    SHELL_PID=$!
    E2E_PIDS+=("$SHELL_PID")
    exec {IN}>"$E2E_TMP/in"
    printf 'echo ==up==\n' >&"$IN"
    wait_for "==up==" "$OUT" 30 || fail "the shell starts ($*)" "$(cat "$ERR")"
}

# ends_with SIGNAL NAME: the shell, killed by SIGNAL, dies of it and its file system goes.
ends_with() {
    local sig=$1 name=$2 status
    [ -n "$(fs_pids)" ] || fail "$name: the file system runs before" "no process for $TAG"
    kill -"$sig" "$SHELL_PID"
    wait "$SHELL_PID"
    status=$?
    exec {IN}>&-
    check_eq "$name: the shell dies of SIG$sig" "$((128 + $(kill -l "$sig")))" "$status"
    if gone_within 10; then
        pass "$name: its file system is gone"
    else
        fail "$name: its file system is gone" "left: $(ps -o pid,ppid,stat,args -p "$(fs_pids | paste -sd,)")"
    fi
    check_eq "$name: nothing is left in TMPDIR" "" "$(ls -A "$TMPDIR")"
}

for sig in TERM INT HUP; do
    new_tag
    start_shell -- "$MEMFS" -f -o fsname="$TAG"
    ends_with "$sig" "idle shell on memfs, SIG$sig"
done

# A file system deadlocked in a request: end of file does not reach it, SIGTERM does.
new_tag
start_shell -- "$LYING_FS" -f -o fsname="$TAG"
printf 'type \\stuck\n' >&"$IN"
sleep 0.2
ends_with TERM "shell waiting on a deadlocked file system"

# A file system that daemonizes (memfs without -f) leaves our process group; it runs in the
# private mount namespace, and that is where it is found.
new_tag
start_shell -- "$MEMFS" -o fsname="$TAG"
ends_with HUP "daemonized memfs"

# winfuse check, killed while it runs.
new_tag
"$WINFUSE" check -- "$MEMFS" -f -o fsname="$TAG" >"$OUT" 2>"$ERR" &
CHECK_PID=$!
E2E_PIDS+=("$CHECK_PID")
wait_for "Mounted:" "$OUT" 30 || fail "check starts" "$(cat "$ERR")"
kill -TERM "$CHECK_PID"
wait "$CHECK_PID"
check_eq "check dies of SIGTERM" 143 "$?"
if gone_within 10; then pass "check's file system is gone"; else fail "check's file system is gone"; fi
check_eq "check: nothing is left in TMPDIR" "" "$(ls -A "$TMPDIR")"

finish
