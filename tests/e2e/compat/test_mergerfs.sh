#!/usr/bin/env bash
# test_mergerfs.sh — compatibility row: mergerfs (its own copy of libfuse 2, which runs its
# own helper, mergerfs-fusermount) pooling two directories, through the fusermount helper.
# The fixtures are in the first branch; new files go where their parent directory exists
# (the default policy, epmfs); the branches, read directly afterwards, show the changes.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE
compat_require mergerfs
FS=mergerfs

ONE=$E2E_TMP/one
TWO=$E2E_TMP/two
compat_fixture_dir "$ONE" && mkdir "$TWO" || die "make the branches"
# A file: the first branch's copy, else the second's.
store_cat() { cat -- "$ONE/$1" 2>/dev/null || cat -- "$TWO/$1"; }
store_dir_has() { [ -d "$ONE/$1" ] || [ -d "$TWO/$1" ]; }

compat_writable_battery -- mergerfs -f "$ONE:$TWO"
compat_door fusermount
compat_gone "$ONE:$TWO" "mergerfs"
compat_check_storage
# A new directory in the root may go to either branch (both have the root); its files
# follow it there.
pooled() { { ls -A "$ONE"; ls -A "$TWO"; } | sort | tr '\n' ' ' | sed 's/ $//'; }
check_eq "$FS: storage: the branches together hold keep, seed.txt and sub" \
    "keep seed.txt sub" "$(pooled)"
compat_check -- mergerfs -f "$ONE:$TWO"
check_eq "$FS: the check left the branches as the battery did" "keep seed.txt sub" "$(pooled)"
compat_finish
