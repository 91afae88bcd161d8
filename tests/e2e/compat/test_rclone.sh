#!/usr/bin/env bash
# test_rclone.sh — compatibility row: `rclone mount` of a local directory. rclone speaks the
# FUSE protocol itself (bazil/fuse, in Go) and mounts by running fusermount3/fusermount
# with _FUSE_COMMFD: it comes through the fusermount helper; the directory shows the changes.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE
compat_require rclone
FS=rclone

SRC=$E2E_TMP/source
compat_fixture_dir "$SRC" || die "make the source directory"
store_cat() { cat -- "$SRC/$1"; }
store_dir_has() { [ -d "$SRC/$1" ]; }

# A plain path is rclone's local backend; no configuration file is read or written. Without
# a VFS cache (--vfs-cache-mode off, the default) rclone cannot read a handle opened for
# reading and writing, which Windows programs do all the time: "writes" caches such files
# in the test's temp dir, and --vfs-write-back 0s puts them into the directory at close.
# rclone uploads and deletes cached files in the background: a name just deleted or renamed
# away can show in the listing for a moment (seen once in CI under load); the storage check
# after the unmount still requires them gone.
COMPAT_SETTLING="doomed.txt nt.txt nt-renamed.txt"
compat_writable_battery -- rclone mount "$SRC" "{}" --config /dev/null \
    --cache-dir "$E2E_TMP/cache" --vfs-cache-mode writes --vfs-write-back 0s
compat_door fusermount
compat_check_storage
compat_gone "$SRC" "rclone"
compat_check -- rclone mount "$SRC" "{}" --config /dev/null \
    --cache-dir "$E2E_TMP/cache-check" --vfs-cache-mode writes --vfs-write-back 0s

# Overwriting an existing file (every CREATE_ALWAYS "save"): rclone answers LISTXATTR, which
# the engine sends to drop the file's EAs, with EIO; that clean-up must not fail the open.
printf 'old contents\n' >"$SRC/ow.txt"
compat_shell 'nt create \ow.txt access=GENERIC_READ|GENERIC_WRITE disp=FILE_OVERWRITE
nt write 1 0 over
nt close 1
nt create \ow.txt access=GENERIC_READ|GENERIC_WRITE|DELETE disp=FILE_SUPERSEDE
nt close 1
echo saved > \ow.txt
' -- rclone mount "$SRC" "{}" --config /dev/null \
    --cache-dir "$E2E_TMP/cache2" --vfs-cache-mode writes --vfs-write-back 0s
check_out "FILE_OVERWRITE of an existing file succeeds" "STATUS_SUCCESS FILE_OVERWRITTEN"
check_out "FILE_SUPERSEDE of an existing file succeeds" "STATUS_SUCCESS FILE_SUPERSEDED"
check_fs_eq "the overwriting session exits 0" 0 "$STATUS"
check_fs_eq "the file holds what was saved last" "saved" "$(tr -d '\r' <"$SRC/ow.txt")"
echo "    $FS: LISTXATTR answers: $(grep -A1 -- '-> LISTXATTR' "$ERR" | grep -o 'error -*[0-9]*' |
    sort | uniq -c | tr -s ' \n' ' ')"
compat_finish
