#!/usr/bin/env bash
# test_mount_gocryptfs.sh — `winfuse mount --mount=auto` of gocryptfs (go-fuse, which opens
# its own mount point after INIT): files written through the mount read back, the cipher
# directory holds them encrypted, and the unmount is clean.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE
if [ "$(id -u)" -ne 0 ]; then
    echo "# skipped: kernel FUSE mounts need root"
    finish
fi
for tool in fusermount3 gocryptfs; do
    command -v "$tool" >/dev/null || die "prerequisite $tool" "not installed (scripts/install-deps.sh)"
done
. "$(dirname "${E2E_LIB:-$0}")/mount_lib.sh"

CIPHER=$E2E_TMP/cipher
PASS=$E2E_TMP/passfile
mkdir "$CIPHER" || die "make the cipher directory"
printf 'winfuse-test-password' >"$PASS"
gocryptfs -init -q -passfile "$PASS" "$CIPHER" >"$E2E_TMP/init.log" 2>&1 ||
    die "gocryptfs -init" "$(cat "$E2E_TMP/init.log")"

mount_up --mount=auto -- gocryptfs -f -q -passfile "$PASS" "$CIPHER" ||
    die "winfuse mount --mount=auto of gocryptfs" "$(cat "$MOUNT_ERR")"
printf 'plain secret text\n' >"$MNT/secret.txt"
mkdir "$MNT/sub" && printf 'inner\n' >"$MNT/sub/inner.txt"
check_eq "a file written through the mount reads back" "plain secret text" "$(cat "$MNT/secret.txt")"
check_eq "a file in a new directory reads back" "inner" "$(cat "$MNT/sub/inner.txt")"
check_eq "the cipher directory holds no plain name" "" \
    "$(find "$CIPHER" \( -name 'secret.txt' -o -name 'sub' -o -name 'inner.txt' \) -print)"
check_eq "the cipher directory holds no plain content" "" \
    "$(grep -rl 'plain secret text' "$CIPHER")"
# Two names of ours beside gocryptfs.conf and gocryptfs.diriv: the file and the directory.
check_eq "the cipher directory holds the encrypted file and directory" 2 \
    "$(find "$CIPHER" -mindepth 1 -maxdepth 1 ! -name 'gocryptfs.*' | wc -l)"
mount_down
check_eq "clean unmount: exit status 0" 0 "$MOUNT_STATUS"
if mounted "$MNT"; then fail "nothing is left mounted"; else pass "nothing is left mounted"; fi

# The same cipher directory, mounted again, gives the files back.
mount_up --mount=auto -- gocryptfs -f -q -passfile "$PASS" "$CIPHER" ||
    die "winfuse mount of gocryptfs again" "$(cat "$MOUNT_ERR")"
check_eq "mounted again, the file reads back" "plain secret text" "$(cat "$MNT/secret.txt")"
mount_down
check_eq "clean unmount again: exit status 0" 0 "$MOUNT_STATUS"
finish
