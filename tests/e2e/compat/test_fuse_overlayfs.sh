#!/usr/bin/env bash
# test_fuse_overlayfs.sh — compatibility row: fuse-overlayfs (libfuse 3 low-level API, the
# overlay file system of rootless containers), an upper directory over a lower one, given
# /dev/fd/N. The fixtures are in the lower directory; afterwards the upper one holds every
# change and the lower one is as it was. fuse-overlayfs aborts at INIT unless FUSE_DONT_MASK
# is offered.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE
compat_require fuse-overlayfs
FS=fuse-overlayfs

LOWER=$E2E_TMP/lower
UPPER=$E2E_TMP/upper
WORK=$E2E_TMP/work
compat_fixture_dir "$LOWER" && mkdir "$UPPER" "$WORK" || die "make the layers"
before=$(cd "$LOWER" && find . -type f -exec sha256sum {} + | sort)
# A file as the overlay shows it: the upper layer's copy, else the lower one's.
store_cat() { cat -- "$UPPER/$1" 2>/dev/null || cat -- "$LOWER/$1"; }
store_dir_has() { [ -d "$UPPER/$1" ] || [ -d "$LOWER/$1" ]; }
OVERLAY=(-- fuse-overlayfs -f -o "lowerdir=$LOWER,upperdir=$UPPER,workdir=$WORK")

compat_writable_battery "${OVERLAY[@]}"
compat_door devfd
compat_gone "lowerdir=$LOWER" "fuse-overlayfs"
compat_check_storage
check_eq "$FS: storage: the new files are in the upper layer" "yes" \
    "$([ -f "$UPPER/sub/renamed.bin" ] && [ -f "$UPPER/sub/note.txt" ] && echo yes)"
check_eq "$FS: storage: the lower layer is unchanged" "$before" \
    "$(cd "$LOWER" && find . -type f -exec sha256sum {} + | sort)"
compat_check "${OVERLAY[@]}"
check_eq "$FS: after the check the lower layer is unchanged" "$before" \
    "$(cd "$LOWER" && find . -type f -exec sha256sum {} + | sort)"
compat_finish
