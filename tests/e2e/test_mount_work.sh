#!/usr/bin/env bash
# test_mount_work.sh — the work a POSIX call costs through `winfuse mount`, as counts the
# machine's load does not change: threads made, and FUSE requests sent to the file system
# (docs/mount.md, "Speed").
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS
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
mount_down
check_eq "unmounted: exit status 0" "0" "$MOUNT_STATUS"

finish
