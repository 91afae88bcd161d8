#!/usr/bin/env bash
# test_ea.sh — extended attributes as user.* xattrs (names upper-cased, as NTFS stores
# them, and compared without case): set, list, delete, bad names, a
# directory's, EaSize in stat, overwrite dropping them; on memfs and on passthrough_ll
# (with -o xattr), whose real files getfattr and setfattr look at.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS PASSTHROUGH_LL

for fs in memfs passthrough_ll; do
    use_fs "$fs"
    # passthrough_ll passes xattrs on only when asked to.
    [ "$fs" = passthrough_ll ] && FS_ARGS+=(-o xattr)

    session_start
    session_send 'echo hello > \f.txt' 'echo ==none==' 'ea \f.txt' 'echo ==set==' \
        'ea \f.txt Color=red Size=42' 'echo ==list==' 'ea \f.txt' 'echo ==end=='
    check_eq "$FS: a new file has no EAs" '\f.txt: no extended attributes' \
        "$(section_of ==none== ==set==)"
    check_eq "$FS: the EAs set are listed, names upper-cased as NTFS stores them" \
        $'COLOR=red\nSIZE=42' \
        "$(section_of ==list== ==end==)"
    if [ -n "$SRC" ]; then
        # (user.DOSATTRIB, the new file's ARCHIVE and creation time, is no EA: left out.)
        attrs=$(getfattr -d --absolute-names "$SRC/f.txt" 2>/dev/null | grep '^user\.' |
            grep -v '^user\.DOSATTRIB=' | sort | xargs)
        check_fs_eq "on disk: the EAs are user.* xattrs, upper-cased" \
            'user.COLOR=red user.SIZE=42' "$attrs"
        setfattr -n user.fromLinux -v abc "$SRC/f.txt"
        setfattr -n trusted.hidden -v x "$SRC/f.txt" 2>/dev/null
        session_send 'echo ==linux==' 'ea \f.txt' 'echo ==end2=='
        check_eq "$FS: an xattr set on Linux is an EA (shown upper-cased); other namespaces are not" \
            $'COLOR=red\nFROMLINUX=abc\nSIZE=42' "$(section_of ==linux== ==end2== | sort)"
        # Set from Windows in any case, it is one EA: the Linux spelling gives way.
        session_send 'ea \f.txt fromlinux=new'
        check_fs_eq "on disk: an EA set over a Linux-named xattr replaces it, upper-cased" \
            'user.FROMLINUX="new"' \
            "$(getfattr -d --absolute-names "$SRC/f.txt" 2>/dev/null | grep -i '^user\.fromlinux' | xargs -0)"
    fi

    # Deleted by its name in another case: EA names are compared without case.
    session_send 'ea \f.txt size=' 'echo ==deleted==' 'ea \f.txt' 'echo ==end3==' \
        'stat \f.txt'
    check_eq "$FS: an empty value deletes the EA, named in any case" "COLOR=red" \
        "$(section_of ==deleted== ==end3== | grep -v FROMLINUX)"
    # NTFS's EaSize: 5 + name + value bytes per EA.
    if [ -n "$SRC" ]; then want=$(( (5 + 5 + 3) + (5 + 9 + 3) )); else want=$((5 + 5 + 3)); fi
    check_out "stat shows EaSize as NTFS counts it" "EaSize:         $want"

    session_send 'ea \f.txt bad*name=1' 'ea \f.txt name=' 'md \d' 'ea \d Tag=dir' \
        'echo ==dir==' 'ea \d' 'echo ==end4=='
    check_contains "$FS: a name NT forbids is STATUS_INVALID_EA_NAME" \
        'ea \f.txt: STATUS_INVALID_EA_NAME' "$ERR"
    check_lacks "$FS: deleting an EA that is not there is no error" \
        'ea \f.txt: STATUS_' <(grep -v INVALID_EA_NAME "$ERR")
    check_eq "$FS: a directory has EAs too" "TAG=dir" "$(section_of ==dir== ==end4==)"

    # Overwriting a file replaces its EAs: with none given, they are gone (NT's rule).
    session_send 'echo again > \f.txt' 'echo ==over==' 'ea \f.txt' 'echo ==end5=='
    check_eq "$FS: an overwrite drops the EAs" '\f.txt: no extended attributes' \
        "$(section_of ==over== ==end5==)"
    if [ -n "$SRC" ]; then
        check_fs_eq "on disk: the overwrite removed every user.* xattr but user.DOSATTRIB" \
            "user.DOSATTRIB" \
            "$(getfattr --absolute-names "$SRC/f.txt" 2>/dev/null | grep '^user\.' | xargs)"
        check_fs_eq "on disk: the data was replaced" "again" "$(tr -d '\r' <"$SRC/f.txt")"
    fi
    session_end
    check_fs_eq "the shell exits 1 (one command failed on purpose)" 1 "$STATUS"
done

# passthrough_ll without -o xattr answers ENOSYS: EAs are not supported, and overwrites
# still work.
use_fs passthrough_ll
fs_script <<'EOF'
echo one > \g.txt
ea \g.txt Color=red
ea \g.txt
echo two > \g.txt
type \g.txt
EOF
check_contains "$FS without xattrs: setting an EA is STATUS_EAS_NOT_SUPPORTED" \
    'ea \g.txt: STATUS_EAS_NOT_SUPPORTED' "$ERR"
check_out "without xattrs: overwriting still works" "two"

finish
