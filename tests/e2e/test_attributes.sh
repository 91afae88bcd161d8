#!/usr/bin/env bash
# test_attributes.sh — SetInformation as NTFS takes it: FileBasicInformation (READONLY as
# the write bits, the attributes FUSE cannot store, times, "unchanged" and "clear all"),
# FileEndOfFileInformation, FileAllocationInformation, the access each needs, and the
# shell's attrib and copy; on memfs and on passthrough_ll, whose real files are checked.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS PASSTHROUGH_LL

# attrib_line PATH: the attribute letters attrib showed for PATH (the last time), squeezed.
attrib_line() {
    ATTRIB_PATH=$1 awk 'substr($0, 18) == ENVIRON["ATTRIB_PATH"] { line = substr($0, 1, 17) }
        END { print line }' "$OUT" | tr -d ' '
}

for fs in memfs passthrough_ll; do
    use_fs "$fs"

    # ---- attrib: READONLY is stored, the others are not -----------------------------------
    session_start
    session_send 'echo data > \f.txt' 'attrib \f.txt'
    # A new file gets ARCHIVE in user.DOSATTRIB, as on NTFS and Samba, where the file
    # system has xattrs (memfs); passthrough_ll without its xattr option shows none.
    if [ "$FS" = memfs ]; then new_a=A new_attr=ARCHIVE; else new_a="" new_attr=-; fi
    check_fs_eq "a new file shows ARCHIVE only where xattrs are" "$new_a" \
        "$(attrib_line '\f.txt')"
    session_send 'attrib +R \f.txt' 'attrib \f.txt'
    check_fs_eq "attrib +R makes it read-only" "${new_a}R" "$(attrib_line '\f.txt')"
    [ -n "$SRC" ] && check_fs_eq "on disk: read-only is a mode without write bits" "r--r--r--" \
        "$(stat -c %A "$SRC/f.txt" | cut -c2-10)"
    session_send 'nt create \f.txt access=GENERIC_WRITE'
    check_last "a read-only file does not open for writing: STATUS_ACCESS_DENIED" \
        'nt create \f.txt: STATUS_ACCESS_DENIED'
    session_send 'attrib -R \f.txt' 'attrib \f.txt'
    check_fs_eq "attrib -R clears it" "$new_a" "$(attrib_line '\f.txt')"
    [ -n "$SRC" ] && check_fs_eq "on disk: the owner may write again" "rw-" \
        "$(stat -c %A "$SRC/f.txt" | cut -c2-4)"
    session_send 'nt create \f.txt access=GENERIC_WRITE'
    check_last "once cleared it opens for writing" 'nt create \f.txt: STATUS_SUCCESS FILE_OPENED'
    session_send 'nt close all' 'attrib +H +S +A \f.txt' 'attrib \f.txt'
    check_lacks "$FS: attrib +H +S +A reports no error" 'attrib \f.txt:' "$ERR"
    # memfs keeps xattrs: they go to user.DOSATTRIB (test_dosattrib.sh); passthrough_ll
    # without its xattr option has none, and the volume behaves as before the store.
    if [ "$FS" = memfs ]; then stored_hsa=ASH stored_r=R; else stored_hsa="" stored_r=""; fi
    check_fs_eq "HIDDEN, SYSTEM and ARCHIVE are stored only where xattrs are" "$stored_hsa" \
        "$(attrib_line '\f.txt')"
    session_send 'md \d' 'attrib +R \d' 'attrib \d' 'echo x > \d\x.txt' 'dir \d\x.txt'
    check_fs_eq "a directory keeps its mode: attrib +R shows only what user.DOSATTRIB keeps" \
        "$stored_r" "$(attrib_line '\d')"
    check_lacks "$FS: files can still be made in that directory" 'x.txt:' "$ERR"

    # ---- FileBasicInformation: times, unchanged, clear all --------------------------------
    session_send 'echo data > \s.txt' \
        'nt create \s.txt access=FILE_READ_ATTRIBUTES|FILE_WRITE_ATTRIBUTES|FILE_WRITE_DATA' \
        'nt setinfo 1 basic lastwrite=2020-01-02T03:04:05Z lastaccess=2021-02-03T04:05:06.5Z'
    check_last "times alone: success, the attributes unchanged (not READONLY)" \
        "nt setinfo 1 basic: STATUS_SUCCESS size=6 alloc=4096 attr=$new_attr"
    session_send 'nt queryinfo 1'
    check_out "LastWriteTime as set" "LastWriteTime:  2020-01-02T03:04:05.0000000Z"
    check_out "LastAccessTime as set, with its fraction" \
        "LastAccessTime: 2021-02-03T04:05:06.5000000Z"
    if [ -n "$SRC" ]; then
        check_fs_eq "on disk: mtime and atime as set" "1577934245 1612325106.500000000" \
            "$(stat -c %Y "$SRC/s.txt") $(stat -c %.9X "$SRC/s.txt")"
        check_fs_eq "on disk: times alone left the mode alone" "rw-" \
            "$(stat -c %A "$SRC/s.txt" | cut -c2-4)"
    fi
    session_send 'nt setinfo 1 basic creation=2000-01-01T00:00:00Z'
    check_last "a creation time is accepted (FUSE cannot store it)" \
        'nt setinfo 1 basic: STATUS_SUCCESS'
    session_send 'nt setinfo 1 basic attr=FILE_ATTRIBUTE_READONLY|FILE_ATTRIBUTE_ARCHIVE'
    check_last "READONLY through the handle" 'attr=READONLY'
    session_send 'nt setinfo 1 basic attr=FILE_ATTRIBUTE_NORMAL'
    check_last "FILE_ATTRIBUTE_NORMAL clears every attribute" \
        'nt setinfo 1 basic: STATUS_SUCCESS size=6 alloc=4096 attr=-'
    [ -n "$SRC" ] && check_fs_eq "on disk: writable again" "rw-" \
        "$(stat -c %A "$SRC/s.txt" | cut -c2-4)"

    # ---- FileEndOfFileInformation, FileAllocationInformation -----------------------------
    session_send 'nt setinfo 1 eof 3'
    check_last "end of file lowered" 'nt setinfo 1 eof: STATUS_SUCCESS size=3 '
    [ -n "$SRC" ] && check_fs_eq "on disk: cut to 3 bytes" "dat" "$(cat "$SRC/s.txt")"
    session_send 'nt setinfo 1 eof 10000'
    check_last "end of file raised" 'nt setinfo 1 eof: STATUS_SUCCESS size=10000 '
    [ -n "$SRC" ] && check_fs_eq "on disk: 10000 bytes, zeros after the data" "10000 9997" \
        "$(stat -c %s "$SRC/s.txt") $(tail -c +4 "$SRC/s.txt" | tr -d '\0' | wc -c |
            awk '{ print 10000 - 3 - $1 }')"
    session_send 'nt setinfo 1 alloc 20000'
    check_last "an allocation above the size keeps the size" \
        'nt setinfo 1 alloc: STATUS_SUCCESS size=10000 '
    session_send 'nt setinfo 1 alloc 5000'
    check_last "an allocation below the size cuts the file (at the allocation unit above)" \
        'nt setinfo 1 alloc: STATUS_SUCCESS size=8192 '
    [ -n "$SRC" ] && check_fs_eq "on disk: cut to 8192" 8192 "$(stat -c %s "$SRC/s.txt")"
    session_send 'nt close 1' 'nt create \s.txt access=GENERIC_READ' \
        'nt setinfo 1 basic attr=FILE_ATTRIBUTE_READONLY'
    check_last "basic information needs FILE_WRITE_ATTRIBUTES: STATUS_ACCESS_DENIED" \
        'nt setinfo 1 basic: STATUS_ACCESS_DENIED'
    session_send 'nt setinfo 1 eof 1'
    check_last "end of file needs FILE_WRITE_DATA: STATUS_ACCESS_DENIED" \
        'nt setinfo 1 eof: STATUS_ACCESS_DENIED'
    session_send 'nt setinfo 1 alloc 1'
    check_last "allocation needs FILE_WRITE_DATA: STATUS_ACCESS_DENIED" \
        'nt setinfo 1 alloc: STATUS_ACCESS_DENIED'
    session_send 'nt close 1'

    # ---- copy keeps READONLY and the last write time --------------------------------------
    session_send 'echo keep > \k.txt' 'nt create \k.txt access=FILE_WRITE_ATTRIBUTES' \
        'nt setinfo 1 basic lastwrite=2019-05-06T07:08:09Z' 'nt close 1' 'attrib +R \k.txt' \
        'copy \k.txt \k2.txt' 'attrib \k2.txt' 'stat \k2.txt'
    check_fs_eq "the copy is read-only too" "${new_a}R" "$(attrib_line '\k2.txt')"
    check_out "the copy has the source's last write time" \
        "LastWriteTime:  2019-05-06T07:08:09.0000000Z"
    [ -n "$SRC" ] && check_fs_eq "on disk: the copy's data, mode and mtime" \
        "keep r--r--r-- 1557126489" \
        "$(tr -d '\r' <"$SRC/k2.txt") $(stat -c '%A %Y' "$SRC/k2.txt" | cut -c2-)"
    session_end
done

finish
