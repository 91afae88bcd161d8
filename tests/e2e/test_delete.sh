#!/usr/bin/env bash
# test_delete.sh — deletion as NTFS does it: del and rd, the disposition (set, undone,
# refused for read-only files and non-empty directories), delete-pending, deletion at the
# Cleanup of the last handle, FILE_DELETE_ON_CLOSE, POSIX semantics; on memfs and on
# passthrough_ll, whose real directory is examined between the steps.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS PASSTHROUGH_LL

# exists NAME: "yes" when passthrough_ll's real directory has NAME, else "no".
exists() {
    if [ -e "$SRC/$1" ]; then echo yes; else echo no; fi
}

for fs in memfs passthrough_ll; do
    use_fs "$fs"

    # ---- del and rd ----------------------------------------------------------------------
    fs_script <<'EOF'
echo a > \a.txt
echo b > \b.txt
echo c > \c.log
md \d
echo x > \d\x.txt
md \d\sub
md \empty
del \a.txt
dir \a.txt
del *.txt
del \*.none
echo r > \ro.txt
attrib +R \ro.txt
del \ro.txt
dir \ro.txt
del /F \ro.txt
dir \ro.txt
rd \d
rd \empty
rd \c.log
del \d
echo ==d==
dir \d
echo ==end==
rd \d\sub
rd \d
dir \d
EOF
    check_contains "$FS: del of a file removes it" 'dir \a.txt: STATUS_OBJECT_NAME_NOT_FOUND' \
        "$ERR"
    check_contains "$FS: del of a pattern that matches nothing: STATUS_NO_SUCH_FILE" \
        'del \*.none: STATUS_NO_SUCH_FILE' "$ERR"
    check_contains "$FS: del of a read-only file: STATUS_CANNOT_DELETE" \
        'del \ro.txt: STATUS_CANNOT_DELETE' "$ERR"
    check_contains "$FS: del /F deletes a read-only file" \
        'dir \ro.txt: STATUS_OBJECT_NAME_NOT_FOUND' "$ERR"
    check_contains "$FS: rd of a non-empty directory: STATUS_DIRECTORY_NOT_EMPTY" \
        'rd \d: STATUS_DIRECTORY_NOT_EMPTY' "$ERR"
    check_contains "$FS: rd of a file: STATUS_NOT_A_DIRECTORY" \
        'rd \c.log: STATUS_NOT_A_DIRECTORY' "$ERR"
    check_eq "$FS: del DIRECTORY deletes its files, not its subdirectories" "<DIR> sub" \
        "$(section_of ==d== ==end== >"$E2E_TMP/d"; dir_listing "$E2E_TMP/d" | grep -v ' \.\.\?$')"
    check_contains "$FS: rd removes the emptied directory" 'dir \d: STATUS_OBJECT_NAME_NOT_FOUND' \
        "$ERR"
    check_lacks "$FS: rd of the empty directory succeeded" 'rd \empty:' "$ERR"
    if [ -n "$SRC" ]; then
        check_fs_eq "on disk: only c.log is left" "c.log" "$(ls "$SRC" | xargs)"
    fi

    # ---- delete pending and the last handle ----------------------------------------------
    session_start
    session_send 'echo p > \p.txt' \
        'nt create \p.txt access=DELETE|GENERIC_READ' \
        'nt create \p.txt access=GENERIC_READ' \
        'nt setinfo 1 disposition delete' \
        'nt create \p.txt access=GENERIC_READ' \
        'nt read 2 0 10 text' \
        'nt close 1'
    check_out "a disposition on a DELETE handle succeeds" 'nt setinfo 1 disposition: STATUS_SUCCESS'
    check_out "a delete-pending file cannot be opened: STATUS_DELETE_PENDING" \
        'nt create \p.txt: STATUS_DELETE_PENDING'
    check_out "a delete-pending file is still read through an open handle" '"p\r\n"'
    [ -n "$SRC" ] && check_fs_eq "on disk: the name stays while a handle is open" yes \
        "$(exists p.txt)"
    session_send 'nt close 2' 'dir \p.txt'
    [ -n "$SRC" ] && check_fs_eq "on disk: the Cleanup of the last handle deleted it" no \
        "$(exists p.txt)"

    session_send 'echo u > \u.txt' 'nt create \u.txt access=DELETE' \
        'nt setinfo 1 disposition delete' 'nt setinfo 1 disposition' 'nt close 1'
    [ -n "$SRC" ] && check_fs_eq "on disk: an undone disposition deletes nothing" yes \
        "$(exists u.txt)"

    session_send 'nt create \nodel.txt access=GENERIC_WRITE disp=FILE_CREATE' \
        'nt setinfo 1 disposition delete'
    check_last "a disposition without DELETE access: STATUS_ACCESS_DENIED" \
        'nt setinfo 1 disposition: STATUS_ACCESS_DENIED'
    session_send 'nt close 1'

    # ---- FILE_DELETE_ON_CLOSE ------------------------------------------------------------
    session_send \
        'nt create \t.tmp access=GENERIC_WRITE|DELETE disp=FILE_CREATE opts=FILE_DELETE_ON_CLOSE' \
        'nt write 1 0 temp'
    check_out "FILE_DELETE_ON_CLOSE creates the file" 'nt create \t.tmp: STATUS_SUCCESS FILE_CREATED'
    [ -n "$SRC" ] && check_fs_eq "on disk: the temporary file exists while open" "temp" \
        "$(cat "$SRC/t.tmp")"
    session_send 'nt close 1' 'dir \t.tmp'
    check_contains "$FS: FILE_DELETE_ON_CLOSE: gone after the close" \
        'dir \t.tmp: STATUS_OBJECT_NAME_NOT_FOUND' "$ERR"
    [ -n "$SRC" ] && check_fs_eq "on disk: gone after the close" no "$(exists t.tmp)"
    session_send 'nt create \t2.tmp access=GENERIC_WRITE disp=FILE_CREATE opts=FILE_DELETE_ON_CLOSE'
    check_out "FILE_DELETE_ON_CLOSE without DELETE access: STATUS_INVALID_PARAMETER" \
        'nt create \t2.tmp: STATUS_INVALID_PARAMETER'
    session_send 'md \full' 'echo f > \full\f' \
        'nt create \full access=DELETE opts=FILE_DIRECTORY_FILE' \
        'nt setinfo 1 disposition delete'
    check_last "a disposition on a non-empty directory: STATUS_DIRECTORY_NOT_EMPTY" \
        'nt setinfo 1 disposition: STATUS_DIRECTORY_NOT_EMPTY'
    session_send 'nt close 1'
    session_send 'nt create \full access=DELETE opts=FILE_DIRECTORY_FILE|FILE_DELETE_ON_CLOSE' \
        'nt close all'
    [ -n "$SRC" ] && check_fs_eq "on disk: a non-empty directory survives FILE_DELETE_ON_CLOSE" \
        "f" "$(ls "$SRC/full" 2>&1)"
    session_send 'nt create \ access=DELETE opts=FILE_DIRECTORY_FILE' \
        'nt setinfo 1 disposition delete'
    check_last "the root cannot be deleted: STATUS_CANNOT_DELETE" \
        'nt setinfo 1 disposition: STATUS_CANNOT_DELETE'
    session_send 'nt close 1' \
        'nt create \ access=DELETE opts=FILE_DIRECTORY_FILE|FILE_DELETE_ON_CLOSE'
    check_last "the root cannot be opened delete-on-close: STATUS_CANNOT_DELETE" \
        'nt create \: STATUS_CANNOT_DELETE'

    # ---- read-only files and DispositionEx -----------------------------------------------
    session_send 'echo r > \ro2.txt' 'attrib +R \ro2.txt' 'nt create \ro2.txt access=DELETE' \
        'nt setinfo 1 disposition delete'
    check_last "a read-only file's disposition: STATUS_CANNOT_DELETE" \
        'nt setinfo 1 disposition: STATUS_CANNOT_DELETE'
    session_send 'nt setinfo 1 disposition delete posix'
    check_last "a read-only file's POSIX disposition: STATUS_CANNOT_DELETE" \
        'nt setinfo 1 disposition: STATUS_CANNOT_DELETE'
    session_send 'nt setinfo 1 disposition delete ignore_readonly'
    check_last "DispositionEx IGNORE_READONLY_ATTRIBUTE deletes a read-only file" \
        'nt setinfo 1 disposition: STATUS_SUCCESS'
    session_send 'nt close 1' 'dir \ro2.txt'
    check_contains "$FS: the read-only file is gone" 'dir \ro2.txt: STATUS_OBJECT_NAME_NOT_FOUND' \
        "$ERR"
    [ -n "$SRC" ] && check_fs_eq "on disk: the read-only file is gone" no "$(exists ro2.txt)"

    # ---- POSIX semantics: the name goes at once, open handles stay -----------------------
    session_send 'echo posix > \px.txt' 'nt create \px.txt access=GENERIC_READ' \
        'nt create \px.txt access=DELETE' 'nt setinfo 2 disposition delete posix' 'nt close 2' \
        'dir \px.txt'
    check_contains "$FS: a POSIX delete removes the name at its handle's close" \
        'dir \px.txt: STATUS_OBJECT_NAME_NOT_FOUND' "$ERR"
    [ -n "$SRC" ] && check_fs_eq "on disk: the name is gone while a handle is open" no \
        "$(exists px.txt)"
    session_send 'nt read 1 0 10 text' 'nt create \px.txt access=GENERIC_WRITE disp=FILE_CREATE'
    check_out "the other handle still reads the unnamed file" '"posix\r\n"'
    check_out "the name can be created again at once" \
        'nt create \px.txt: STATUS_SUCCESS FILE_CREATED handle=2'
    session_send 'nt close all'
    [ -n "$SRC" ] && check_fs_eq "on disk: the new file, empty" "0" "$(stat -c %s "$SRC/px.txt")"
    session_end
    check_eq "$FS: the session ended" 1 "$STATUS"
done

finish
