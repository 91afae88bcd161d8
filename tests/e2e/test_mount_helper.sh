#!/usr/bin/env bash
# test_mount_helper.sh — file systems that mount (libfuse 2 daemons, libfuse 3 given a
# directory) get WinFuse's channel through winfuse-fusermount in a private mount namespace,
# --mount=auto picks the door, and no kernel FUSE mount appears at any time.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE HELLO_LL

BINDFS=${BINDFS:-$(command -v bindfs)}
FUSE2FS=${FUSE2FS:-$(command -v fuse2fs)}
FUSE_ZIP=${FUSE_ZIP:-$(command -v fuse-zip)}
MKFS_EXT4=${MKFS_EXT4:-$(command -v mkfs.ext4 || echo /sbin/mkfs.ext4)}
HELPER=${WINFUSE_FUSERMOUNT:-$(dirname "$WINFUSE")/winfuse-fusermount}
require BINDFS FUSE2FS FUSE_ZIP MKFS_EXT4 HELPER

# Kernel FUSE mounts (fuse, fuse.NAME, fuseblk) in a mountinfo file.
fuse_mounts() {
    awk '{ for (i = 1; i <= NF; i++) if ($i == "-") { if ($(i + 1) ~ /^fuse/) n++; break } }
        END { print n + 0 }' "${1:-/proc/self/mountinfo}"
}
BEFORE=$(fuse_mounts)
BEFORE_FINDMNT=$(findmnt -rn -o FSTYPE | grep -c '^fuse')

SRC=$E2E_TMP/src
mkdir -p "$SRC"
printf 'hello from the source\n' >"$SRC/a.txt"
printf 'put me\n' >"$E2E_TMP/local.txt"

# ---- bindfs (libfuse 2): forced through the helper, and chosen by auto -------------------
for mode in fusermount auto; do
    run_shell $'dir \\\ntype \\a.txt\nput '"$E2E_TMP/local.txt"$' \\b.txt\n' \
        --debug --mount=$mode -- "$BINDFS" -f "$SRC"
    check_eq "bindfs --mount=$mode: exits 0" 0 "$STATUS"
    check_contains "bindfs --mount=$mode: mounts through the helper on a directory" \
        "through the fusermount helper (private mount namespace)" "$ERR"
    check_eq "bindfs --mount=$mode: dir lists a.txt with its size" "22 a.txt" \
        "$(dir_listing "$OUT" | grep ' a.txt$')"
    check_contains "bindfs --mount=$mode: type prints the file" "hello from the source" "$OUT"
    check_files_equal "bindfs --mount=$mode: put wrote through to the source" \
        "$E2E_TMP/local.txt" "$SRC/b.txt"
    check_lacks "bindfs --mount=$mode: no unmount error at exit" "failed to unmount" "$ERR"
    rm -f "$SRC/b.txt"
done

# ---- while it runs: nothing mounted outside nor inside, the helper in place inside -------
mkfifo "$E2E_TMP/in"
"$WINFUSE" shell --debug -- "$BINDFS" -f "$SRC" <"$E2E_TMP/in" >"$E2E_TMP/live.out" \
    2>"$E2E_TMP/live.err" &
LIVE=$!
E2E_PIDS+=("$LIVE")
exec 7>"$E2E_TMP/in"
printf 'type \\a.txt\n' >&7
if wait_for "hello from the source" "$E2E_TMP/live.out" 20; then
    pass "live bindfs: serves the shell"
else
    fail "live bindfs: serves the shell" "$(cat "$E2E_TMP/live.err")"
fi
DAEMON=""
for d in /proc/[0-9]*; do
    if [ "$(cat "$d/comm" 2>/dev/null)" = bindfs ] &&
        [ "$(awk '{ print $4 }' "$d/stat" 2>/dev/null)" = "$LIVE" ]; then
        DAEMON=${d#/proc/}
    fi
done
check_eq "live bindfs: no fuse mount outside (/proc/self/mountinfo)" "$BEFORE" "$(fuse_mounts)"
check_eq "live bindfs: no fuse mount outside (findmnt)" "$BEFORE_FINDMNT" \
    "$(findmnt -rn -o FSTYPE | grep -c '^fuse')"
if [ -n "$DAEMON" ]; then
    pass "live bindfs: the daemon is the shell's child ($DAEMON)"
    check_eq "live bindfs: no fuse mount inside its namespace" 0 \
        "$(fuse_mounts "/proc/$DAEMON/mountinfo")"
    check_eq "live bindfs: its /usr/bin/fusermount3 is winfuse-fusermount" \
        "$(stat -L -c %d:%i "$HELPER")" \
        "$(stat -L -c %d:%i "/proc/$DAEMON/root/usr/bin/fusermount3")"
    check_eq "live bindfs: outside, /usr/bin/fusermount3 is the system's" "no" \
        "$([ "$(stat -L -c %d:%i /usr/bin/fusermount3)" = "$(stat -L -c %d:%i "$HELPER")" ] &&
            echo yes || echo no)"
    check_eq "live bindfs: its /dev/fuse is /dev/null" "$(stat -c %t:%T /dev/null)" \
        "$(stat -L -c %t:%T "/proc/$DAEMON/root/dev/fuse")"
else
    fail "live bindfs: the daemon is the shell's child" "no bindfs child of $LIVE"
fi
printf 'exit\n' >&7
exec 7>&-
wait "$LIVE"
check_eq "live bindfs: the shell exits 0" 0 "$?"
# "winfuse: bindfs gets its channel as DIR/mnt through the fusermount helper (...)"
PRIVATE=$(sed -n 's|^winfuse: .* gets its channel as \(.*\)/mnt through .*|\1|p' \
    "$E2E_TMP/live.err")
check_contains "live bindfs: its private directory is a winfuse-ns one" "/winfuse-ns." \
    <(echo "$PRIVATE")
check_eq "live bindfs: the private directory goes with it" "gone" \
    "$([ -n "$PRIVATE" ] && [ ! -e "$PRIVATE" ] && echo gone || echo "left: $PRIVATE")"

# ---- hello_ll (libfuse 3): forced through the helper, auto on /dev/fd/N, devfd as is -----
printf 'Hello World!\n' >"$E2E_TMP/hello"
run_shell $'type \\hello\n' --debug --mount=fusermount -- "$HELLO_LL" -f
check_eq "hello_ll --mount=fusermount: exits 0" 0 "$STATUS"
check_contains "hello_ll --mount=fusermount: as root it still goes through the helper" \
    "through the fusermount helper (private mount namespace)" "$ERR"
check_contains "hello_ll --mount=fusermount: type prints Hello World!" "Hello World!" "$OUT"
check_lacks "hello_ll --mount=fusermount: no unmount error at exit" "failed to unmount" "$ERR"

run_shell $'type \\hello\n' --debug -- "$HELLO_LL" -f
check_eq "hello_ll auto: exits 0" 0 "$STATUS"
check_contains "hello_ll auto: gets /dev/fd/N in the namespace" "(private mount namespace)" \
    "$ERR"
check_lacks "hello_ll auto: not through the helper" "through the fusermount helper" "$ERR"
check_contains "hello_ll auto: type prints Hello World!" "Hello World!" "$OUT"

run_shell $'type \\hello\n' --debug --mount=devfd -- "$HELLO_LL" -f
check_eq "hello_ll --mount=devfd: exits 0" 0 "$STATUS"
check_lacks "hello_ll --mount=devfd: no namespace" "private mount namespace" "$ERR"
check_contains "hello_ll --mount=devfd: type prints Hello World!" "Hello World!" "$OUT"

# ---- fuse2fs and fuse-zip (libfuse 2) under auto -----------------------------------------
"$MKFS_EXT4" -q -F -d "$SRC" "$E2E_TMP/ext4.img" 4M >/dev/null 2>&1 ||
    die "mkfs.ext4 makes an image"
run_shell $'type \\a.txt\nput '"$E2E_TMP/local.txt"$' \\c.txt\ntype \\c.txt\n' \
    -- "$FUSE2FS" -f "$E2E_TMP/ext4.img"
check_eq "fuse2fs auto: exits 0" 0 "$STATUS"
check_contains "fuse2fs auto: type prints the file of the image" "hello from the source" "$OUT"
check_contains "fuse2fs auto: a file put in reads back" "put me" "$OUT"

run_shell $'put '"$E2E_TMP/local.txt"$' \\z.txt\ntype \\z.txt\n' \
    -- "$FUSE_ZIP" -f "$E2E_TMP/new.zip"
check_eq "fuse-zip auto: exits 0" 0 "$STATUS"
check_contains "fuse-zip auto: a file put in reads back" "put me" "$OUT"
check_eq "fuse-zip auto: the archive is written at unmount" "PK" \
    "$(head -c 2 "$E2E_TMP/new.zip" 2>/dev/null)"

# ---- auto runs a libfuse 3 program again with a directory when it refuses /dev/fd/N -------
if command -v cc >/dev/null && pkg-config --exists fuse3; then
    cat >"$E2E_TMP/refuse.c" <<'EOF'
/* Links libfuse 3, refuses a /dev/fd/N mount point, else runs hello_ll in its place. */
#define FUSE_USE_VERSION 31
#include <fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    if (fuse_version() < 30)
        return 3;
    if (argc > 1 && strncmp(argv[argc - 1], "/dev/fd/", 8) == 0) {
        fprintf(stderr, "refuse: %s is not a directory\n", argv[argc - 1]);
        return 1;
    }
    argv[0] = getenv("HELLO_LL");
    execv(argv[0], argv);
    return 2;
}
EOF
    # shellcheck disable=SC2046
    if cc -o "$E2E_TMP/refuse" "$E2E_TMP/refuse.c" $(pkg-config --cflags --libs fuse3); then
        HELLO_LL=$HELLO_LL run_shell $'type \\hello\n' -- "$E2E_TMP/refuse" -f
        check_eq "auto retry: exits 0" 0 "$STATUS"
        check_contains "auto retry: the program refused /dev/fd/N first" "is not a directory" \
            "$ERR"
        check_contains "auto retry: winfuse says it runs it again" \
            "running it again with a directory" "$ERR"
        check_contains "auto retry: then it serves" "Hello World!" "$OUT"
    else
        fail "auto retry: build a libfuse 3 program that refuses /dev/fd/N"
    fi
else
    fail "auto retry: a C compiler and libfuse3-dev are needed"
fi

# ---- without the helper -------------------------------------------------------------------
WINFUSE_FUSERMOUNT=/nonexistent/winfuse-fusermount run_shell $'type \\a.txt\n' \
    --mount=fusermount -- "$BINDFS" -f "$SRC"
check_eq "no helper, --mount=fusermount: exits 2" 2 "$STATUS"
check_contains "no helper, --mount=fusermount: says which helper is missing" \
    "/nonexistent/winfuse-fusermount" "$ERR"
WINFUSE_FUSERMOUNT=/nonexistent/winfuse-fusermount run_shell $'type \\hello\n' -- "$HELLO_LL" -f
check_eq "no helper, auto: a libfuse 3 program still runs on /dev/fd/N" 0 "$STATUS"
check_contains "no helper, auto: and serves" "Hello World!" "$OUT"

run_shell $'exit\n' --mount=sideways -- "$HELLO_LL" -f
check_eq "--mount=sideways: exits 2" 2 "$STATUS"
check_contains "--mount=sideways: names the modes" "auto, devfd or fusermount" "$ERR"

# ---- and after all of it ------------------------------------------------------------------
check_eq "after: no fuse mount was left (/proc/self/mountinfo)" "$BEFORE" "$(fuse_mounts)"
check_eq "after: the system's fusermount3 is untouched" "no" \
    "$([ "$(stat -L -c %d:%i /usr/bin/fusermount3 2>/dev/null)" = \
        "$(stat -L -c %d:%i "$HELPER")" ] && echo yes || echo no)"

finish
