#!/usr/bin/env bash
# test_symlinks.sh — symbolic links and special files as reparse points: mklink (file and
# /D), dir's <SYMLINK>/<SYMLINKD> [target], opening through links (last component and on
# the way), deleting a link and not its target, loops; on memfs and on passthrough_ll,
# whose real directory shows what mklink made (readlink) and lends links made by ln -s.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS PASSTHROUGH_LL

for fs in memfs passthrough_ll; do
    use_fs "$fs"
    session_start
    session_send 'echo hello > \t.txt' 'md \d' 'echo inside > \d\in.txt' \
        'mklink \l.txt t.txt' 'mklink /D \dl d' 'mklink \abs.txt \d\in.txt' \
        'mklink /D \d\up ..' 'mklink \dangling nothere'
    check_out "mklink says what it made" 'symbolic link created for \l.txt <<===>> t.txt'
    check_out "mklink /D says what it made" 'symbolic link created for \dl <<===>> d'
    check_lacks "$FS: every mklink succeeded" "mklink" "$ERR"
    if [ -n "$SRC" ]; then
        check_fs_eq "on disk: mklink made a real symlink with the POSIX target" "t.txt" \
            "$(readlink "$SRC/l.txt")"
        check_fs_eq "on disk: mklink /D made a symlink to the directory, marked so by a /" \
            "d/" "$(readlink "$SRC/dl")"
        check_fs_eq "on disk: a target from the volume's root is absolute" "/d/in.txt" \
            "$(readlink "$SRC/abs.txt")"
        check_fs_eq "on disk: .. stays .. (/D: ../)" "../" "$(readlink "$SRC/d/up")"
        check_fs_eq "on disk: no temporary name is left" "" \
            "$(ls -A "$SRC" | grep -F .wf-reparse)"
    fi

    session_send 'echo ==dir==' 'dir \' 'echo ==type==' 'type \l.txt' 'echo ==mid==' \
        'type \dl\in.txt' 'echo ==abs==' 'type \abs.txt' 'echo ==up==' 'type \d\up\t.txt' \
        'echo ==list==' 'dir \dl' 'echo ==end=='
    listing=$(section_of ==dir== ==type==)
    check_contains "$FS: dir shows a file link with its target" \
        '<SYMLINK>      l.txt [t.txt]' <(echo "$listing")
    check_contains "$FS: dir shows a directory link with its target" \
        '<SYMLINKD>     dl [d]' <(echo "$listing")
    check_contains "$FS: a volume-rooted target shows as such" \
        '<SYMLINK>      abs.txt [\d\in.txt]' <(echo "$listing")
    check_contains "$FS: a dangling link is a file link" \
        '<SYMLINK>      dangling [nothere]' <(echo "$listing")
    check_fs_eq "a file opened through a link is its target" "hello" \
        "$(section_of ==type== ==mid== | tr -d '\r')"
    check_fs_eq "a link on the way is followed" "inside" \
        "$(section_of ==mid== ==abs== | tr -d '\r')"
    check_fs_eq "a volume-rooted link is followed from the root" "inside" \
        "$(section_of ==abs== ==up== | tr -d '\r')"
    check_fs_eq "a link to .. leads up" "hello" "$(section_of ==up== ==list== | tr -d '\r')"
    check_contains "$FS: a directory link lists its target's entries" "in.txt" \
        <(section_of ==list== ==end==)

    session_send 'type \dangling' 'mklink \loop1 loop2' 'mklink \loop2 loop1' 'type \loop1'
    check_contains "$FS: a dangling link is not found" \
        'type \dangling: STATUS_OBJECT_NAME_NOT_FOUND' "$ERR"
    check_contains "$FS: a loop of links is not resolved" \
        'type \loop1: STATUS_REPARSE_POINT_NOT_RESOLVED' "$ERR"

    # Deleting a link deletes the link, never its target.
    session_send 'del \l.txt' 'rd \dl' 'echo ==after==' 'type \t.txt' 'dir \d' 'echo ==end2=='
    check_lacks "$FS: del and rd of links succeed" 'del \l.txt:' "$ERR"
    check_lacks "$FS: rd of a directory link succeeds" 'rd \dl:' "$ERR"
    after=$(section_of ==after== ==end2==)
    check_contains "$FS: the link's target stays" "hello" <(echo "$after")
    check_contains "$FS: the directory link's target keeps its entries" "in.txt" \
        <(echo "$after")
    if [ -n "$SRC" ]; then
        check_fs_eq "on disk: the links are gone, the targets stay" "d t.txt" \
            "$(cd "$SRC" && ls -d l.txt dl t.txt d 2>/dev/null | xargs)"
    fi

    # mklink /D to a file: a directory link all the same, as on NTFS: rd removes it, del
    # does not.
    session_send 'mklink /D \fd t.txt' 'echo ==fd==' 'dir \' 'echo ==del==' 'del \fd' \
        'nt create \fd opts=FILE_NON_DIRECTORY_FILE|FILE_OPEN_REPARSE_POINT access=DELETE' \
        'echo ==afterdel==' 'dir \' 'echo ==rd==' 'rd \fd' 'echo ==afterrd==' 'dir \' \
        'echo ==ttype==' 'type \t.txt' 'echo ==fdend=='
    check_contains "$FS: mklink /D to a file is a directory link" '<SYMLINKD>     fd [t.txt]' \
        <(section_of ==fd== ==del==)
    check_contains "$FS: del of a directory link fails" 'del \fd:' "$ERR"
    check_out "opening it as a file is STATUS_FILE_IS_A_DIRECTORY, as on NTFS" \
        'nt create \fd: STATUS_FILE_IS_A_DIRECTORY'
    check_contains "$FS: ... and leaves it" '<SYMLINKD>     fd [t.txt]' \
        <(section_of ==afterdel== ==rd==)
    check_lacks "$FS: rd of a directory link to a file succeeds" 'rd \fd:' "$ERR"
    check_fs_eq "... the link is gone" 0 "$(section_of ==afterrd== ==ttype== | grep -c ' fd ')"
    check_fs_eq "... its target stays" "hello" "$(section_of ==ttype== ==fdend== | tr -d '\r')"
    session_end
    check_fs_eq "the shell exits 1 (commands failed on purpose)" 1 "$STATUS"
done

# The /D mark outlives the session and whatever the target becomes: a directory replaced by
# a file behind the volume's back.
use_fs passthrough_ll
fs_script <<'EOF'
md \was
mklink /D \dlink was
EOF
check_fs_eq "on disk: mklink /D's mark" "was/" "$(readlink "$SRC/dlink")"
rmdir "$SRC/was"
echo now-a-file >"$SRC/was"
ln -s nothere/ "$SRC/lnd"
fs_script <<'EOF'
echo ==dir==
dir \
echo ==end==
EOF
check_contains "$FS: a /D link whose target became a file is still a directory link" \
    '<SYMLINKD>     dlink [was]' <(section_of ==dir== ==end==)
check_contains "$FS: a link made by ln -s dir/ is a directory link, even dangling" \
    '<SYMLINKD>     lnd [nothere]' <(section_of ==dir== ==end==)

# Links and special files made on Linux, in passthrough_ll's real directory.
use_fs passthrough_ll
echo data >"$SRC/target.txt"
mkdir "$SRC/sub"
echo deep >"$SRC/sub/deep.txt"
ln -s target.txt "$SRC/ln.txt"
ln -s sub "$SRC/lnsub"
ln -s /etc/passwd "$SRC/outside"
mkfifo "$SRC/fifo"
fs_script <<'EOF'
echo ==dir==
dir \
echo ==type==
type \ln.txt
echo ==sub==
type \lnsub\deep.txt
echo ==end==
type \outside
type \fifo
stat \fifo
EOF
listing=$(section_of ==dir== ==type==)
check_contains "$FS: a link made by ln -s is listed with its target" \
    '<SYMLINK>      ln.txt [target.txt]' <(echo "$listing")
check_contains "$FS: a link to a directory made by ln -s is a directory link" \
    '<SYMLINKD>     lnsub [sub]' <(echo "$listing")
check_contains "$FS: an absolute link is taken from the volume's root" \
    '<SYMLINK>      outside [\etc\passwd]' <(echo "$listing")
check_fs_eq "a link made by ln -s is followed" "data" "$(section_of ==type== ==sub== | tr -d '\r')"
check_fs_eq "a directory link made by ln -s is followed on the way" "deep" \
    "$(section_of ==sub== ==end== | tr -d '\r')"
check_contains "$FS: an absolute link leads inside the volume, not to the host's file" \
    'type \outside: STATUS_OBJECT_PATH_NOT_FOUND' "$ERR"
check_contains "$FS: a FIFO is a reparse point no handler knows" \
    'type \fifo: STATUS_IO_REPARSE_TAG_NOT_HANDLED' "$ERR"
check_out "a FIFO shows as a reparse point" "REPARSE_POINT"

# A drive or UNC target is what CreateSymbolicLinkW makes an absolute link of: no POSIX
# target means it, so it is refused and nothing is left behind (once stored as C:/Windows/x
# and /server/share/x, other targets).
fs_script <<'EOF'
mklink \drive C:\Windows\x
mklink \unc \\server\share\x
dir \
EOF
check_contains "$FS: mklink to a drive path is refused" \
    'mklink \drive: STATUS_ACCESS_DENIED' "$ERR"
check_contains "$FS: mklink to a UNC path is refused" 'mklink \unc: STATUS_ACCESS_DENIED' "$ERR"
check_out_lacks "refused links leave no name behind" "drive"
check_out_lacks "refused UNC links leave no name behind" "unc"

finish
