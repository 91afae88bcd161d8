#!/usr/bin/env bash
# test_mount_gocryptfs.sh — `winfuse mount --mount=auto` of gocryptfs (go-fuse, which opens
# its own mount point after INIT): it starts once, given the mount point itself, with no
# retry; files written through the mount read back, the cipher directory holds them
# encrypted, and the unmount (fusermount3 -u, SIGTERM) is clean, gocryptfs gone with it.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE
if [ "$(id -u)" -ne 0 ]; then
    echo "# skipped: kernel FUSE mounts need root"
    finish
fi
for tool in fusermount3 gocryptfs pgrep; do
    command -v "$tool" >/dev/null || die "prerequisite $tool" "not installed (scripts/install-deps.sh)"
done
. "$(dirname "${E2E_LIB:-$0}")/mount_lib.sh"

CIPHER=$E2E_TMP/cipher
PASS=$E2E_TMP/passfile
mkdir "$CIPHER" || die "make the cipher directory"
printf 'winfuse-test-password' >"$PASS"
gocryptfs -init -q -passfile "$PASS" "$CIPHER" >"$E2E_TMP/init.log" 2>&1 ||
    die "gocryptfs -init" "$(cat "$E2E_TMP/init.log")"

# --debug: winfuse says how the file system got its channel, once per start.
mount_up --debug --mount=auto -- gocryptfs -f -q -passfile "$PASS" "$CIPHER" ||
    die "winfuse mount --mount=auto of gocryptfs" "$(cat "$MOUNT_ERR")"
check_eq "gocryptfs is started once" 1 "$(grep -c 'gets its channel as' "$MOUNT_ERR")"
check_contains "gocryptfs is given the mount point itself" \
    "gocryptfs gets its channel as $MNT, the kernel mount point" "$MOUNT_ERR"
check_eq "no failed first start: no helper or go-fuse complaint, no retry" "" \
    "$(grep -e 'no WinFuse channel' -e 'fs.Mount failed' -e 'running it again' "$MOUNT_ERR")"
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
check_eq "gocryptfs ended with the unmount" "" "$(pgrep -f -- "$CIPHER")"

# The same cipher directory, mounted again, gives the files back.
mount_up --mount=auto -- gocryptfs -f -q -passfile "$PASS" "$CIPHER" ||
    die "winfuse mount of gocryptfs again" "$(cat "$MOUNT_ERR")"
check_eq "mounted again, the file reads back" "plain secret text" "$(cat "$MNT/secret.txt")"
check_eq "mounted again, the new directory's file reads back" "inner" "$(cat "$MNT/sub/inner.txt")"
# SIGTERM to winfuse mount: the kernel mount goes, then the volume, and gocryptfs with it.
kill -TERM "$MOUNT_PID"
wait "$MOUNT_PID"
check_eq "SIGTERM: exit status 0" 0 "$?"
MOUNT_PID=""
if mounted "$MNT"; then fail "SIGTERM: nothing is left mounted"; else pass "SIGTERM: nothing is left mounted"; fi
check_eq "SIGTERM: gocryptfs ended too" "" "$(pgrep -f -- "$CIPHER")"
check_eq "SIGTERM: no helper or go-fuse complaint" "" \
    "$(grep -e 'no WinFuse channel' -e 'fs.Mount failed' -e 'running it again' "$MOUNT_ERR")"

# winfuse shell has no kernel mount point: gocryptfs still gets there, by auto's second
# start with /dev/fd/N (the helper must not hand it the channel in the unserved directory,
# where it would fail after INIT, past that retry).
printf 'type "\\secret.txt"\n' |
    timeout 60 "$WINFUSE" shell --mount=auto -- gocryptfs -f -q -passfile "$PASS" "$CIPHER" \
    >"$OUT" 2>"$ERR"
check_contains "winfuse shell --mount=auto: the file reads back" "plain secret text" "$OUT"
check_contains "winfuse shell --mount=auto: by the retry with /dev/fd/N" "running it again with /dev/fd/N" "$ERR"
finish
