#!/usr/bin/env bash
# test_mount_ns_release.sh — the private mount namespace WinFuse runs a file system in must
# not keep other FUSE file systems alive: a kernel FUSE mount made before WinFuse started is
# unmounted by the system, and its daemon ends, while WinFuse's file system still runs.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS

[ -c /dev/fuse ] || die "the kernel's /dev/fuse is needed for this test"
KMNT=$E2E_TMP/kernel-mount
mkdir -p "$KMNT"
"$MEMFS" -f "$KMNT" &
KPID=$!
E2E_PIDS+=("$KPID")
for _ in $(seq 50); do grep -q " $KMNT fuse" /proc/self/mounts && break; sleep 0.1; done
grep -q " $KMNT fuse" /proc/self/mounts || die "memfs mounts through the kernel at $KMNT"
pass "a kernel FUSE mount runs before WinFuse starts"

# WinFuse's shell keeps its file system (memfs, in the namespace) running while it reads.
mkfifo "$E2E_TMP/input"
"$WINFUSE" shell <"$E2E_TMP/input" >"$OUT" 2>"$ERR" &
SHELL_PID=$!
E2E_PIDS+=("$SHELL_PID")
exec 9>"$E2E_TMP/input"
printf 'vol\n' >&9
wait_for "FUSE protocol" "$OUT" 20 || die "WinFuse's file system runs" "$(cat "$ERR")"
pass "WinFuse's file system runs in its namespace"

umount "$KMNT"
check_eq "the system unmounts the kernel mount" 0 "$?"
for _ in $(seq 50); do kill -0 "$KPID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$KPID" 2>/dev/null; then
    fail "the kernel mount's daemon ends while WinFuse still runs" "memfs $KPID is still alive"
else
    pass "the kernel mount's daemon ends while WinFuse still runs"
fi
kill -0 "$SHELL_PID" 2>/dev/null
check_eq "WinFuse's shell is still running" 0 "$?"

exec 9>&-
wait "$SHELL_PID"
check_eq "the shell ends cleanly" 0 "$?"
finish
