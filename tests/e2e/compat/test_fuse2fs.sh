#!/usr/bin/env bash
# test_fuse2fs.sh — compatibility row: fuse2fs (libfuse 2 high-level API) on an ext4 image
# made by mkfs.ext4 now, through the fusermount helper; the image, read with debugfs after
# the unmount, shows the changes and is clean for e2fsck. fuse2fs marks the file system
# "not clean" in its init handler and "clean" in its destroy handler: the superblock shows
# both ran.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE
compat_require fuse2fs mkfs.ext4 debugfs dumpe2fs e2fsck
FS=fuse2fs

SRC=$E2E_TMP/tree
IMAGE=$E2E_TMP/image.ext4
compat_fixture_dir "$SRC" || die "make the tree to copy in"
mkfs.ext4 -q -F -L winfuse-test -d "$SRC" "$IMAGE" 16M >/dev/null 2>&1 ||
    die "mkfs.ext4" "cannot make $IMAGE"

store_cat() {
    rm -f "$E2E_TMP/dump"
    debugfs -R "dump /$1 $E2E_TMP/dump" "$IMAGE" >/dev/null 2>&1
    [ -f "$E2E_TMP/dump" ] && cat "$E2E_TMP/dump"
}
store_dir_has() {
    debugfs -R "stat /$1" "$IMAGE" 2>/dev/null | grep -q 'Type: directory'
}
fs_state() {
    dumpe2fs -h "$IMAGE" 2>/dev/null | sed -n 's/^Filesystem state: *//p'
}

COMPAT_ROOT_EXTRA="<DIR> lost+found"
compat_writable_battery -- fuse2fs -f "$IMAGE"
compat_door fusermount
compat_gone "$IMAGE" "fuse2fs"
compat_check_storage
check_eq "$FS: after the unmount the file system is clean (destroy ran)" "clean" "$(fs_state)"
e2fsck -fn "$IMAGE" >"$E2E_TMP/fsck" 2>&1
check_eq "$FS: e2fsck finds nothing to fix" 0 "$?"
compat_check -- fuse2fs -f "$IMAGE"
e2fsck -fn "$IMAGE" >"$E2E_TMP/fsck" 2>&1
check_eq "$FS: after the check e2fsck finds nothing to fix" 0 "$?"

# While mounted, the superblock says "not clean": fuse2fs's init handler ran.
FS_ARGS=(-- fuse2fs -f "$IMAGE")
session_start
session_send 'dir \'
check_eq "$FS: while mounted the file system is marked not clean (init ran)" "not clean" \
    "$(fs_state)"
session_end
check_eq "$FS: the second session exits 0" 0 "$STATUS"
check_eq "$FS: after the second unmount it is clean again" "clean" "$(fs_state)"
compat_finish
