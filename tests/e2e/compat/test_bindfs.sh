#!/usr/bin/env bash
# test_bindfs.sh — compatibility row: bindfs (libfuse 2 high-level API) mirroring a real
# directory, through the fusermount helper; the directory shows the changes.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE
compat_require bindfs
FS=bindfs

SRC=$E2E_TMP/source
compat_fixture_dir "$SRC" || die "make the source directory"
store_cat() { cat -- "$SRC/$1"; }
store_dir_has() { [ -d "$SRC/$1" ]; }

compat_writable_battery -- bindfs -f "$SRC"
compat_door fusermount
compat_check_storage
compat_gone "$SRC" "bindfs"
compat_check -- bindfs -f "$SRC"
check_eq "$FS: the check left the source as the battery did" "keep seed.txt sub" "$(ls "$SRC" | tr '\n' ' ' | sed 's/ $//')"
compat_finish
