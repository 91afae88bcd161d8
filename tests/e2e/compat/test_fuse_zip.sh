#!/usr/bin/env bash
# test_fuse_zip.sh — compatibility row: fuse-zip (libfuse 2 high-level API) on a zip archive
# made by zip now, through the fusermount helper. fuse-zip rewrites the archive in its
# destroy handler: the archive, read with unzip after the unmount, shows the changes only
# if the daemon ended cleanly.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE
compat_require fuse-zip zip unzip
FS=fuse-zip

SRC=$E2E_TMP/tree
ARCHIVE=$E2E_TMP/archive.zip
compat_fixture_dir "$SRC" || die "make the tree to archive"
(cd "$SRC" && zip -q -r "$ARCHIVE" seed.txt keep) || die "zip" "cannot make $ARCHIVE"

store_cat() { unzip -p "$ARCHIVE" "$1" 2>/dev/null && unzip -l "$ARCHIVE" "$1" >/dev/null 2>&1; }
store_dir_has() { unzip -Z1 "$ARCHIVE" 2>/dev/null | grep -qx "$1/"; }

compat_writable_battery -- fuse-zip -f "$ARCHIVE"
compat_door fusermount
compat_gone "$ARCHIVE" "fuse-zip"
compat_check_storage
unzip -tq "$ARCHIVE" >"$E2E_TMP/unzip-test" 2>&1
check_eq "$FS: the rewritten archive tests sound" 0 "$?"
compat_check -- fuse-zip -f "$ARCHIVE"
unzip -tq "$ARCHIVE" >"$E2E_TMP/unzip-test" 2>&1
check_eq "$FS: after the check the archive tests sound" 0 "$?"
compat_finish
