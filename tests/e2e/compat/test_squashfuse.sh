#!/usr/bin/env bash
# test_squashfuse.sh — compatibility row: squashfuse (libfuse 3 low-level API) on a
# SquashFS image made by mksquashfs now, through /dev/fd/N: listings and reads, and every
# write refused; the image is unchanged afterwards.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE
compat_require squashfuse mksquashfs
FS=squashfuse

SRC=$E2E_TMP/tree
IMAGE=$E2E_TMP/image.squashfs
compat_fixture_dir "$SRC" || die "make the tree to pack"
head -c 200000 /dev/urandom >"$SRC/keep/blob.bin"
mksquashfs "$SRC" "$IMAGE" -quiet -noappend -no-progress >/dev/null ||
    die "mksquashfs" "cannot make $IMAGE"
before=$(sha256sum <"$IMAGE")

# Listing (sizes come from READDIRPLUS entries or LOOKUPs) and reads of every file.
compat_shell "echo ==root==
dir \\
echo ==keep==
dir \\keep
echo ==seed==
type \\seed.txt
echo ==inner==
type \\keep\\inner.txt
get \\keep\\blob.bin $E2E_TMP/blob.back
echo ==end==
" -- squashfuse -f "$IMAGE"
check_eq "$FS: the reading session exits 0" 0 "$STATUS"
compat_door devfd
section_of ==root== ==keep== >"$E2E_TMP/root"
dir_listing "$E2E_TMP/root" | sort >"$E2E_TMP/root.entries"
printf '%s\n' "$(( ${#SEED_TEXT} + 1 )) seed.txt" "<DIR> keep" | sort >"$E2E_TMP/root.expected"
check_files_equal "$FS: dir \\ lists seed.txt with its size and keep" \
    "$E2E_TMP/root.expected" "$E2E_TMP/root.entries"
section_of ==keep== ==seed== >"$E2E_TMP/keep"
dir_listing "$E2E_TMP/keep" | grep -v -e ' \.$' -e ' \.\.$' | sort >"$E2E_TMP/keep.entries"
printf '%s\n' "$(( ${#INNER_TEXT} + 1 )) inner.txt" "200000 blob.bin" | sort \
    >"$E2E_TMP/keep.expected"
check_files_equal "$FS: dir \\keep lists its files with their sizes" \
    "$E2E_TMP/keep.expected" "$E2E_TMP/keep.entries"
check_eq "$FS: type reads seed.txt" "$SEED_TEXT" "$(section_of ==seed== ==inner==)"
check_files_equal "$FS: get copies a 200,000-byte file out" "$SRC/keep/blob.bin" \
    "$E2E_TMP/blob.back"
compat_vol_summary

compat_readonly_battery seed.txt "$SRC/seed.txt" -- squashfuse -f "$IMAGE"
check_eq "$FS: the image is unchanged" "$before" "$(sha256sum <"$IMAGE")"
compat_gone "$IMAGE" "squashfuse"
compat_check -- squashfuse -f "$IMAGE"
check_eq "$FS: after the check the image is unchanged" "$before" "$(sha256sum <"$IMAGE")"
compat_finish
