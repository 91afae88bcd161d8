#!/usr/bin/env bash
# test_unionfs_fuse.sh — compatibility row: unionfs-fuse (libfuse 2 high-level API), a
# writable branch over a read-only one with copy-on-write, through the fusermount helper.
# The fixtures are in the read-only branch; afterwards the writable branch holds every
# change and the read-only branch is as it was.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE
compat_require unionfs
FS=unionfs-fuse

RW=$E2E_TMP/rw
RO=$E2E_TMP/ro
compat_fixture_dir "$RO" && mkdir "$RW" || die "make the branches"
before=$(cd "$RO" && find . -type f -exec sha256sum {} + | sort)
# A file as the union shows it: the writable branch's copy, else the read-only one's.
store_cat() { cat -- "$RW/$1" 2>/dev/null || cat -- "$RO/$1"; }
store_dir_has() { [ -d "$RW/$1" ] || [ -d "$RO/$1" ]; }
UNIONFS=(-- unionfs -f -o cow "$RW=RW:$RO=RO")

compat_writable_battery "${UNIONFS[@]}"
compat_door fusermount
compat_gone "$RW=RW" "unionfs"
compat_check_storage
check_eq "$FS: storage: the new files are in the writable branch" "yes" \
    "$([ -f "$RW/sub/renamed.bin" ] && [ -f "$RW/sub/note.txt" ] && echo yes)"
check_eq "$FS: storage: the read-only branch is unchanged" "$before" \
    "$(cd "$RO" && find . -type f -exec sha256sum {} + | sort)"
compat_check "${UNIONFS[@]}"
check_eq "$FS: after the check the read-only branch is unchanged" "$before" \
    "$(cd "$RO" && find . -type f -exec sha256sum {} + | sort)"
compat_finish
