#!/usr/bin/env bash
# test_gocryptfs.sh — compatibility row: gocryptfs (go-fuse, which speaks the protocol itself
# in Go) on an encrypted directory made by `gocryptfs -init` now, given /dev/fd/N as its
# mount point (--mount=devfd: go-fuse accepts it and then needs no mount). The storage is
# checked by mounting it again and reading back, and by the cipher directory holding no
# plain name.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE
compat_require gocryptfs
FS=gocryptfs

CIPHER=$E2E_TMP/cipher
PASS=$E2E_TMP/passfile
mkdir "$CIPHER" || die "make the cipher directory"
printf 'winfuse-test-password' >"$PASS"
gocryptfs -init -q -passfile "$PASS" "$CIPHER" >"$E2E_TMP/init.log" 2>&1 ||
    die "gocryptfs -init" "$(cat "$E2E_TMP/init.log")"
GOCRYPTFS=(--mount=devfd -- gocryptfs -f -q -passfile "$PASS" "$CIPHER" "{}")

# The fixtures go in through the volume (the storage is encrypted), in the same session.
printf '%s\n' "$SEED_TEXT" >"$E2E_TMP/seed.local"
printf '%s\n' "$INNER_TEXT" >"$E2E_TMP/inner.local"
COMPAT_PRELUDE="md \\keep
put $E2E_TMP/seed.local \\seed.txt
put $E2E_TMP/inner.local \\keep\\inner.txt
"
compat_writable_battery "${GOCRYPTFS[@]}"
compat_door devfd
compat_gone "$CIPHER" "gocryptfs"

# Read back through a new mount of the same cipher directory.
store_cat() {
    local path=${1//\//\\}
    printf 'type "\\%s"\n' "$path" |
        timeout "$COMPAT_SHELL_TIMEOUT" "$WINFUSE" shell "${GOCRYPTFS[@]}" 2>/dev/null
}
store_dir_has() {
    printf 'nt create "\\%s" opts=FILE_DIRECTORY_FILE\n' "$1" |
        timeout "$COMPAT_SHELL_TIMEOUT" "$WINFUSE" shell "${GOCRYPTFS[@]}" 2>/dev/null |
        grep -q 'STATUS_SUCCESS FILE_OPENED'
}
compat_check_storage
check_eq "$FS: no plain name is stored in the cipher directory" "" \
    "$(find "$CIPHER" \( -name 'seed.txt' -o -name 'sub' -o -name 'keep' -o -name '*.bin' \) -print)"
compat_check "${GOCRYPTFS[@]}"
compat_finish
