#!/usr/bin/env bash
# test_dir_query.sh — NtQueryDirectoryFile as NTFS answers it: patterns (* ? and the DOS
# wildcards < > "), the pattern kept until a restart, RestartScan, ReturnSingleEntry, resume
# across calls in a directory larger than one buffer, . and .. (not in the root),
# STATUS_NO_SUCH_FILE versus STATUS_NO_MORE_FILES; on memfs and on passthrough_ll.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS PASSTHROUGH_LL

# names START END: the names the querydir calls between the marks returned, sorted.
names() {
    section_of "$1" "$2" | sed -n 's/^  size=.* name=//p' | sort | xargs
}
# statuses START END: the status of each querydir call between the marks.
statuses() {
    section_of "$1" "$2" | sed -n 's/^nt querydir [0-9]*: \(STATUS_[A-Z_]*\).*/\1/p' | xargs
}

BIG=300
big_name() {
    printf 'a-file-name-long-enough-that-few-fit-in-one-buffer-%04d' "$1"
}

for fs in memfs passthrough_ll; do
    use_fs "$fs"

    # ---- an empty root -------------------------------------------------------------------
    fs_script <<'EOF'
nt create \ access=FILE_LIST_DIRECTORY opts=FILE_DIRECTORY_FILE
nt querydir 1
nt querydir 1
EOF
    # WinFsp's FSD answers STATUS_NO_SUCH_FILE until the scan has returned an entry (NTFS
    # would say STATUS_NO_MORE_FILES from the second call: docs/nt-semantics.md).
    check_eq "$FS: an empty root: STATUS_NO_SUCH_FILE, as long as nothing was returned" \
        "STATUS_NO_SUCH_FILE STATUS_NO_SUCH_FILE" \
        "$(sed -n 's/^nt querydir 1: \(STATUS_[A-Z_]*\).*/\1/p' "$OUT" | xargs)"

    # ---- patterns --------------------------------------------------------------------------
    fs_script <<'EOF'
md \d
echo > \d\a.txt
echo > \d\b.txt
echo > \d\ab.c
echo > \d\abc
echo > \d\x.tar.gz
echo > \d\noext
md \d\sub
md \empty
nt create \d access=FILE_LIST_DIRECTORY opts=FILE_DIRECTORY_FILE
echo ==star==
nt querydir 1 *
echo ==star.txt==
nt querydir 1 *.txt restart
echo ==qmark==
nt querydir 1 ?.txt restart
echo ==dos_star==
nt querydir 1 <.gz restart
echo ==dos_star2==
nt querydir 1 x< restart
echo ==dos_qm==
nt querydir 1 a>> restart
echo ==dos_dot==
nt querydir 1 "ab""c" restart
echo ==dos_dot_end==
nt querydir 1 "noext""" restart
echo ==star.star==
nt querydir 1 *.* restart
echo ==exact==
nt querydir 1 abc restart
nt querydir 1
echo ==none==
nt querydir 1 *.none restart
nt querydir 1
echo ==kept==
nt querydir 1 b* restart
nt querydir 1 a*
nt querydir 1 restart
echo ==single==
nt querydir 1 *.txt restart single
nt querydir 1 single
nt querydir 1 single
echo ==invalid==
nt querydir 1 a|b restart
echo ==empty==
nt create \empty access=FILE_LIST_DIRECTORY opts=FILE_DIRECTORY_FILE
nt querydir 2
nt querydir 2
echo ==root==
nt create \ access=FILE_LIST_DIRECTORY opts=FILE_DIRECTORY_FILE
nt querydir 3
echo ==file==
nt create \d\a.txt
nt querydir 4
nt create \d access=FILE_READ_ATTRIBUTES opts=FILE_DIRECTORY_FILE
nt querydir 5
echo ==dir==
dir \d\a*
echo ==end==
EOF
    check_eq "$FS: * lists everything, with . and .. in a subdirectory" \
        ". .. a.txt ab.c abc b.txt noext sub x.tar.gz" "$(names ==star== ==star.txt==)"
    check_eq "$FS: *.txt" "a.txt b.txt" "$(names ==star.txt== ==qmark==)"
    check_eq "$FS: ?.txt" "a.txt b.txt" "$(names ==qmark== ==dos_star==)"
    check_eq "$FS: < (DOS_STAR) stops at the last dot: <.gz" "x.tar.gz" \
        "$(names ==dos_star== ==dos_star2==)"
    check_eq "$FS: x< matches no name with a dot after the x part" "STATUS_NO_SUCH_FILE" \
        "$(statuses ==dos_star2== ==dos_qm==)"
    check_eq "$FS: > (DOS_QM) matches one character or nothing at a dot or the end: a>>" \
        "abc" "$(names ==dos_qm== ==dos_dot==)"
    check_eq "$FS: \" (DOS_DOT) matches a dot" "ab.c" "$(names ==dos_dot== ==dos_dot_end==)"
    check_eq "$FS: \" (DOS_DOT) matches nothing at the end of the name" "noext" \
        "$(names ==dos_dot_end== ==star.star==)"
    check_eq "$FS: *.* matches every name, with or without a dot" \
        ". .. a.txt ab.c abc b.txt noext sub x.tar.gz" "$(names ==star.star== ==exact==)"
    check_eq "$FS: a name without wildcards: one entry, then STATUS_NO_MORE_FILES" \
        "STATUS_SUCCESS STATUS_NO_MORE_FILES abc" \
        "$(statuses ==exact== ==none==) $(names ==exact== ==none==)"
    check_eq "$FS: no match: STATUS_NO_SUCH_FILE (again: nothing was returned)" \
        "STATUS_NO_SUCH_FILE STATUS_NO_SUCH_FILE" "$(statuses ==none== ==kept==)"
    check_eq "$FS: the first pattern holds until a restart names another: b* twice" \
        "b.txt b.txt" "$(names ==kept== ==single==)"
    check_eq "$FS: ... and a restart without a pattern keeps it" \
        "STATUS_SUCCESS STATUS_NO_MORE_FILES STATUS_SUCCESS" "$(statuses ==kept== ==single==)"
    check_eq "$FS: ReturnSingleEntry: one entry per call" \
        "STATUS_SUCCESS STATUS_SUCCESS STATUS_NO_MORE_FILES" "$(statuses ==single== ==invalid==)"
    check_eq "$FS: ReturnSingleEntry: the two matches, each once" "a.txt b.txt" \
        "$(names ==single== ==invalid==)"
    check_eq "$FS: | in a pattern: STATUS_OBJECT_NAME_INVALID" "STATUS_OBJECT_NAME_INVALID" \
        "$(statuses ==invalid== ==empty==)"
    check_eq "$FS: an empty directory lists . and .., then STATUS_NO_MORE_FILES" \
        ". .. STATUS_SUCCESS STATUS_NO_MORE_FILES" \
        "$(names ==empty== ==root==) $(statuses ==empty== ==root==)"
    check_eq "$FS: the root lists no . and .." "d empty" "$(names ==root== ==file==)"
    check_eq "$FS: a file handle: STATUS_INVALID_PARAMETER; no FILE_LIST_DIRECTORY: denied" \
        "STATUS_INVALID_PARAMETER STATUS_ACCESS_DENIED" "$(statuses ==file== ==dir==)"
    section_of ==dir== ==end== >"$E2E_TMP/dir"
    check_eq "$FS: dir with a pattern" "2 a.txt|2 ab.c|2 abc" \
        "$(dir_listing "$E2E_TMP/dir" | sort | paste -sd'|')"

    # ---- . and .. first, whatever order the file system lists them in ---------------------
    # ext4 (passthrough_ll's directory here) lists by name hash: "." and ".." land anywhere.
    {
        echo 'md \order'
        for i in $(seq 1 40); do echo "echo > \\order\\f$i"; done
        echo 'nt create \order access=FILE_LIST_DIRECTORY opts=FILE_DIRECTORY_FILE'
        echo 'echo ==whole=='
        echo 'nt querydir 1'
        echo 'echo ==single=='
        echo 'nt querydir 1 * restart single'
        echo 'nt querydir 1 single'
        echo 'nt querydir 1 single'
        echo 'echo ==again=='
        echo 'nt querydir 1 restart single'
        echo 'echo ==pattern=='
        echo 'nt querydir 1 f1* restart'
        echo 'echo ==end=='
    } >"$E2E_TMP/order.script"
    fs_script <"$E2E_TMP/order.script"
    in_order() { section_of "$1" "$2" | sed -n 's/^  size=.* name=//p' | xargs; }
    if [ -n "$SRC" ]; then
        echo "# $FS: on disk . is entry $(ls -f "$SRC/order" | grep -nx '\.' | cut -d: -f1)," \
            ".. entry $(ls -f "$SRC/order" | grep -nx '\.\.' | cut -d: -f1)"
    fi
    check_eq "$FS: a listing starts with . and .." ". .." \
        "$(in_order ==whole== ==single== | cut -d' ' -f1-2)"
    check_eq "$FS: ... and lists each of the 42 names once" 42 \
        "$(in_order ==whole== ==single== | wc -w)"
    check_eq "$FS: one entry per call: ., .., then a file" ". .. f" \
        "$(in_order ==single== ==again== | sed 's/f[0-9]*$/f/')"
    check_eq "$FS: a restart starts at . again" "." "$(in_order ==again== ==pattern==)"
    check_eq "$FS: a pattern . does not match shows no ." \
        "f1 f10 f11 f12 f13 f14 f15 f16 f17 f18 f19" \
        "$(in_order ==pattern== ==end== | xargs -n1 | sort | xargs)"

    # ---- a directory larger than one response: resume across calls ------------------------
    {
        echo 'md \big'
        for i in $(seq 0 $((BIG - 1))); do
            echo "echo > \\big\\$(big_name "$i")"
        done
        echo 'nt create \big access=FILE_LIST_DIRECTORY opts=FILE_DIRECTORY_FILE'
        echo '==calls=='
        echo 'nt querydir 1 a-file* restart single'
        echo 'nt querydir 1 single'
        for i in $(seq 1 20); do
            echo 'nt querydir 1'
        done
        echo '==end=='
    } | sed 's/^==\(.*\)==$/echo ==\1==/' >"$E2E_TMP/big.script"
    fs_script <"$E2E_TMP/big.script"
    for i in $(seq 0 $((BIG - 1))); do big_name "$i"; echo; done | sort | xargs >"$E2E_TMP/big.expected"
    section_of ==calls== ==end== | sed -n 's/^  size=.* name=//p' | sort >"$E2E_TMP/big.names"
    check_eq "$FS: $BIG entries across calls, each exactly once" "$(cat "$E2E_TMP/big.expected")" \
        "$(xargs <"$E2E_TMP/big.names")"
    check_eq "$FS: more than one response was needed" yes \
        "$([ "$(section_of ==calls== ==end== | grep -c '^nt querydir 1: STATUS_SUCCESS')" -ge 4 ] &&
            echo yes)"
    check_eq "$FS: after the last entry: STATUS_NO_MORE_FILES" "STATUS_NO_MORE_FILES" \
        "$(statuses ==calls== ==end== | awk '{ print $NF }')"
    if [ -n "$SRC" ]; then
        check_eq "$FS: on disk: the $BIG files" "$BIG" "$(ls "$SRC/big" | wc -l)"
    fi
done

finish
