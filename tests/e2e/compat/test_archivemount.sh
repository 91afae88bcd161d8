#!/usr/bin/env bash
# test_archivemount.sh — compatibility row: archivemount (libfuse 2 high-level API,
# libarchive) on a tar archive made by tar now, through the fusermount helper. archivemount
# writes the archive back in its destroy handler, at unmount (keeping the old one as
# .orig); afterwards tar reads the changes out of it.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE
compat_require archivemount tar
FS=archivemount

SRC=$E2E_TMP/tree
ARCHIVE=$E2E_TMP/archive.tar
compat_fixture_dir "$SRC" || die "make the tree to pack"
tar -C "$SRC" -cf "$ARCHIVE" seed.txt keep || die "tar" "cannot make $ARCHIVE"

store_cat() { tar -xOf "$ARCHIVE" "$1" 2>/dev/null; }
store_dir_has() { tar -tvf "$ARCHIVE" 2>/dev/null | grep -q "^d.* $1/\$"; }

compat_writable_battery -- archivemount -f "$ARCHIVE"
compat_door fusermount
compat_gone "$ARCHIVE" "archivemount"
check_eq "$FS: the archive was written back at unmount (destroy ran; the old one kept)" \
    "yes" "$([ -f "$ARCHIVE.orig" ] && echo yes)"
# archivemount writes a file made in this mount under the name it was made with, whatever
# it was renamed to since: through the Linux kernel too (test_kernel_probes.sh,
# "archivemount rename"). So the 300,000 bytes put as data.bin, then renamed and moved to
# sub/renamed.bin, are stored as data.bin; the rest of the storage check holds.
check_eq "$FS: storage: seed.txt is unchanged" "$SEED_TEXT" "$(store_cat seed.txt)"
store_cat data.bin >"$E2E_TMP/stored.bin"
check_files_equal "$FS: storage: the bytes put wrote are stored, under their first name (its limit)" \
    "$BIG_LOCAL" "$E2E_TMP/stored.bin"
check_eq "$FS: storage: sub/note.txt holds what echo wrote" \
    "written by winfuse"$'\r' "$(store_cat sub/note.txt)"
if store_dir_has sub; then pass "$FS: storage: sub is a directory"
else fail "$FS: storage: sub is a directory"; fi
for what in doomed.txt nt.txt nt-renamed.txt; do
    if store_cat "$what" >/dev/null; then fail "$FS: storage: $what is gone" "it is still there"
    else pass "$FS: storage: $what is gone"; fi
done
tar -tf "$ARCHIVE" >"$E2E_TMP/members" 2>&1
check_eq "$FS: tar lists the rewritten archive" 0 "$?"
compat_check -- archivemount -f "$ARCHIVE"
check_eq "$FS: after the check tar still reads seed.txt" "$SEED_TEXT" "$(store_cat seed.txt)"
compat_finish
