#!/usr/bin/env bash
# test_encfs.sh — compatibility row: EncFS (libfuse 2 high-level API) on an encrypted
# directory it creates at the first mount (--standard, the password from --extpass: no
# prompt), through the fusermount helper. The fixtures go in through the volume; the storage
# is read afterwards with encfsctl (its own tool: decrypts a file, encodes a name) and holds
# no plain name.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE
compat_require encfs encfsctl
FS=encfs

CIPHER=$E2E_TMP/cipher
mkdir "$CIPHER" || die "make the cipher directory"
EXTPASS="--extpass=echo winfuse-test-password"
ENCFS=(-- encfs -f --standard "$EXTPASS" "$CIPHER" "{}")

printf '%s\n' "$SEED_TEXT" >"$E2E_TMP/seed.local"
printf '%s\n' "$INNER_TEXT" >"$E2E_TMP/inner.local"
COMPAT_PRELUDE="md \\keep
put $E2E_TMP/seed.local \\seed.txt
put $E2E_TMP/inner.local \\keep\\inner.txt
"
store_cat() { encfsctl cat "$EXTPASS" "$CIPHER" "/$1" 2>/dev/null; }
store_dir_has() {
    local name
    name=$(encfsctl encode "$EXTPASS" "$CIPHER" "$1" 2>/dev/null) && [ -n "$name" ] &&
        [ -d "$CIPHER/$name" ]
}

compat_writable_battery "${ENCFS[@]}"
compat_door fusermount
compat_gone "$CIPHER" "encfs"
check_eq "$FS: the volume was made (its configuration is there)" "yes" \
    "$([ -f "$CIPHER/.encfs6.xml" ] && echo yes)"
compat_check_storage
check_eq "$FS: no plain name is stored in the cipher directory" "" \
    "$(find "$CIPHER" \( -name 'seed.txt' -o -name 'sub' -o -name 'keep' -o -name '*.bin' \) -print)"
compat_check "${ENCFS[@]}"
check_eq "$FS: after the check seed.txt still decrypts" "$SEED_TEXT" "$(store_cat seed.txt)"
compat_finish
