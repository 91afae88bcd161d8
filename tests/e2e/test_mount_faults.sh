#!/usr/bin/env bash
# test_mount_faults.sh — `winfuse mount` facing bad input and faults: a missing, busy or
# non-directory mount point, a caller without permission to mount, a file system that dies
# (requests in flight fail at once with ENOTCONN or EIO, and the mount goes), SIGTERM and
# SIGINT, and the daemon mode's end: each with a clear message and nothing mounted behind.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS
if [ "$(id -u)" -ne 0 ]; then
    echo "# skipped: kernel FUSE mounts and other callers need root"
    finish
fi
for tool in fusermount3 setpriv pgrep; do
    command -v "$tool" >/dev/null || die "prerequisite $tool" "not installed"
done
. "$(dirname "${E2E_LIB:-$0}")/mount_lib.sh"

count_mounts() {        # count_mounts DIR: how many mounts /proc/mounts lists at DIR
    awk -v d="$1" '$2 == d { n++ } END { print n + 0 }' /proc/mounts
}

# wait_exit PID SECONDS: waits for PID to end (it is our child); its status in $STATUS, or
# 124 when it did not end in time.
wait_exit() {
    local i
    for i in $(seq $(($2 * 20))); do
        if ! kill -0 "$1" 2>/dev/null; then
            wait "$1"
            STATUS=$?
            return 0
        fi
        sleep 0.05
    done
    STATUS=124
    return 1
}

# A missing mount point, a file, and a busy one.
"$WINFUSE" mount -f "$E2E_TMP/nowhere" -- "$MEMFS" -f >"$OUT" 2>"$ERR"
check_eq "a missing mount point: exit status 2" "2" "$?"
check_contains "a missing mount point: says so" \
    "mount point $E2E_TMP/nowhere: No such file or directory" "$ERR"
touch "$E2E_TMP/file"
"$WINFUSE" mount -f "$E2E_TMP/file" -- "$MEMFS" -f >"$OUT" 2>"$ERR"
check_eq "a file as mount point: exit status 2" "2" "$?"
check_contains "a file as mount point: says so" "Not a directory" "$ERR"

mount_up -- "$MEMFS" -f || die "mounted" "$(cat "$MOUNT_ERR")"
echo one >"$MNT/first"
"$WINFUSE" mount -f "$MNT" -- "$MEMFS" -f >"$OUT" 2>"$ERR"
check_eq "a busy mount point: exit status 2" "2" "$?"
check_contains "a busy mount point: says so" "is busy" "$ERR"
check_eq "a busy mount point: still one mount there" "1" "$(count_mounts "$MNT")"
check_eq "a busy mount point: the first mount still serves" "one" "$(cat "$MNT/first")"

# SIGTERM: a clean unmount, the file system ended with it.
FS_PID=$(pgrep -P "$MOUNT_PID" | head -n 1)
kill -TERM "$MOUNT_PID"
wait_exit "$MOUNT_PID" 20
check_eq "SIGTERM: winfuse mount exits 0" "0" "$STATUS"
[ "$STATUS" = 124 ] || MOUNT_PID=""
check_eq "SIGTERM: nothing is left mounted" "0" "$(count_mounts "$MNT")"
check_eq "SIGTERM: the file system is gone" "no" \
    "$(kill -0 "$FS_PID" 2>/dev/null && echo yes || echo no)"

# SIGINT, as a Ctrl-C on its terminal.
mount_up -- "$MEMFS" -f || die "mounted again" "$(cat "$MOUNT_ERR")"
kill -INT "$MOUNT_PID"
wait_exit "$MOUNT_PID" 20
check_eq "SIGINT: winfuse mount exits 0" "0" "$STATUS"
[ "$STATUS" = 124 ] || MOUNT_PID=""
check_eq "SIGINT: nothing is left mounted" "0" "$(count_mounts "$MNT")"

# The file system dies with a request in flight: stopped, asked (the LOOKUP waits for
# it), then killed.
mount_up -- "$MEMFS" -f || die "mounted a third time" "$(cat "$MOUNT_ERR")"
FS_PID=$(pgrep -P "$MOUNT_PID" | head -n 1)
kill -STOP "$FS_PID"
# kill returns before every thread of the file system has stopped: a thread still running
# (on a loaded machine) would answer the LOOKUP, and the stat would get ENOENT.
all_stopped() {
    local task state
    for task in /proc/"$FS_PID"/task/*; do
        state=$(awk '{ print $3 }' "$task/stat" 2>/dev/null)
        [ "$state" = T ] || [ "$state" = t ] || return 1
    done
}
for _ in $(seq 200); do
    all_stopped && break
    sleep 0.05
done
check_eq "a dying file system: every thread of it stopped" "yes" \
    "$(all_stopped && echo yes || echo no)"
stat "$MNT/never-seen" >"$E2E_TMP/stat.out" 2>&1 &
STAT_PID=$!
# Killed only once the stat waits for its answer: on a loaded machine a stat that had not
# yet started would run after the unmount and find the bare directory (ENOENT).
for _ in $(seq 400); do
    [ "$(cat "/proc/$STAT_PID/wchan" 2>/dev/null)" = request_wait_answer ] && break
    sleep 0.05
done
check_eq "a dying file system: the stat waits for the stopped file system" \
    request_wait_answer "$(cat "/proc/$STAT_PID/wchan" 2>/dev/null)"
kill -KILL "$FS_PID"
wait_exit "$STAT_PID" 20
check_eq "a dying file system: the request in flight fails" "1" "$STATUS"
if grep -qE "Transport endpoint is not connected|Input/output error" "$E2E_TMP/stat.out"; then
    pass "a dying file system: it fails with ENOTCONN or EIO"
else
    fail "a dying file system: it fails with ENOTCONN or EIO" "$(cat "$E2E_TMP/stat.out")"
fi
wait_exit "$MOUNT_PID" 20
# Killed by a signal WinFuse did not send: a crash, exit status 3, as `winfuse shell`.
check_eq "a dying file system: winfuse mount exits 3 (a crash)" "3" "$STATUS"
[ "$STATUS" = 124 ] || MOUNT_PID=""
check_contains "a dying file system: says so" "the file system went away" "$MOUNT_ERR"
check_contains "a dying file system: and how it ended" "was killed by signal 9" "$MOUNT_ERR"
check_eq "a dying file system: nothing is left mounted" "0" "$(count_mounts "$MNT")"

# Daemon mode: winfuse returns once mounted; fusermount3 -u ends the daemon.
"$WINFUSE" mount "$MNT" -- "$MEMFS" -f >"$OUT" 2>"$ERR"
check_eq "daemon mode: exit status 0 once mounted" "0" "$?"
check_eq "daemon mode: mounted" "1" "$(count_mounts "$MNT")"
echo daemon >"$MNT/d"
check_eq "daemon mode: serves" "daemon" "$(cat "$MNT/d")"
DAEMON=$(pgrep -f -x "$WINFUSE mount $MNT -- $MEMFS -f")
fusermount3 -u "$MNT"
for _ in $(seq 200); do
    kill -0 "$DAEMON" 2>/dev/null || break
    sleep 0.05
done
check_eq "daemon mode: fusermount3 -u ends the daemon" "no" \
    "$(kill -0 "$DAEMON" 2>/dev/null && echo yes || echo no)"
check_eq "daemon mode: nothing is left mounted" "0" "$(count_mounts "$MNT")"
"$WINFUSE" mount "$E2E_TMP/nowhere" -- "$MEMFS" -f >"$OUT" 2>"$ERR"
check_eq "daemon mode: a failed mount still exits 2" "2" "$?"

# A caller without permission to mount there: the kernel or fusermount3 refuses (libfuse
# says why), winfuse says that nothing is mounted.
mkdir "$E2E_TMP/rootonly"
chmod 0755 "$E2E_TMP/rootonly"
setpriv --reuid 1000 --regid 1000 --clear-groups \
    "$WINFUSE" mount -f "$E2E_TMP/rootonly" -- "$MEMFS" -f >"$OUT" 2>"$ERR"
check_eq "a caller without permission: exit status 2" "2" "$?"
check_contains "a caller without permission: says nothing is mounted" \
    "cannot mount on $E2E_TMP/rootonly; nothing is mounted" "$ERR"
check_eq "a caller without permission: nothing is mounted" "0" \
    "$(count_mounts "$E2E_TMP/rootonly")"

finish
