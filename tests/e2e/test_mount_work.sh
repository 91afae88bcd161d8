#!/usr/bin/env bash
# test_mount_work.sh — the work a POSIX call costs through `winfuse mount`, as counts the
# machine's load does not change: threads made, threads woken, requests made (docs/mount.md,
# "Speed").
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS PASSTHROUGH_LL
if [ "$(id -u)" -ne 0 ]; then
    echo "# skipped: kernel FUSE mounts need root"
    finish
fi
command -v fusermount3 >/dev/null || die "prerequisite fusermount3" "not installed"
. "$(dirname "${E2E_LIB:-$0}")/mount_lib.sh"

# tasks PID: the thread ids of PID, one a line, sorted.
tasks() {
    ls "/proc/$1/task" | sort
}

mount_up -- "$MEMFS" -f || die "mounted" "$(cat "$MOUNT_ERR")"
# One lookup warms the workers up; then names that are not there, each a LOOKUP whatever
# the kernel caches.
stat "$MNT/none0" 2>/dev/null
tasks "$MOUNT_PID" >"$E2E_TMP/tasks.before"
for i in $(seq 99); do
    ! stat "$MNT/none$i" 2>/dev/null || fail "stat none$i" "found"
done
tasks "$MOUNT_PID" >"$E2E_TMP/tasks.after"
# libfuse's workers stay for the next request: a thread made and ended per request (what
# a v1 loop configuration read as v2 gave: max_idle_threads 0) costs more than the request.
# (A request that comes while the others are busy may add a worker: not counted.)
check_eq "99 lookups one after another: every thread there before is still there" "" \
    "$(comm -23 "$E2E_TMP/tasks.before" "$E2E_TMP/tasks.after" | tr '\n' ' ')"

# switches_of PID NAME: the voluntary context switches of PID's threads called NAME.
switches_of() {
    local t sum=0 n
    for t in /proc/$1/task/*; do
        [ "$(cat "$t/comm" 2>/dev/null)" = "$2" ] || continue
        n=$(awk '/^voluntary_ctxt_switches/ { print $2 }' "$t/status")
        sum=$((sum + n))
    done
    echo "$sum"
}

# 1 MiB writes: each goes to the file system as one WRITE, sent by the thread that serves
# the kernel's request, not handed to the pump's request threads (a wake-up more each).
[ "$(ls /proc/$MOUNT_PID/task | while read -r t; do cat "/proc/$MOUNT_PID/task/$t/comm"; done |
    grep -c '^devfuse-req$')" -gt 0 ] || fail "the pump's request threads are named devfuse-req"
before=$(switches_of "$MOUNT_PID" devfuse-req)
dd if=/dev/zero of="$MNT/big" bs=1M count=32 conv=fsync status=none || fail "dd of 32 MiB"
after=$(switches_of "$MOUNT_PID" devfuse-req)
# A few wake-ups for other reasons (a posted Close's follow-up) may come: not one a write.
if [ $((after - before)) -lt 8 ]; then
    pass "32 writes of 1 MiB: the request threads stayed asleep ($((after - before)) wake-ups)"
else
    fail "32 writes of 1 MiB: the request threads stayed asleep" \
        "they woke $((after - before)) times"
fi
check_eq "the 32 MiB are there" "33554432" "$(stat -c %s "$MNT/big")"

# The caller's groups are read from /proc/PID/status once per worker and caller, not per
# request: the RELEASE after a close comes from no process (pid 0, no /proc entry) and
# must not drop the cached caller (before: every open+read+close read it twice more).
printf 'x%.0s' $(seq 4096) >"$MNT/small" || fail "small file written"
strace -f -qq -e trace=openat -o "$E2E_TMP/opens" -p "$MOUNT_PID" 2>/dev/null &
tracer=$!
# Traced once every thread of winfuse names strace as its tracer.
for _ in $(seq 100); do
    ! grep -q "^TracerPid:[[:space:]]*0$" /proc/"$MOUNT_PID"/task/*/status && break
    sleep 0.1
done
if grep -q "^TracerPid:[[:space:]]*0$" /proc/"$MOUNT_PID"/task/*/status; then
    kill "$tracer" 2>/dev/null
    die "strace traces every thread of winfuse" "some thread untraced after 10 s"
fi
python3 -c 'import sys
for _ in range(100):
    with open(sys.argv[1], "rb") as f:
        assert len(f.read()) == 4096' "$MNT/small" || fail "100 open+read+close by one process"
sleep 0.5       # the last RELEASE is sent after close returns
kill -INT "$tracer"
wait "$tracer" 2>/dev/null
reads=$(grep -c '/status"' "$E2E_TMP/opens")
# At most one read per worker (16) and a few more; before, 100 opens read it 225 times.
if [ "$reads" -le 20 ]; then
    pass "100 open+read+close by one process: the caller's groups read $reads times"
else
    fail "100 open+read+close by one process: the caller's groups read once per worker" \
        "read $reads times"
fi

mount_down
check_eq "unmounted: exit status 0" "0" "$MOUNT_STATUS"

# DOS attributes: no program behind the mount sees them, so by default none are stored
# (a SETXATTR and a GETATTR per create, a GETXATTR per lookup of a node the engine had
# let go); -o dosattrib=on stores them as `winfuse shell` does.
xattrs_of() {           # xattrs_of FILE: its xattr names, space-separated
    python3 -c 'import os, sys; print(" ".join(sorted(os.listxattr(sys.argv[1]))))' "$1"
}
fs_command passthrough_ll
mount_up -- "${FS_CMD[@]}" || die "passthrough_ll mounted" "$(cat "$MOUNT_ERR")"
echo data >"$MNT/plain"
mkdir "$MNT/dir"
check_eq "default: a new file gets no user.DOSATTRIB" "" "$(xattrs_of "$SRC/plain")"
check_eq "default: a new directory gets no user.DOSATTRIB" "" "$(xattrs_of "$SRC/dir")"
mount_down
mount_up -o dosattrib=on -- "${FS_CMD[@]}" || die "mounted with dosattrib=on" "$(cat "$MOUNT_ERR")"
echo data >"$MNT/kept"
check_eq "-o dosattrib=on: a new file gets user.DOSATTRIB" "user.DOSATTRIB" \
    "$(xattrs_of "$SRC/kept")"
mount_down

finish
