#!/usr/bin/env bash
# test_create_write.sh — Create with every disposition (Information and status as NTFS gives
# them), overwrite and supersede, initial attributes and allocation, Write (at an offset, at
# the end, append-only handles, constrained I/O, split by max_write) and the shell's put,
# get, copy and echo; on memfs and on passthrough_ll, whose real directory is checked too.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS PASSTHROUGH_LL

# The size dir shows for NAME in the listing between the marks START and END.
listed_size() {
    section_of "$1" "$2" >"$E2E_TMP/section"
    dir_listing "$E2E_TMP/section" | awk -v name="$3" '$2 == name { print $1 }'
}

for fs in memfs passthrough_ll; do
    use_fs "$fs"

    # ---- every disposition, on an existing file and on a missing one -------------------
    fs_script <<'EOF'
nt create \ex_supersede access=GENERIC_WRITE disp=FILE_CREATE
nt create \ex_open access=GENERIC_WRITE disp=FILE_CREATE
nt create \ex_create access=GENERIC_WRITE disp=FILE_CREATE
nt create \ex_openif access=GENERIC_WRITE disp=FILE_CREATE
nt create \ex_overwrite access=GENERIC_WRITE disp=FILE_CREATE
nt create \ex_overwriteif access=GENERIC_WRITE disp=FILE_CREATE
nt write 1 0 abcdef
nt write 2 0 abcdef
nt write 3 0 abcdef
nt write 4 0 abcdef
nt write 5 0 abcdef
nt write 6 0 abcdef
nt close all
echo ==existing==
nt create \ex_supersede access=GENERIC_WRITE disp=FILE_SUPERSEDE
nt create \ex_open access=GENERIC_WRITE disp=FILE_OPEN
nt create \ex_create access=GENERIC_WRITE disp=FILE_CREATE
nt create \ex_openif access=GENERIC_WRITE disp=FILE_OPEN_IF
nt create \ex_overwrite access=GENERIC_WRITE disp=FILE_OVERWRITE
nt create \ex_overwriteif access=GENERIC_WRITE disp=FILE_OVERWRITE_IF
nt close all
echo ==missing==
nt create \new_supersede access=GENERIC_WRITE disp=FILE_SUPERSEDE
nt create \new_open access=GENERIC_WRITE disp=FILE_OPEN
nt create \new_create access=GENERIC_WRITE disp=FILE_CREATE
nt create \new_openif access=GENERIC_WRITE disp=FILE_OPEN_IF
nt create \new_overwrite access=GENERIC_WRITE disp=FILE_OVERWRITE
nt create \new_overwriteif access=GENERIC_WRITE disp=FILE_OVERWRITE_IF
nt close all
echo ==paths==
nt create \nodir\x access=GENERIC_WRITE disp=FILE_OPEN_IF
nt create \ex_open\x access=GENERIC_WRITE disp=FILE_OPEN_IF
nt create \ex_open\ disp=FILE_OPEN
nt create \ex_open target
nt create \absent target
nt create \nodir\absent target
nt close all
echo ==listing==
dir \
echo ==end==
EOF
    check_out "FILE_SUPERSEDE on a file: FILE_SUPERSEDED" \
        'nt create \ex_supersede: STATUS_SUCCESS FILE_SUPERSEDED handle='
    check_out "FILE_OPEN on a file: FILE_OPENED" \
        'nt create \ex_open: STATUS_SUCCESS FILE_OPENED handle='
    check_out "FILE_CREATE on a file: STATUS_OBJECT_NAME_COLLISION" \
        'nt create \ex_create: STATUS_OBJECT_NAME_COLLISION'
    check_out "FILE_OPEN_IF on a file: FILE_OPENED" \
        'nt create \ex_openif: STATUS_SUCCESS FILE_OPENED handle='
    check_out "FILE_OVERWRITE on a file: FILE_OVERWRITTEN" \
        'nt create \ex_overwrite: STATUS_SUCCESS FILE_OVERWRITTEN handle='
    check_out "FILE_OVERWRITE_IF on a file: FILE_OVERWRITTEN" \
        'nt create \ex_overwriteif: STATUS_SUCCESS FILE_OVERWRITTEN handle='
    check_out "FILE_SUPERSEDE on a missing name: FILE_CREATED" \
        'nt create \new_supersede: STATUS_SUCCESS FILE_CREATED handle='
    check_out "FILE_OPEN on a missing name: STATUS_OBJECT_NAME_NOT_FOUND" \
        'nt create \new_open: STATUS_OBJECT_NAME_NOT_FOUND'
    check_out "FILE_CREATE on a missing name: FILE_CREATED" \
        'nt create \new_create: STATUS_SUCCESS FILE_CREATED handle='
    check_out "FILE_OPEN_IF on a missing name: FILE_CREATED" \
        'nt create \new_openif: STATUS_SUCCESS FILE_CREATED handle='
    check_out "FILE_OVERWRITE on a missing name: STATUS_OBJECT_NAME_NOT_FOUND" \
        'nt create \new_overwrite: STATUS_OBJECT_NAME_NOT_FOUND'
    check_out "FILE_OVERWRITE_IF on a missing name: FILE_CREATED" \
        'nt create \new_overwriteif: STATUS_SUCCESS FILE_CREATED handle='
    check_out "a missing intermediate directory: STATUS_OBJECT_PATH_NOT_FOUND" \
        'nt create \nodir\x: STATUS_OBJECT_PATH_NOT_FOUND'
    check_out "a file as an intermediate directory: STATUS_OBJECT_PATH_NOT_FOUND" \
        'nt create \ex_open\x: STATUS_OBJECT_PATH_NOT_FOUND'
    check_out "a trailing backslash on a file: STATUS_OBJECT_NAME_INVALID" \
        'nt create \ex_open\: STATUS_OBJECT_NAME_INVALID'
    check_out "OpenTargetDirectory on an existing name: FILE_EXISTS" \
        'nt create \ex_open: STATUS_SUCCESS FILE_EXISTS handle='
    check_out "OpenTargetDirectory on a missing name: FILE_DOES_NOT_EXIST" \
        'nt create \absent: STATUS_SUCCESS FILE_DOES_NOT_EXIST handle='
    check_out "OpenTargetDirectory in a missing directory: STATUS_OBJECT_PATH_NOT_FOUND" \
        'nt create \nodir\absent: STATUS_OBJECT_PATH_NOT_FOUND'
    for f in supersede overwrite overwriteif; do
        check_fs_eq "FILE_${f^^} truncated the file" 0 \
            "$(listed_size ==listing== ==end== "ex_$f")"
    done
    for f in open create openif; do
        check_fs_eq "FILE_${f^^} kept the file's data" 6 \
            "$(listed_size ==listing== ==end== "ex_$f")"
    done
    check_fs_eq "the missing names that were created exist, the others do not" \
        "new_create new_openif new_overwriteif new_supersede" \
        "$(dir_listing "$E2E_TMP/section" | awk '$2 ~ /^new_/ { print $2 }' | sort | xargs)"
    if [ -n "$SRC" ]; then
        check_fs_eq "on disk: supersede, overwrite, overwrite_if truncated; the rest kept" \
            "ex_create=6 ex_open=6 ex_openif=6 ex_overwrite=0 ex_overwriteif=0 ex_supersede=0" \
            "$(cd "$SRC" && stat -c '%n=%s' ex_* | sort | xargs)"
        check_fs_eq "on disk: exactly the created names" \
            "new_create new_openif new_overwriteif new_supersede" \
            "$(cd "$SRC" && ls -d new_* | xargs)"
    fi

    # ---- directories ---------------------------------------------------------------------
    fs_script <<'EOF'
nt create \d access=FILE_LIST_DIRECTORY disp=FILE_CREATE opts=FILE_DIRECTORY_FILE
nt create \d\e access=FILE_LIST_DIRECTORY disp=FILE_OPEN_IF opts=FILE_DIRECTORY_FILE
nt create \f access=GENERIC_WRITE disp=FILE_CREATE
nt close all
echo ==existing==
nt create \d access=FILE_LIST_DIRECTORY disp=FILE_OPEN_IF opts=FILE_DIRECTORY_FILE
nt create \d access=FILE_LIST_DIRECTORY disp=FILE_CREATE opts=FILE_DIRECTORY_FILE
nt create \d access=FILE_LIST_DIRECTORY disp=FILE_OVERWRITE_IF opts=FILE_DIRECTORY_FILE
nt create \d disp=FILE_OPEN opts=FILE_NON_DIRECTORY_FILE
nt create \f disp=FILE_OPEN opts=FILE_DIRECTORY_FILE
nt create \f access=FILE_LIST_DIRECTORY disp=FILE_CREATE opts=FILE_DIRECTORY_FILE
nt create \d\ disp=FILE_OPEN
nt close all
md \m1\m2\m3
md \m1
EOF
    check_out "FILE_CREATE with FILE_DIRECTORY_FILE makes a directory" \
        'nt create \d: STATUS_SUCCESS FILE_CREATED handle=1'
    check_out "FILE_OPEN_IF with FILE_DIRECTORY_FILE makes a missing directory" \
        'nt create \d\e: STATUS_SUCCESS FILE_CREATED handle=2'
    check_out "FILE_OPEN_IF opens an existing directory" \
        'nt create \d: STATUS_SUCCESS FILE_OPENED handle=1'
    check_out "FILE_CREATE on an existing directory: STATUS_OBJECT_NAME_COLLISION" \
        'nt create \d: STATUS_OBJECT_NAME_COLLISION'
    check_out "FILE_DIRECTORY_FILE with FILE_OVERWRITE_IF: STATUS_INVALID_PARAMETER" \
        'nt create \d: STATUS_INVALID_PARAMETER'
    check_out "FILE_NON_DIRECTORY_FILE on a directory: STATUS_FILE_IS_A_DIRECTORY" \
        'nt create \d: STATUS_FILE_IS_A_DIRECTORY'
    check_out "FILE_DIRECTORY_FILE on a file: STATUS_NOT_A_DIRECTORY" \
        'nt create \f: STATUS_NOT_A_DIRECTORY'
    check_out "FILE_CREATE of a directory over a file: STATUS_OBJECT_NAME_COLLISION" \
        'nt create \f: STATUS_OBJECT_NAME_COLLISION'
    check_out "a trailing backslash on a directory opens it" \
        'nt create \d\: STATUS_SUCCESS FILE_OPENED handle=2'
    check_contains "$FS: md of an existing directory fails with the collision" \
        'md \m1: STATUS_OBJECT_NAME_COLLISION' "$ERR"
    if [ -n "$SRC" ]; then
        check_fs_eq "on disk: the directories exist" "yes" \
            "$([ -d "$SRC/d/e" ] && [ -d "$SRC/m1/m2/m3" ] && [ -f "$SRC/f" ] && echo yes)"
    fi

    # ---- attributes at creation, overwrite and supersede ---------------------------------
    fs_script <<'EOF'
nt create \ro access=GENERIC_READ|GENERIC_WRITE disp=FILE_CREATE attr=FILE_ATTRIBUTE_READONLY
nt write 1 0 written-through-the-creating-handle
nt close 1
echo ==readonly==
nt create \ro access=GENERIC_WRITE disp=FILE_OPEN
nt create \ro access=GENERIC_WRITE disp=FILE_OVERWRITE
nt create \ro access=GENERIC_WRITE disp=FILE_SUPERSEDE
nt create \ro access=GENERIC_READ disp=FILE_OPEN
nt close all
echo ==merge==
nt create \ow access=GENERIC_WRITE disp=FILE_CREATE
nt write 1 0 0123456789
nt close 1
nt create \ow access=GENERIC_WRITE disp=FILE_OVERWRITE attr=FILE_ATTRIBUTE_READONLY|FILE_ATTRIBUTE_HIDDEN
nt write 1 0 new
nt close 1
echo ==attributes==
attrib \ro
attrib \ow
echo ==end==
EOF
    check_out "a new READONLY file: the creating handle writes" \
        'nt write 1: STATUS_SUCCESS 35 bytes size=35'
    check_out "a READONLY file: FILE_OPEN for writing is STATUS_ACCESS_DENIED" \
        'nt create \ro: STATUS_ACCESS_DENIED'
    check_fs_eq "a READONLY file: open, overwrite and supersede for writing are all denied" 3 \
        "$(section_of ==readonly== ==merge== | grep -c 'nt create \\ro: STATUS_ACCESS_DENIED')"
    check_out "a READONLY file opens for reading" \
        'nt create \ro: STATUS_SUCCESS FILE_OPENED handle=1'
    # HIDDEN is kept in user.DOSATTRIB where there are xattrs (memfs), with the ARCHIVE an
    # overwrite sets; passthrough_ll without its xattr option keeps neither. (The first two
    # words of each line: "A HR" leaves the path out.)
    # \ro was created with ARCHIVE where it is stored, as NTFS and Samba give a new file.
    if [ "$FS" = memfs ]; then ow_attrib='A HR' ro_attrib='A R'; else ow_attrib='R \ow' ro_attrib='R \ro'; fi
    check_eq "$FS: attrib: both read-only (overwrite merged READONLY in, HIDDEN where stored)" \
        "$ro_attrib|$ow_attrib" \
        "$(section_of ==attributes== ==end== | awk '{ print $1, $2 }' | paste -sd'|')"
    if [ -n "$SRC" ]; then
        check_fs_eq "on disk: READONLY is a mode without write bits" "r--r--r-- r--r--r--" \
            "$(stat -c '%A' "$SRC/ro" "$SRC/ow" | cut -c2-10 | xargs)"
        check_fs_eq "on disk: the data written through the creating handle" \
            "written-through-the-creating-handle" "$(cat "$SRC/ro")"
        check_fs_eq "on disk: overwrite truncated before the new data" "new" "$(cat "$SRC/ow")"
    fi

    # ---- allocation size at creation -----------------------------------------------------
    # (Neither memfs nor passthrough_ll, built without HAVE_FALLOCATE, shows a reservation:
    # what can be seen is the request, and that the size stays 0.)
    fs_script --debug <<'EOF'
nt create \big access=GENERIC_WRITE disp=FILE_CREATE alloc=1000000
nt queryinfo 1
nt close 1
EOF
    check_out "an allocation size at creation succeeds" \
        'nt create \big: STATUS_SUCCESS FILE_CREATED handle=1'
    check_out "an allocation size leaves the size 0" "FileSize:       0"
    check_fs_eq "an allocation size is asked of the file system: one FALLOCATE" 1 \
        "$(requests FALLOCATE)"
    [ -n "$SRC" ] && check_fs_eq "on disk: the new file is empty" 0 "$(stat -c %s "$SRC/big")"

    # ---- writes: offset, end of file, append-only handles, constrained I/O ---------------
    fs_script --debug <<'EOF'
nt create \w access=GENERIC_READ|GENERIC_WRITE disp=FILE_CREATE
nt write 1 0 0123456789
nt write 1 eof ABC
nt write 1 4 xy
nt write 1 11 LONG constrained
nt write 1 20 far constrained
nt write 1 eof nope constrained
nt read 1 0 100 text
nt close 1
nt create \w access=FILE_APPEND_DATA|SYNCHRONIZE
nt write 1 0 +tail
nt close 1
nt create \w access=GENERIC_READ
nt write 1 0 denied
nt close 1
type \w
EOF
    check_out "a write at 0 reports its bytes and the new size" \
        'nt write 1: STATUS_SUCCESS 10 bytes size=10'
    check_out "a write at eof (offset -1) appends" 'nt write 1: STATUS_SUCCESS 3 bytes size=13'
    check_fs_eq "a write inside the file, then a constrained one cut at the end of file" 2 \
        "$(grep -c '^nt write 1: STATUS_SUCCESS 2 bytes size=13 ' "$OUT")"
    check_out "a constrained write past the end writes nothing" 'nt write 1: STATUS_SUCCESS 0 bytes'
    check_out "a constrained write at eof is refused" 'nt write 1: STATUS_INVALID_PARAMETER'
    check_out "the data read back" '"0123xy6789ALO"'
    check_out "a handle without write access: STATUS_ACCESS_DENIED" \
        'nt write 1: STATUS_ACCESS_DENIED'
    check_out "an append-only handle writes at the end whatever the offset" "0123xy6789ALO+tail"
    # (memfs stores the new file's user.DOSATTRIB: the GETATTR its ctime change needs.)
    if [ "$FS" = memfs ]; then create_getattr=1; else create_getattr=0; fi
    check_fs_eq "no GETATTR before the writes: the size comes from the replies" \
        "$create_getattr" "$(requests GETATTR)"
    [ -n "$SRC" ] && check_fs_eq "on disk: the written file" "0123xy6789ALO+tail" "$(cat "$SRC/w")"

    # ---- one write larger than max_write is split; put and get are exact ----------------
    head -c 3000000 /dev/urandom >"$E2E_TMP/random"
    perl -e 'print "Z" x 3000000' >"$E2E_TMP/zeds"
    fs_script --debug <<EOF
nt create \\split access=GENERIC_WRITE disp=FILE_CREATE
nt write 1 0 Z repeat=3000000
nt close 1
echo ==put==
put $E2E_TMP/random \\r.bin
get \\r.bin $E2E_TMP/r.back
get \\split $E2E_TMP/split.back
put $E2E_TMP/zeds \\r.bin
get \\r.bin $E2E_TMP/r2.back
vol
EOF
    max_write=$(awk '/^max_write:/ { print $2 }' "$OUT")
    check_out "one 3 MB write succeeds whole" 'nt write 1: STATUS_SUCCESS 3000000 bytes size=3000000'
    # The WRITEs before the first RELEASE (the close of handle 1) are the NT write's.
    check_fs_eq "the 3 MB write went as ceil(3000000 / max_write) WRITEs" \
        $(((3000000 + max_write - 1) / max_write)) \
        "$(awk '/^devfuse: -> RELEASE / { exit } /^devfuse: -> WRITE / { n++ }
            END { print n + 0 }' "$ERR")"
    check_files_equal "$FS: the split write's data" "$E2E_TMP/zeds" "$E2E_TMP/split.back"
    check_files_equal "$FS: put then get gives the same 3 MB" "$E2E_TMP/random" "$E2E_TMP/r.back"
    check_files_equal "$FS: put over a file replaces it" "$E2E_TMP/zeds" "$E2E_TMP/r2.back"
    if [ -n "$SRC" ]; then
        check_files_equal "$FS: on disk: the file put" "$E2E_TMP/zeds" "$SRC/r.bin"
    fi

    # ---- echo, copy ----------------------------------------------------------------------
    fs_script <<'EOF'
echo hello world > \e.txt
echo second line >> \e.txt
echo >>\e.txt
copy \e.txt \c.txt
copy \e.txt \c.txt
copy /Y \e.txt \c.txt
md \sub
copy \e.txt \sub
type \sub\e.txt
put /nonexistent/file \x
EOF
    printf 'hello world\r\nsecond line\r\n\r\n' >"$E2E_TMP/echo.expected"
    check_contains "$FS: copy onto an existing file without /Y: collision" \
        'copy \e.txt: STATUS_OBJECT_NAME_COLLISION' "$ERR"
    check_fs_eq "copy says what it did, twice" 3 "$(grep -c '1 file(s) copied.' "$OUT")"
    check_contains "$FS: put of a missing local file fails" "put /nonexistent/file" "$ERR"
    if [ -n "$SRC" ]; then
        check_files_equal "$FS: on disk: echo > and >> wrote CRLF lines" \
            "$E2E_TMP/echo.expected" "$SRC/e.txt"
        check_files_equal "$FS: on disk: copy" "$E2E_TMP/echo.expected" "$SRC/c.txt"
        check_files_equal "$FS: on disk: copy into a directory" "$E2E_TMP/echo.expected" \
            "$SRC/sub/e.txt"
    else
        printf 'hello world\r\nsecond line\r\n\r\n' >"$E2E_TMP/typed.expected"
        tail -c "$(wc -c <"$E2E_TMP/typed.expected")" "$OUT" >"$E2E_TMP/typed"
        check_files_equal "$FS: echo > and >> then copy into a directory" \
            "$E2E_TMP/typed.expected" "$E2E_TMP/typed"
    fi
done

finish
