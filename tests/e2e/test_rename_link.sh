#!/usr/bin/env bash
# test_rename_link.sh — rename as NTFS does it (ren, move, move /Y, FileRenameInformation(Ex):
# collisions, ReplaceIfExists, directories, read-only targets, open files in the way,
# case-only renames, a directory into itself) and FileLinkInformation; on memfs and on
# passthrough_ll, whose real directory is checked; and on fs_flawed, which ignores
# RENAME_NOREPLACE: a rename without replace onto an existing file leaves both files.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS PASSTHROUGH_LL FLAWED_FS

for fs in memfs passthrough_ll; do
    use_fs "$fs"

    # ---- ren and move --------------------------------------------------------------------
    fs_script <<'EOF'
echo a > \a.txt
echo b > \b.txt
ren \a.txt c.txt
ren \c.txt \x\y
ren \c.txt b.txt
move \c.txt \b.txt
echo ==b==
type \b.txt
move /Y \c.txt \b.txt
echo ==b2==
type \b.txt
md \dir
echo z > \z.txt
move \z.txt \dir
move \b.txt \nodir\b.txt
ren \dir Dir
ren \Dir DIR
echo ==listing==
dir \
echo ==end==
dir \DIR
EOF
    check_contains "$FS: ren takes a name, not a path" "usage: ren" "$ERR"
    check_contains "$FS: ren onto an existing name: STATUS_OBJECT_NAME_COLLISION" \
        'ren \c.txt: STATUS_OBJECT_NAME_COLLISION' "$ERR"
    check_contains "$FS: move onto an existing file without /Y: STATUS_OBJECT_NAME_COLLISION" \
        'move \c.txt: STATUS_OBJECT_NAME_COLLISION' "$ERR"
    check_eq "$FS: the refused move left the target alone" $'b\r' \
        "$(section_of ==b== ==b2==)"
    check_eq "$FS: move /Y replaced the target with the source" $'a\r' \
        "$(awk '/^==b2==$/ { getline; print; exit }' "$OUT")"
    check_contains "$FS: a missing target directory: STATUS_OBJECT_PATH_NOT_FOUND" \
        'move \b.txt: STATUS_OBJECT_PATH_NOT_FOUND' "$ERR"
    section_of ==listing== ==end== >"$E2E_TMP/listing"
    check_eq "$FS: case-only renames, and moving into a directory" "3 b.txt|<DIR> DIR" \
        "$(dir_listing "$E2E_TMP/listing" | paste -sd'|')"
    check_contains "$FS: the file moved into the directory" "3 z.txt" \
        <(dir_listing "$OUT")
    if [ -n "$SRC" ]; then
        check_fs_eq "on disk: the names after ren, move and the case-only renames" \
            "DIR DIR/z.txt b.txt" "$(cd "$SRC" && find . -mindepth 1 | sed 's|^\./||' | sort | xargs)"
        check_fs_eq "on disk: move /Y put the source's data in the target" "a" "$(tr -d '\r' <"$SRC/b.txt")"
    fi

    # ---- FileRenameInformation: the rules ------------------------------------------------
    session_start
    session_send 'md \D' 'md \D\child' 'echo q > \D\q.txt' \
        'nt create \D\q.txt access=GENERIC_READ' 'nt create \D access=DELETE' \
        'nt setinfo 2 rename \D2'
    check_last "a directory with an open file below cannot be renamed: STATUS_ACCESS_DENIED" \
        'nt setinfo 2 rename: STATUS_ACCESS_DENIED'
    session_send 'nt close 1' 'nt setinfo 2 rename \D2' 'nt handles'
    check_last "once that file is closed the directory renames" \
        'nt setinfo 2 rename: STATUS_SUCCESS'
    check_out "the handle follows the new name" '2  \D2  access=DELETE'
    [ -n "$SRC" ] && check_fs_eq "on disk: the renamed directory keeps its contents" \
        "child q.txt" "$(ls "$SRC/D2" 2>&1 | xargs)"
    session_send 'nt setinfo 2 rename \D2\child\inner'
    check_last "a directory into its own subtree: STATUS_INVALID_PARAMETER" \
        'nt setinfo 2 rename: STATUS_INVALID_PARAMETER'
    session_send 'nt setinfo 2 rename D2'
    check_last "a rename onto its own name succeeds" 'nt setinfo 2 rename: STATUS_SUCCESS'
    session_send 'nt close 2'

    session_send 'md \target' 'echo t > \t.txt' 'nt create \t.txt access=DELETE' \
        'nt setinfo 1 rename \target replace'
    check_last "ReplaceIfExists over a directory: STATUS_ACCESS_DENIED" \
        'nt setinfo 1 rename: STATUS_ACCESS_DENIED'
    session_send 'nt setinfo 1 rename \target'
    check_last "onto a directory without ReplaceIfExists: STATUS_OBJECT_NAME_COLLISION" \
        'nt setinfo 1 rename: STATUS_OBJECT_NAME_COLLISION'
    session_send 'echo ro > \ro.txt' 'attrib +R \ro.txt' 'nt setinfo 1 rename \ro.txt replace'
    check_last "ReplaceIfExists over a read-only file: STATUS_ACCESS_DENIED" \
        'nt setinfo 1 rename: STATUS_ACCESS_DENIED'
    [ -n "$SRC" ] && check_fs_eq "on disk: the refused renames changed nothing" \
        "ro t" "$(tr -d '\r' <"$SRC/ro.txt") $(tr -d '\r' <"$SRC/t.txt")"
    session_send 'nt setinfo 1 rename \ro.txt replace ignore_readonly'
    check_last "RenameEx IGNORE_READONLY_ATTRIBUTE replaces a read-only file" \
        'nt setinfo 1 rename: STATUS_SUCCESS'
    session_send 'nt close 1'
    [ -n "$SRC" ] && check_fs_eq "on disk: t.txt replaced ro.txt" "no t" \
        "$([ -e "$SRC/t.txt" ] && echo yes || echo no) $(tr -d '\r' <"$SRC/ro.txt")"

    session_send 'echo o > \o.txt' 'echo o2 > \o2.txt' 'nt create \o2.txt access=GENERIC_READ' \
        'nt create \o.txt access=DELETE' 'nt setinfo 2 rename \o2.txt replace'
    check_last "replacing a file that is open: STATUS_ACCESS_DENIED" \
        'nt setinfo 2 rename: STATUS_ACCESS_DENIED'
    session_send 'nt setinfo 2 rename \o2.txt replace posix'
    check_last "with POSIX semantics an open file that shares delete is replaced" \
        'nt setinfo 2 rename: STATUS_SUCCESS'
    session_send 'nt read 1 0 10 text'
    check_out "the replaced file's handle still reads its data" '"o2\r\n"'
    session_send 'nt close all'
    [ -n "$SRC" ] && check_fs_eq "on disk: o.txt became o2.txt" "no o" \
        "$([ -e "$SRC/o.txt" ] && echo yes || echo no) $(tr -d '\r' <"$SRC/o2.txt")"

    session_send 'nt create \o2.txt access=GENERIC_READ' 'nt setinfo 1 rename \o3.txt'
    check_last "a rename needs DELETE access on the handle: STATUS_ACCESS_DENIED" \
        'nt setinfo 1 rename: STATUS_ACCESS_DENIED'
    session_send 'nt close 1'

    # ---- FileLinkInformation -------------------------------------------------------------
    session_send 'echo l > \l.txt' 'nt create \l.txt access=GENERIC_READ' \
        'nt setinfo 1 link \l2.txt'
    check_last "a link to a new name succeeds" 'nt setinfo 1 link: STATUS_SUCCESS'
    session_send 'nt setinfo 1 link \o2.txt'
    check_last "a link onto an existing file: STATUS_OBJECT_NAME_COLLISION" \
        'nt setinfo 1 link: STATUS_OBJECT_NAME_COLLISION'
    session_send 'nt setinfo 1 link \D2'
    check_last "a link onto an existing directory: STATUS_OBJECT_NAME_COLLISION" \
        'nt setinfo 1 link: STATUS_OBJECT_NAME_COLLISION'
    session_send 'nt setinfo 1 link \D2 replace'
    check_last "a link with ReplaceIfExists over a directory: STATUS_ACCESS_DENIED" \
        'nt setinfo 1 link: STATUS_ACCESS_DENIED'
    session_send 'nt setinfo 1 link \o2.txt replace'
    check_last "a link with ReplaceIfExists over a file replaces it" \
        'nt setinfo 1 link: STATUS_SUCCESS'
    session_send 'nt queryinfo 1' 'nt close 1'
    check_out "the file has three names" "HardLinks:      3"
    if [ -n "$SRC" ]; then
        check_fs_eq "on disk: three names, one inode" "3 3 3 1" \
            "$(stat -c %h "$SRC/l.txt" "$SRC/l2.txt" "$SRC/o2.txt" | xargs) $(stat -c %i \
                "$SRC/l.txt" "$SRC/l2.txt" "$SRC/o2.txt" | sort -u | wc -l)"
        check_fs_eq "on disk: the replacing link left no temporary name" "" \
            "$(ls -A "$SRC" | grep '^\.wf-link-')"
    fi
    session_send 'nt create \D2 opts=FILE_DIRECTORY_FILE' 'nt setinfo 1 link \dl'
    check_last "a directory cannot be linked: STATUS_FILE_IS_A_DIRECTORY" \
        'nt setinfo 1 link: STATUS_FILE_IS_A_DIRECTORY'
    session_send 'nt close 1'
    session_end
done

# ---- a file system that ignores RENAME_NOREPLACE ------------------------------------------
# The engine looks the target up first, as the kernel does: an existing name is a collision
# before any RENAME or RENAME2 reaches the file system, which would replace it.
FS=fs_flawed
SRC=$(mktemp -d "$E2E_TMP/flawed.XXXXXX")
printf 'a\n' >"$SRC/a.txt" && printf 'b\n' >"$SRC/b.txt" || die "make the flawed source files"
run_shell 'nt create \a.txt access=DELETE
nt setinfo 1 rename \b.txt
nt close 1
move \a.txt \b.txt
ren \a.txt b.txt
move \a.txt \c.txt
' --debug -- "$FLAWED_FS" "$SRC" -f
check_out "rename without replace onto an existing file: STATUS_OBJECT_NAME_COLLISION" \
    'nt setinfo 1 rename: STATUS_OBJECT_NAME_COLLISION'
check_contains "$FS: move without /Y onto an existing file: STATUS_OBJECT_NAME_COLLISION" \
    'move \a.txt: STATUS_OBJECT_NAME_COLLISION' "$ERR"
check_contains "$FS: ren onto an existing name: STATUS_OBJECT_NAME_COLLISION" \
    'ren \a.txt: STATUS_OBJECT_NAME_COLLISION' "$ERR"
check_fs_eq "on disk: both files intact until the move to a new name" "b a" \
    "$(cat "$SRC/b.txt" "$SRC/c.txt" 2>&1 | xargs)"
check_fs_eq "on disk: a.txt moved to c.txt, b.txt kept" "b.txt c.txt" "$(ls "$SRC" | xargs)"
check_fs_eq "one RENAME2 (for the new name), no RENAME" "1 0" \
    "$(requests RENAME2) $(requests RENAME)"

finish
