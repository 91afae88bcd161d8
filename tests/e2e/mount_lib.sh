# mount_lib.sh — helpers for the tests of `winfuse mount` (sourced after lib.sh): start a
# mount in the foreground, wait until the kernel has it, end it, and never leave one behind.

MNT=$E2E_TMP/mnt
MOUNT_PID=""
MOUNT_ERR=$E2E_TMP/mount.err
mkdir -p "$MNT"
# Other users must reach the mount point's directory.
chmod 0755 "$E2E_TMP"

mounted() {             # mounted DIR: the kernel lists DIR in /proc/mounts
    awk -v d="$1" '$2 == d { found = 1 } END { exit !found }' /proc/mounts
}

# mount_up [WINFUSE-MOUNT-OPTIONS...] -- FS-COMMAND...: `winfuse mount -f` at $MNT, in the
# background; returns once the kernel lists it (false after 20 s or when winfuse ended).
mount_up() {
    local opts=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do
        opts+=("$1")
        shift
    done
    "$WINFUSE" mount -f "${opts[@]}" "$MNT" "$@" 2>"$MOUNT_ERR" &
    # Not in E2E_PIDS: lib.sh SIGKILLs those at exit, and a mount already waited for may
    # have left its pid to another process by then. mount_cleanup ends a live one.
    MOUNT_PID=$!
    mount_wait
}

# mount_wait: until the kernel lists $MNT (false after 20 s or when $MOUNT_PID ended).
mount_wait() {
    local i
    for i in $(seq 400); do
        mounted "$MNT" && return 0
        kill -0 "$MOUNT_PID" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# read_all FILE: FILE read from the file system (the page cache dropped first) in 1 MiB
# reads, to stdout.
read_all() {
    python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
while True:
    b = os.read(fd, 1 << 20)
    if not b:
        break
    sys.stdout.buffer.write(b)' "$1"
}

# mount_down: fusermount3 -u, then winfuse's exit status in $MOUNT_STATUS.
mount_down() {
    fusermount3 -u "$MNT" 2>/dev/null
    wait "$MOUNT_PID"
    MOUNT_STATUS=$?
    MOUNT_PID=""
}

mount_cleanup() {
    if mounted "$MNT"; then
        fusermount3 -u "$MNT" 2>/dev/null || umount -l "$MNT"
    fi
    if [ -n "$MOUNT_PID" ]; then
        kill -TERM "$MOUNT_PID" 2>/dev/null
        wait "$MOUNT_PID" 2>/dev/null
    fi
    e2e_cleanup
}
# Never leave the mount behind, whatever ends the test (ctest's timeout sends SIGTERM).
trap mount_cleanup EXIT
trap 'exit 1' TERM INT HUP

# fs_command memfs|passthrough_ll: FS_CMD is the file system's command line (passthrough_ll
# over a new directory $SRC).
fs_command() {
    case $1 in
    memfs) SRC=""; FS_CMD=("$MEMFS" -f) ;;
    passthrough_ll)
        SRC=$(mktemp -d "$E2E_TMP/source.XXXXXX")
        chmod 0755 "$SRC"
        FS_CMD=("$PASSTHROUGH_LL" -f -o "source=$SRC,xattr") ;;
    esac
}

# tree_listing DIR: one line per entry below DIR: path, type, mode, size, mtime (seconds),
# link target; what cp -a, tar and rsync -a must carry over.
tree_listing() {
    (cd "$1" && { find . -mindepth 1 -type d -printf '%p %y %m %TY-%Tm-%Td_%TH:%TM:%.2TS\n'
        find . -mindepth 1 ! -type d -printf '%p %y %m %s %TY-%Tm-%Td_%TH:%TM:%.2TS %l\n'
    } | sort)
}
