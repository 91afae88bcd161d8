#!/usr/bin/env bash
# test_shell_nt_info.sh — the shell's reach into what the engine implements: nt queryinfo by
# information class, nt queryea with a buffer length (STATUS_BUFFER_OVERFLOW,
# STATUS_BUFFER_TOO_SMALL), EAs given to nt create; on memfs and on passthrough_ll.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS PASSTHROUGH_LL

# field NAME N: the value of "NAME:" in the N-th queryinfo answer.
field() {
    awk -v f="$1:" -v n="$2" '/^nt queryinfo / { k++ } k == n && $1 == f { $1 = ""; print substr($0, 2); exit }' "$OUT"
}
# status_of CALL N: the status of the N-th nt CALL line.
status_of() {
    sed -n "s/^nt $1 [^:]*: \(STATUS_[A-Z_]*\).*/\1/p" "$OUT" | sed -n "${2}p"
}

for fs in memfs passthrough_ll; do
    use_fs "$fs"
    [ "$fs" = passthrough_ll ] && FS_ARGS+=(-o xattr)

    fs_script <<'EOF'
md \d
nt create \d\f.txt access=GENERIC_READ|GENERIC_WRITE|DELETE disp=FILE_CREATE ea=AAAA=1 ea=BBBB=x\x02
nt write 1 0 hello
nt queryinfo 1 FileBasicInformation
nt queryinfo 1 standard
nt queryinfo 1 FileNameInformation
nt queryinfo 1 internal
nt queryinfo 1 FileEaInformation
nt queryinfo 1 attributetag
nt queryinfo 1 networkopen
nt queryinfo 1 all
nt queryinfo 1 stream
nt queryinfo 1 44
nt setinfo 1 disposition delete
nt queryinfo 1 standard
nt setinfo 1 disposition
nt create \d access=FILE_READ_ATTRIBUTES opts=FILE_DIRECTORY_FILE
nt queryinfo 2 standard
nt queryinfo 2 basic
nt queryea 1
nt queryea 1 16
nt queryea 1 10
nt queryea 1 0
nt queryinfo 1 nosuchclass
EOF
    check_out "a create with an EA list succeeds" "nt create \\d\\f.txt: STATUS_SUCCESS FILE_CREATED handle=1"
    check_fs_eq "FileBasicInformation: the four times and the attributes" "5 fields" \
        "$(n=0; for f in CreationTime LastAccessTime LastWriteTime ChangeTime FileAttributes; do
            [ -n "$(field $f 1)" ] && n=$((n + 1)); done; echo "$n fields")"
    check_fs_eq "FileStandardInformation: the sizes, one link, no delete pending, a file" \
        "5 1 FALSE FALSE" \
        "$(field EndOfFile 2) $(field NumberOfLinks 2) $(field DeletePending 2) $(field Directory 2)"
    check_fs_eq "FileNameInformation: the name from the volume root" '\d\f.txt' "$(field FileName 3)"
    check_fs_eq "FileInternalInformation: the index number" "1" \
        "$( [ "$(field IndexNumber 4)" -gt 1 ] && echo 1)"
    # NTFS: 5 + name + value per EA, plus the list's 4-byte header.
    check_fs_eq "FileEaInformation: EaSize of the two EAs as NTFS counts it" \
        "$(( 4 + (5 + 4 + 1) + (5 + 4 + 2) ))" "$(field EaSize 5)"
    check_fs_eq "FileAttributeTagInformation: attributes and no reparse tag" "0x00000000" \
        "$(field ReparseTag 6)"
    check_fs_eq "FileNetworkOpenInformation: sizes and attributes" "5" "$(field EndOfFile 7)"
    check_fs_eq "FileAllInformation: basic, standard, internal, EA, access and name" \
        '5 FALSE \d\f.txt' "$(field EndOfFile 8) $(field Directory 8) $(field FileName 8)"
    check_fs_eq "FileStreamInformation: ::\$DATA with the file's size (no named stream)" \
        'STATUS_SUCCESS ::$DATA 5 1' \
        "$(status_of queryinfo 9) $(field StreamName 9) $(field StreamSize 9) $(grep -c '^StreamName:' "$OUT")"
    check_fs_eq "a class the FSD does not answer: STATUS_INVALID_INFO_CLASS" \
        STATUS_INVALID_INFO_CLASS "$(status_of queryinfo 10)"
    check_fs_eq "DeletePending once the disposition is set" TRUE "$(field DeletePending 11)"
    check_fs_eq "a directory: Directory TRUE" TRUE "$(field Directory 12)"
    check_contains "$FS: a directory's attributes" "FILE_ATTRIBUTE_DIRECTORY" "$OUT"
    check_contains "$FS: an unknown class name is refused" \
        "'nosuchclass' is not a name or number of information class" "$ERR"

    # nt queryea: both EAs (set by the create), then a buffer for one entry (16 bytes: the
    # 8-byte header, a 4-byte name and NUL, a 1-byte value, aligned), then none.
    check_fs_eq "queryea: both EAs the create set" "STATUS_SUCCESS 2" \
        "$(status_of queryea 1) $(section_of 'nt queryea 1: STATUS_SUCCESS' 'nt queryea 1: STATUS_BUFFER' | grep -c '^  [AB]\{4\}=')"
    check_out "queryea: the value's bytes, escaped" "  BBBB=x\\x02"
    check_fs_eq "queryea with room for one entry: STATUS_BUFFER_OVERFLOW and that entry" \
        "STATUS_BUFFER_OVERFLOW 1" \
        "$(status_of queryea 2) $(awk '/^nt queryea 1: STATUS_BUFFER_OVERFLOW/ { inside = 1; next } !/^  / { inside = 0 } inside' "$OUT" | wc -l)"
    check_fs_eq "queryea without room for one entry: STATUS_BUFFER_TOO_SMALL" \
        "STATUS_BUFFER_TOO_SMALL STATUS_BUFFER_TOO_SMALL" "$(status_of queryea 3) $(status_of queryea 4)"
    if [ -n "$SRC" ]; then
        check_fs_eq "on disk: the create's EAs are user.* xattrs" "user.AAAA user.BBBB user.DOSATTRIB" \
            "$(getfattr --absolute-names "$SRC/d/f.txt" 2>/dev/null | grep '^user\.' | sort | xargs)"
    fi
    check_fs_eq "the shell exits 1 (one command refused on purpose)" 1 "$STATUS"
done

finish
