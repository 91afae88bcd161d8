#!/usr/bin/env bash
# test_securefs.sh — compatibility row: securefs (libfuse 2 high-level API, "lite" format)
# on an encrypted directory made by `securefs create` now (password given with --pass: no
# prompt; PBKDF2 with few rounds, to keep the row fast), through the fusermount helper. The
# storage is checked by mounting it again and reading back, and by the data directory
# holding no plain name.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE
compat_require securefs
FS=securefs

DATA=$E2E_TMP/data
PASSWORD=winfuse-test-password
mkdir "$DATA" || die "make the data directory"
securefs create --pass "$PASSWORD" --pbkdf pkcs5-pbkdf2-hmac-sha256 -r 1000 "$DATA" \
    >"$E2E_TMP/create.log" 2>&1 || die "securefs create" "$(cat "$E2E_TMP/create.log")"
SECUREFS=(-- securefs mount --pass "$PASSWORD" "$DATA" "{}")

printf '%s\n' "$SEED_TEXT" >"$E2E_TMP/seed.local"
printf '%s\n' "$INNER_TEXT" >"$E2E_TMP/inner.local"
COMPAT_PRELUDE="md \\keep
put $E2E_TMP/seed.local \\seed.txt
put $E2E_TMP/inner.local \\keep\\inner.txt
"
compat_writable_battery "${SECUREFS[@]}"
compat_door fusermount
compat_gone "$DATA" "securefs"

# Read back through a new mount of the same data directory.
store_cat() {
    local path=${1//\//\\}
    printf 'type "\\%s"\n' "$path" |
        timeout "$COMPAT_SHELL_TIMEOUT" "$WINFUSE" shell "${SECUREFS[@]}" 2>/dev/null
}
store_dir_has() {
    printf 'nt create "\\%s" opts=FILE_DIRECTORY_FILE\n' "$1" |
        timeout "$COMPAT_SHELL_TIMEOUT" "$WINFUSE" shell "${SECUREFS[@]}" 2>/dev/null |
        grep -q 'STATUS_SUCCESS FILE_OPENED'
}
compat_check_storage
check_eq "$FS: no plain name is stored in the data directory" "" \
    "$(find "$DATA" \( -name 'seed.txt' -o -name 'sub' -o -name 'keep' -o -name '*.bin' \) -print)"
compat_check "${SECUREFS[@]}"
check_eq "$FS: after the check seed.txt still reads back" "$SEED_TEXT" "$(store_cat seed.txt)"
compat_finish
