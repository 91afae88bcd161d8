#!/usr/bin/env bash
# test_mount.sh — `winfuse mount` (docs/mount.md): Linux programs use memfs and
# passthrough_ll through the kernel's FUSE and WinFuse's NT translation: ls, stat, read and
# write, cp -a, tar x, git clone, rsync -a in and back, links, xattrs, chmod and chown,
# POSIX unlink and rename, statfs, and a caller's own identity.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS PASSTHROUGH_LL
if [ "$(id -u)" -ne 0 ]; then
    echo "# skipped: kernel FUSE mounts and other callers need root"
    finish
fi
for tool in fusermount3 rsync git tar setpriv getfattr setfattr; do
    command -v "$tool" >/dev/null || die "prerequisite $tool" "not installed"
done
. "$(dirname "${E2E_LIB:-$0}")/mount_lib.sh"

# The tree the copies carry: files, an empty one, an executable, a private one, a
# subdirectory, a relative symbolic link, names with spaces and characters Windows forbids.
TREE=$E2E_TMP/tree
mkdir -p "$TREE/sub/deeper"
echo "hello" >"$TREE/a.txt"
: >"$TREE/empty"
head -c 300000 /dev/urandom >"$TREE/sub/random.bin"
printf '#!/bin/sh\necho run\n' >"$TREE/sub/run.sh"
chmod 0755 "$TREE/sub/run.sh"
echo secret >"$TREE/sub/deeper/private"
chmod 0600 "$TREE/sub/deeper/private"
echo spaced >"$TREE/with space.txt"
echo odd >"$TREE/odd:name?*"
ln -s sub/run.sh "$TREE/link"
touch -d '2020-02-02 12:00:00' "$TREE/a.txt" "$TREE/sub/deeper"

# A small repository to clone.
REPO=$E2E_TMP/repo
git init -q "$REPO"
cp -a "$TREE/." "$REPO/"
git -C "$REPO" add -A
git -C "$REPO" -c user.name=t -c user.email=t@t commit -qm one
echo more >>"$REPO/a.txt"
git -C "$REPO" -c user.name=t -c user.email=t@t commit -qam two

for fs in memfs passthrough_ll; do
    fs_command $fs
    # allow_other: the kernel lets other users than root reach the mount at all.
    mount_up -o allow_other -- "${FS_CMD[@]}" || die "$fs: mounted" "$(cat "$MOUNT_ERR")"
    pass "$fs: mounted"

    # ls, stat, read and write.
    check_eq "$fs: a new mount is empty" "" "$(ls -A "$MNT")"
    echo "first line" >"$MNT/f.txt"
    echo "second line" >>"$MNT/f.txt"
    check_eq "$fs: what was written reads back" "first line
second line" "$(cat "$MNT/f.txt")"
    check_eq "$fs: stat gives size and type" "23 regular file" "$(stat -c '%s %F' "$MNT/f.txt")"
    check_eq "$fs: ls lists it" "f.txt" "$(ls "$MNT")"
    printf 'XY' | dd of="$MNT/f.txt" bs=1 seek=6 conv=notrunc status=none
    check_eq "$fs: a write in the middle" "first XYne" "$(head -n 1 "$MNT/f.txt")"
    truncate -s 5 "$MNT/f.txt"
    check_eq "$fs: truncate" "first" "$(cat "$MNT/f.txt")"
    mkdir "$MNT/d"
    check_eq "$fs: mkdir gives a directory" "directory" "$(stat -c %F "$MNT/d")"
    check_eq "$fs: df shows the volume" "1" "$(df -P "$MNT" | awk 'NR == 2 && $2 > 0 { print 1 }')"

    # cp -a a tree in: contents, modes, times and the link compare.
    cp -a "$TREE" "$MNT/tree"
    if diff -r "$TREE" "$MNT/tree" >"$E2E_TMP/diff" 2>&1; then
        pass "$fs: cp -a: the contents compare (diff -r)"
    else
        fail "$fs: cp -a: the contents compare (diff -r)" "$(head -5 "$E2E_TMP/diff")"
    fi
    check_eq "$fs: cp -a: modes, sizes, times and link targets" "$(tree_listing "$TREE")" \
        "$(tree_listing "$MNT/tree")"
    check_eq "$fs: an executable runs from the mount" "run" "$("$MNT/tree/sub/run.sh")"

    # tar x into it.
    tar -C "$TREE" -cf "$E2E_TMP/tree.tar" .
    mkdir "$MNT/untar"
    tar -C "$MNT/untar" -xf "$E2E_TMP/tree.tar" 2>"$E2E_TMP/tar.err"
    check_eq "$fs: tar x: no complaint" "" "$(cat "$E2E_TMP/tar.err")"
    check_eq "$fs: tar x: the tree compares" "$(tree_listing "$TREE")" \
        "$(tree_listing "$MNT/untar")"

    # git clone of a local repository, then fsck and status.
    if git clone -q "$REPO" "$MNT/clone" 2>"$E2E_TMP/git.err"; then
        pass "$fs: git clone"
    else
        fail "$fs: git clone" "$(cat "$E2E_TMP/git.err")"
    fi
    git -C "$MNT/clone" fsck --strict >"$E2E_TMP/fsck" 2>&1
    check_eq "$fs: git fsck" "0" "$?"
    check_eq "$fs: git status is clean" "" "$(git -C "$MNT/clone" status --porcelain)"
    check_eq "$fs: git log" "two one" "$(git -C "$MNT/clone" log --format=%s | xargs)"

    # rsync -a in and back out.
    rsync -a "$TREE/" "$MNT/rs/" 2>"$E2E_TMP/rsync.err"
    check_eq "$fs: rsync -a in: no complaint" "" "$(cat "$E2E_TMP/rsync.err")"
    rsync -a "$MNT/rs/" "$E2E_TMP/back/" 2>"$E2E_TMP/rsync.err"
    check_eq "$fs: rsync -a back: no complaint" "" "$(cat "$E2E_TMP/rsync.err")"
    check_eq "$fs: rsync -a in and back: the tree compares" "$(tree_listing "$TREE")" \
        "$(tree_listing "$E2E_TMP/back")"
    rsync -a "$TREE/" "$MNT/rs/"
    check_eq "$fs: a second rsync -a finds nothing to do" "" \
        "$(rsync -ai "$TREE/" "$MNT/rs/")"
    rm -rf "$E2E_TMP/back"

    # Links and special files.
    ln -s ../f.txt "$MNT/d/sym"
    check_eq "$fs: readlink" "../f.txt" "$(readlink "$MNT/d/sym")"
    check_eq "$fs: a link is followed" "first" "$(cat "$MNT/d/sym")"
    ln "$MNT/f.txt" "$MNT/hard"
    check_eq "$fs: a hard link shares the inode" "$(stat -c %i "$MNT/f.txt")" \
        "$(stat -c %i "$MNT/hard")"
    mkfifo "$MNT/fifo" 2>/dev/null
    check_eq "$fs: mkfifo makes a FIFO" "fifo" "$(stat -c %F "$MNT/fifo" 2>&1)"

    # chmod and chown through SetSecurity.
    chmod 0640 "$MNT/f.txt"
    check_eq "$fs: chmod" "640" "$(stat -c %a "$MNT/f.txt")"
    chown 1234:2345 "$MNT/f.txt"
    check_eq "$fs: chown" "1234:2345 640" "$(stat -c '%u:%g %a' "$MNT/f.txt")"
    touch -d '2001-01-01 00:00:00' "$MNT/f.txt"
    check_eq "$fs: utimes" "2001-01-01" "$(date -u -r "$MNT/f.txt" +%F)"

    # xattrs through EAs.
    setfattr -n user.color -v blue "$MNT/f.txt"
    check_eq "$fs: setfattr and getfattr" "blue" \
        "$(getfattr --only-values -n user.color "$MNT/f.txt" 2>/dev/null)"
    # Listed as NTFS stores EA names, upper-cased (as a cifs client of a Windows server
    # lists them); found by any case.
    check_eq "$fs: listxattr" "user.COLOR" \
        "$(getfattr -d "$MNT/f.txt" 2>/dev/null | grep -o '^user\.[A-Za-z]*')"
    setfattr -x user.color "$MNT/f.txt"
    getfattr -n user.color "$MNT/f.txt" >/dev/null 2>"$E2E_TMP/xattr.err"
    check_contains "$fs: a removed xattr is gone" "No such attribute" "$E2E_TMP/xattr.err"
    if setfattr -n trusted.x -v 1 "$MNT/f.txt" 2>"$E2E_TMP/xattr.err"; then
        fail "$fs: another namespace than user. is refused"
    else
        check_contains "$fs: another namespace than user. is refused" "not supported" \
            "$E2E_TMP/xattr.err"
    fi

    # POSIX unlink: an open file goes on; its name goes at once.
    exec {fd}<>"$MNT/open.txt"
    echo kept >&$fd
    rm "$MNT/open.txt"
    check_eq "$fs: an unlinked name is gone at once" "no" \
        "$([ -e "$MNT/open.txt" ] && echo yes || echo no)"
    check_eq "$fs: an unlinked open file still has its size" "5" "$(stat -L -c %s /proc/self/fd/$fd)"
    exec {fd}>&-
    # POSIX rename: over an existing file, an open one included, and over an empty dir.
    echo new >"$MNT/r1"
    echo old >"$MNT/r2"
    exec {fd}<"$MNT/r2"
    mv "$MNT/r1" "$MNT/r2"
    check_eq "$fs: rename replaces a file that is open" "new" "$(cat "$MNT/r2")"
    check_eq "$fs: the replaced file still reads through its descriptor" "old" "$(cat <&$fd)"
    exec {fd}<&-
    mkdir "$MNT/dir1" "$MNT/dir2"
    touch "$MNT/dir1/inside"
    mv -T "$MNT/dir1" "$MNT/dir2"
    check_eq "$fs: rename replaces an empty directory" "inside" "$(ls "$MNT/dir2")"
    mkdir "$MNT/dir3"
    check_contains "$fs: rename onto a non-empty directory fails" "not empty" \
        <(mv -T "$MNT/dir3" "$MNT/dir2" 2>&1)
    rmdir "$MNT/dir3"
    check_contains "$fs: rmdir of a non-empty directory fails" "not empty" \
        <(rmdir "$MNT/dir2" 2>&1)
    check_contains "$fs: unlink of a directory fails" "Is a directory" \
        <(rm "$MNT/dir2" 2>&1)

    # The caller's identity: a file a user makes is theirs; another user may not read a
    # private file, and may not chmod one that is not theirs.
    chmod 0777 "$MNT"
    setpriv --reuid 1000 --regid 1000 --clear-groups sh -c "echo mine >'$MNT/users'"
    check_eq "$fs: a file made by uid 1000 is owned by 1000:1000" "1000:1000" \
        "$(stat -c %u:%g "$MNT/users" 2>&1)"
    echo private >"$MNT/root-only"
    chmod 0600 "$MNT/root-only"
    check_contains "$fs: another caller may not read a private file" "Permission denied" \
        <(setpriv --reuid 1000 --regid 1000 --clear-groups cat "$MNT/root-only" 2>&1)
    check_contains "$fs: another caller may not chmod a file not theirs" \
        "Operation not permitted" \
        <(setpriv --reuid 1000 --regid 1000 --clear-groups chmod 0666 "$MNT/root-only" 2>&1)

    # The errno Linux programs expect where NT answers a status.
    mkdir "$MNT/ed" "$MNT/ee"
    touch "$MNT/ef" "$MNT/eg"
    check_eq "$fs: errno of failing calls" \
        "ENOTDIR EISDIR ENOTDIR EEXIST ENOENT ENOENT EEXIST EEXIST EINVAL EISDIR EEXIST ENOENT EINVAL ENAMETOOLONG" \
        "$(cd "$MNT" && python3 -c '
import errno, os
calls = [(os.rename, "ed", "ef"), (os.rename, "ef", "ee"), (os.rmdir, "ef"), (os.mkdir, "ed"),
    (os.open, "nope", os.O_RDONLY), (os.open, "nope/x", os.O_CREAT | os.O_WRONLY),
    (os.link, "ef", "eg"), (os.symlink, "x", "eg"), (os.rename, "ed", "ed/sub"),
    (os.open, "ed", os.O_WRONLY), (os.open, "ef", os.O_CREAT | os.O_EXCL | os.O_WRONLY),
    (os.unlink, "nope"), (os.readlink, "ef"), (os.open, "x" * 300, os.O_CREAT | os.O_WRONLY)]
out = []
for fn, *args in calls:
    try:
        fn(*args)
        out.append("ok")
    except OSError as e:
        out.append(errno.errorcode[e.errno])
print(" ".join(out))')"

    # A file created read-only is written through the descriptor that created it; later,
    # its READONLY attribute refuses writers, root too (as NTFS); unlink ignores it.
    python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o444)
os.write(fd, b"ro\n")
os.close(fd)' "$MNT/ro"
    check_eq "$fs: a file created 0444 is written through its creating descriptor" "ro" \
        "$(cat "$MNT/ro")"
    check_contains "$fs: root may not open a file without w bits for writing" \
        "Permission denied" <( (echo more >>"$MNT/ro") 2>&1)
    rm "$MNT/ro"
    check_eq "$fs: unlink ignores READONLY" "no" "$([ -e "$MNT/ro" ] && echo yes || echo no)"

    # rm -rf empties it.
    rm -rf "${MNT:?}"/*
    check_eq "$fs: rm -rf empties the mount" "" "$(ls -A "$MNT")"
    [ -n "$SRC" ] && check_eq "$fs: and the directory behind it" "" "$(ls -A "$SRC")"

    mount_down
    if [ "$MOUNT_STATUS" = 0 ]; then
        pass "$fs: fusermount3 -u ends winfuse mount with status 0"
    else
        fail "$fs: fusermount3 -u ends winfuse mount with status 0" \
            "status $MOUNT_STATUS; winfuse mount said: $(tail -20 "$MOUNT_ERR")"
    fi
    check_eq "$fs: nothing is left mounted" "no" "$(mounted "$MNT" && echo yes || echo no)"
done

# --as: every request acts for that caller, whoever makes it.
fs_command passthrough_ll
chmod 0777 "$SRC"
mount_up --as 1000:1000 -- "${FS_CMD[@]}" || die "--as: mounted" "$(cat "$MOUNT_ERR")"
touch "$MNT/as-file"
echo private >"$SRC/root-only"
chmod 0600 "$SRC/root-only"
check_contains "--as: root acts as the --as caller, who may not read a private file" \
    "Permission denied" <(cat "$MNT/root-only" 2>&1)
check_eq "--as: root's new file belongs to the --as caller" "1000:1000" \
    "$(stat -c %u:%g "$MNT/as-file")"
mount_down

finish
