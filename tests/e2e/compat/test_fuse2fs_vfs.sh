#!/usr/bin/env bash
# test_fuse2fs_vfs.sh — what the Linux VFS checks before it asks a file system, checked by
# WinFuse: fuse2fs (an ext4 image) trusts the kernel and corrupts the image or hangs when a
# request breaks a VFS rule. Each case runs in its own session on a new image; the answer
# must be NTFS's, the session must end, fuse2fs must end, and `e2fsck -fn` must find the
# image clean.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE
compat_require fuse2fs mkfs.ext4 e2fsck debugfs
FS=fuse2fs

# A case takes about a second; a hang fails it long before the file's budget is gone.
COMPAT_SHELL_TIMEOUT=15
IMAGE=""
CASE=0

# vfs_case NAME EXPECTED COMMAND...: the commands in one session on a new image; a line of
# the output (stdout or the error lines) must end with EXPECTED; then the image is checked.
vfs_case() {
    local name=$1 expected=$2 input pid
    shift 2
    CASE=$((CASE + 1))
    IMAGE=$E2E_TMP/case$CASE.ext4
    mkfs.ext4 -q -F "$IMAGE" 16M >/dev/null 2>&1 || die "mkfs.ext4" "cannot make $IMAGE"
    input=$(printf '%s\n' "$@")$'\n'
    compat_shell "$input" -- fuse2fs -f "$IMAGE"
    if [ "$STATUS" -eq 124 ]; then
        # A hung fuse2fs holds the image: it goes, by its process id, before the next case.
        for pid in $(pgrep -f -- "$IMAGE"); do kill -KILL "$pid" 2>/dev/null; done
    fi
    if grep -v '^devfuse:' "$OUT" "$ERR" | grep -q -- "${expected}\$"; then
        pass "$FS: $name: $expected"
    else
        fail "$FS: $name: $expected" "$(grep -h -e 'STATUS_' "$OUT" "$ERR" | grep -v '^devfuse:' |
            tail -n 5)"
    fi
    compat_gone "$IMAGE" "fuse2fs ($name)"
    e2fsck -fn "$IMAGE" >"$E2E_TMP/fsck$CASE" 2>&1
    check_eq "$FS: $name: e2fsck -fn finds the image clean" 0 "$?"
}

# Names: LINK onto an existing name (fuse2fs adds a second entry of that name).
vfs_case "a link onto an existing name" "link: STATUS_OBJECT_NAME_COLLISION" \
    'echo a > \a.txt' 'echo b > \b.txt' 'nt create \a.txt access=GENERIC_READ|DELETE' \
    'nt setinfo 1 link \b.txt'
check_eq "$FS: the directory holds one b.txt" 1 \
    "$(debugfs -R 'ls -l /' "$IMAGE" 2>/dev/null | grep -c ' b\.txt *$')"
vfs_case "a link replacing a directory" "link: STATUS_ACCESS_DENIED" \
    'echo a > \a.txt' 'md \d' 'nt create \a.txt access=GENERIC_READ' 'nt setinfo 1 link \d replace'
# A link replacing a file: LINK to a temporary name, then RENAME over the file (no UNLINK
# first, which a failed LINK would make a loss); a temporary name left by an interrupted
# change is passed over, never linked onto. \a.txt is node 2.
vfs_case "a replacing link where its temporary name is taken" "link: STATUS_SUCCESS" \
    'echo a > \a.txt' 'echo b > \b.txt' 'echo x > \.wf-link-0000000000000002-0' \
    'nt create \a.txt access=GENERIC_READ' 'nt setinfo 1 link \b.txt replace'
check_eq "$FS: after the replacing link b.txt is a.txt's inode, once; the taken name kept" \
    "1 1 1 0" "$(debugfs -R 'ls -l /' "$IMAGE" 2>/dev/null | awk '
        $NF == "a.txt" { a = $1 } $NF == "b.txt" { b = $1; n++ }
        $NF == ".wf-link-0000000000000002-0" { kept++ } $NF ~ /^\.wf-link-.*-1$/ { left++ }
        END { print (a == b && a != ""), n + 0, kept + 0, left + 0 }')"
vfs_case "a link to a directory" "link: STATUS_FILE_IS_A_DIRECTORY" \
    'md \d' 'nt create \d access=GENERIC_READ' 'nt setinfo 1 link \e'
vfs_case "md over an existing file" "STATUS_OBJECT_NAME_COLLISION" \
    'echo a > \f' 'md \f'
vfs_case "FILE_CREATE over an existing directory" "STATUS_OBJECT_NAME_COLLISION" \
    'md \d' 'nt create \d disp=FILE_CREATE'

# Renames: into the source's own subtree (fuse2fs deadlocks), directory against file.
vfs_case "a directory moved into its own subtree" "STATUS_INVALID_PARAMETER" \
    'md \d' 'md \d\sub' 'move \d \d\sub\x'
vfs_case "a directory renamed into itself" "rename: STATUS_INVALID_PARAMETER" \
    'md \d' 'nt create \d access=DELETE' 'nt setinfo 1 rename \d\x replace'
vfs_case "a directory replacing a file" "rename: STATUS_NOT_A_DIRECTORY" \
    'md \d' 'echo a > \f' 'nt create \d access=DELETE' 'nt setinfo 1 rename \f replace'
vfs_case "a file replacing a directory" "rename: STATUS_ACCESS_DENIED" \
    'echo a > \f' 'md \d' 'nt create \f access=DELETE' 'nt setinfo 1 rename \d replace'
# Without replace the stand-in answers first, as NTFS: the target has an open file below it.
vfs_case "a directory onto its own parent" "rename: STATUS_ACCESS_DENIED" \
    'md \d' 'md \d\sub' 'nt create \d\sub access=DELETE' 'nt setinfo 1 rename \d'
vfs_case "a directory replacing its own parent" "rename: STATUS_ACCESS_DENIED" \
    'md \d' 'md \d\sub' 'nt create \d\sub access=DELETE' 'nt setinfo 1 rename \d replace'
vfs_case "a file onto an existing file without replace" "rename: STATUS_OBJECT_NAME_COLLISION" \
    'echo a > \a' 'echo b > \b' 'nt create \a access=DELETE' 'nt setinfo 1 rename \b'
check_eq "$FS: both files are kept (echo writes CR LF)" "a b" \
    "$(debugfs -R 'cat /a' "$IMAGE" 2>/dev/null | tr -d '\r\n') $(debugfs -R 'cat /b' \
        "$IMAGE" 2>/dev/null | tr -d '\r\n')"
# POSIX rename(2) replaces an empty directory: the target is looked up first, so never here.
vfs_case "a directory onto an empty directory without replace" \
    "rename: STATUS_OBJECT_NAME_COLLISION" \
    'md \d' 'md \e' 'echo x > \d\x' 'nt create \d access=DELETE' 'nt setinfo 1 rename \e'
check_eq "$FS: both directories are kept" "x" \
    "$(debugfs -R 'ls /d' "$IMAGE" 2>/dev/null | grep -o ' x ' | xargs)$(debugfs -R 'ls /e' \
        "$IMAGE" 2>/dev/null | grep -o ' x ' | xargs)"
vfs_case "a directory renamed onto its own name" "rename: STATUS_SUCCESS" \
    'md \d' 'nt create \d access=DELETE' 'nt setinfo 1 rename \d'

# The root is never renamed, nor replaced (the FSD answers both, as WinFsp's).
vfs_case "the root renamed" "rename: STATUS_INVALID_PARAMETER" \
    'nt create \ access=DELETE' 'nt setinfo 1 rename \x'
vfs_case "a directory renamed onto the root" "rename: STATUS_ACCESS_DENIED" \
    'md \d' 'nt create \d access=DELETE' 'nt setinfo 1 rename \ replace'

# A symbolic link is made under a temporary name, then renamed onto the file mklink made:
# a name left by an interrupted change is looked up and passed over, never made again
# (fuse2fs happens to refuse SYMLINK onto a name itself; test_engine_reparse.c shows that no
# SYMLINK is sent). libfuse's high-level API numbers nodes as it meets them: \l is node 3.
vfs_case "a link made where its temporary name is taken" "<<===>> t" \
    'echo x > \.wf-reparse-0000000000000003-0' 'mklink \l t'

# Names the VFS never hands a file system.
vfs_case "a '..' component" "STATUS_OBJECT_NAME_INVALID" \
    'md \d' 'nt create \d\..\x disp=FILE_CREATE'
vfs_case "a name of 256 characters" "STATUS_OBJECT_NAME_INVALID" \
    "nt create \\$(printf 'a%.0s' $(seq 256)) disp=FILE_CREATE"
compat_finish
