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

# A link with ReplaceIfExists onto an existing file, on a file system without LINK (fuse-zip
# answers ENOSYS): refused as FAT refuses a link, and the name it would have replaced keeps
# its file (the engine once unlinked the target before the LINK failed; issue 14).
compat_shell "nt create \\seed.txt access=GENERIC_READ
nt setinfo 1 link \\keep\\inner.txt replace
nt close 1
echo ==inner==
type \\keep\\inner.txt
echo ==end==
" -- fuse-zip -f "$ARCHIVE"
check_contains "$FS: a replacing link is STATUS_INVALID_DEVICE_REQUEST" \
    'nt setinfo 1 link: STATUS_INVALID_DEVICE_REQUEST' "$OUT"
check_eq "$FS: the link's target still reads its file" "$INNER_TEXT" "$(section_of ==inner== ==end==)"
compat_gone "$ARCHIVE" "fuse-zip"
check_eq "$FS: in the archive, the link's target keeps its content" "$INNER_TEXT" \
    "$(unzip -p "$ARCHIVE" keep/inner.txt 2>/dev/null)"
compat_finish
