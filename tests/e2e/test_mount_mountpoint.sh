#!/usr/bin/env bash
# test_mount_mountpoint.sh — `winfuse mount --mount=mountpoint`, the door Go file systems get
# under --mount=auto, facing faults: a file system that had the kernel mount made and then
# dies before INIT, one that asks for another mount point, and a caller the kernel holds on
# the mount meanwhile: each ends with a clear message, the caller let go, nothing mounted.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE GOFUSE_MOUNT
if [ "$(id -u)" -ne 0 ]; then
    echo "# skipped: kernel FUSE mounts need root"
    finish
fi
command -v fusermount3 >/dev/null || die "prerequisite fusermount3" "not installed"
. "$(dirname "${E2E_LIB:-$0}")/mount_lib.sh"

count_mounts() {        # count_mounts DIR: how many mounts /proc/mounts lists at DIR
    awk -v d="$1" '$2 == d { n++ } END { print n + 0 }' /proc/mounts
}

# The helper asks, winfuse mounts, the file system takes the channel and exits before INIT.
timeout 60 "$WINFUSE" mount -f --debug --mount=mountpoint "$MNT" -- "$GOFUSE_MOUNT" die \
    >"$OUT" 2>"$ERR"
check_eq "dies before INIT: exit status 2" 2 "$?"
check_contains "dies before INIT: the kernel mount had been made" \
    "asks for the kernel mount on $MNT: mounted" "$ERR"
check_contains "dies before INIT: the file system had the channel" "got the channel" "$ERR"
check_contains "dies before INIT: says so" "before INIT" "$ERR"
check_eq "dies before INIT: nothing is left mounted" 0 "$(count_mounts "$MNT")"

# Another mount point than winfuse mount's: refused, nothing mounted anywhere.
mkdir "$E2E_TMP/other"
timeout 60 "$WINFUSE" mount -f --mount=mountpoint "$MNT" -- "$GOFUSE_MOUNT" \
    "elsewhere=$E2E_TMP/other" >"$OUT" 2>"$ERR"
check_eq "another mount point: exit status 2" 2 "$?"
check_contains "another mount point: the helper says why" "it serves another mount point" "$ERR"
check_eq "another mount point: nothing mounted there" 0 "$(count_mounts "$E2E_TMP/other")"
check_eq "another mount point: nothing mounted at the mount point" 0 "$(count_mounts "$MNT")"

# A caller on the mount before INIT waits (the kernel holds it until the session answers
# INIT); when the file system dies instead, it is let go with ENOTCONN.
timeout 60 "$WINFUSE" mount -f --mount=mountpoint "$MNT" -- "$GOFUSE_MOUNT" \
    "stat=$E2E_TMP/stat.result" >"$OUT" 2>"$ERR"
check_eq "a held caller: exit status 2" 2 "$?"
for i in $(seq 200); do
    [ -s "$E2E_TMP/stat.result" ] && break
    sleep 0.05
done
check_eq "a held caller: its stat fails with ENOTCONN" "Transport endpoint is not connected" \
    "$(cat "$E2E_TMP/stat.result" 2>/dev/null)"
check_eq "a held caller: nothing is left mounted" 0 "$(count_mounts "$MNT")"

# Only winfuse mount has a kernel mount point.
timeout 60 "$WINFUSE" shell --mount=mountpoint -- "$GOFUSE_MOUNT" die </dev/null >"$OUT" 2>"$ERR"
check_contains "shell --mount=mountpoint: refused" "only winfuse mount has one" "$ERR"
finish
