#!/usr/bin/env bash
# test_mount_case.sh — `winfuse mount --case-insensitive`: a Linux mount with Windows name
# rules (what Wine/Proton game folders and Samba exports want): any case finds a name, which
# keeps the case it was made with; a second spelling is the same file; trees copy in and
# compare; without the option names stay case-sensitive.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS PASSTHROUGH_LL
if [ "$(id -u)" -ne 0 ]; then
    echo "# skipped: kernel FUSE mounts need root"
    finish
fi
command -v fusermount3 >/dev/null || die "prerequisite fusermount3" "not installed"
. "$(dirname "${E2E_LIB:-$0}")/mount_lib.sh"

TREE=$E2E_TMP/tree
mkdir -p "$TREE/Data/Maps"
echo level1 >"$TREE/Data/Maps/Level1.MAP"
echo config >"$TREE/Game.INI"

for fs in memfs passthrough_ll; do
    fs_command $fs
    mount_up --case-insensitive -- "${FS_CMD[@]}" || die "$fs: mounted" "$(cat "$MOUNT_ERR")"
    echo hello >"$MNT/ReadMe.txt"
    check_eq "$fs: another case finds the file" "hello" "$(cat "$MNT/README.TXT")"
    check_eq "$fs: ls shows the case it was made with" "ReadMe.txt" "$(ls "$MNT")"
    echo again >"$MNT/readme.TXT"
    check_eq "$fs: writing another spelling writes the same file" "again" \
        "$(cat "$MNT/ReadMe.txt")"
    check_eq "$fs: still one name" "ReadMe.txt" "$(ls "$MNT")"
    mkdir "$MNT/Dir"
    check_contains "$fs: mkdir of another spelling finds it there" "File exists" \
        <(mkdir "$MNT/DIR" 2>&1)
    echo x >"$MNT/dir/inner"
    check_eq "$fs: a path through another spelling of a directory" "x" \
        "$(cat "$MNT/DIR/INNER")"
    # The VFS sees one file under both spellings and never asks (as on Linux's vfat).
    python3 -c 'import os, sys; os.rename(sys.argv[1], sys.argv[2])' "$MNT/ReadMe.txt" \
        "$MNT/README.txt"
    check_eq "$fs: a rename that changes only the case keeps the name, as vfat" \
        "ReadMe.txt" "$(ls "$MNT" | grep -i readme)"
    rm "$MNT/readme.TXT"
    check_eq "$fs: rm of another spelling removes it" "" "$(ls "$MNT" | grep -i readme)"
    cp -a "$TREE" "$MNT/game"
    if diff -r "$TREE" "$MNT/game" >"$E2E_TMP/diff" 2>&1; then
        pass "$fs: cp -a: the tree compares"
    else
        fail "$fs: cp -a: the tree compares" "$(head -5 "$E2E_TMP/diff")"
    fi
    check_eq "$fs: a game's lower-case lookup finds its file" "level1" \
        "$(cat "$MNT/game/data/maps/level1.map")"
    if [ -n "$SRC" ]; then
        check_eq "$fs: the directory behind it keeps the case" "Level1.MAP" \
            "$(ls "$SRC/game/Data/Maps")"
    fi
    mount_down
    check_eq "$fs: nothing is left mounted" "no" "$(mounted "$MNT" && echo yes || echo no)"
done

# Without --case-insensitive, the mount is case-sensitive as Linux is.
fs_command memfs
mount_up -- "${FS_CMD[@]}" || die "case-sensitive: mounted" "$(cat "$MOUNT_ERR")"
echo a >"$MNT/Name"
echo b >"$MNT/NAME"
check_eq "case-sensitive: two spellings are two files" "a b" \
    "$(cat "$MNT/Name" "$MNT/NAME" | xargs)"
check_contains "case-sensitive: another case is not found" "No such file" \
    <(cat "$MNT/name" 2>&1)
mount_down

finish
