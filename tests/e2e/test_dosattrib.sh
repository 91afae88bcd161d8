#!/usr/bin/env bash
# test_dosattrib.sh — DOS attributes and CreationTime in user.DOSATTRIB on passthrough_ll
# (-o xattr) over a real directory: set through the shell, kept across a remount, stored
# as Samba's version 5, hidden from the EA view, read back when Linux wrote a Samba value,
# and not stored with -o dosattrib=off.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE PASSTHROUGH_LL

attrib_line() {
    ATTRIB_PATH=$1 awk 'substr($0, 18) == ENVIRON["ATTRIB_PATH"] { line = substr($0, 1, 17) }
        END { print line }' "$OUT" | tr -d ' '
}
# dosattrib_hex FILE: the raw user.DOSATTRIB value, as hex, or "" when there is none.
dosattrib_hex() {
    getfattr --absolute-names --only-values -n user.DOSATTRIB "$1" 2>/dev/null | xxd -p | tr -d '\n'
}

use_fs passthrough_ll
FS_ARGS+=(-o xattr)

session_start
session_send 'echo data > \f.txt' 'attrib +H +S \f.txt' 'attrib \f.txt' \
    'nt create \f.txt access=FILE_READ_ATTRIBUTES|FILE_WRITE_ATTRIBUTES' \
    'nt setinfo 1 basic creation=2000-01-01T00:00:00Z' 'nt close all' 'ea \f.txt'
# (echo made the file: ARCHIVE, as NTFS and Samba give a new file.)
check_fs_eq "attrib +H +S shows them" "ASH" "$(attrib_line '\f.txt')"
check_contains "$FS: the store is no EA" '\f.txt: no extended attributes' "$OUT"
session_end
# v5: empty hex, version 5, level 5, valid ATTRIB|CREATE_TIME, ARCHIVE|HIDDEN|SYSTEM, then
# 2000-01-01T00:00:00Z as NT time (125911584000000000 = 0x01bf53eb256d4000).
check_fs_eq "on disk: user.DOSATTRIB is Samba's v5 with the attributes and creation time" \
    "000005000500000011000000260000000040 6d25eb53bf01" \
    "$(dosattrib_hex "$SRC/f.txt" | sed 's/^\(.\{36\}\)/\1 /')"

session_start
session_send 'attrib \f.txt' 'nt create \f.txt access=FILE_READ_ATTRIBUTES' 'nt queryinfo 1'
check_fs_eq "after a remount: still hidden and system" "ASH" "$(attrib_line '\f.txt')"
check_out "after a remount: the creation time set" "CreationTime:   2000-01-01T00:00:00.0000000Z"
session_end

# A value as Samba 4.10 wrote it (v3, "0x22" prefix): ARCHIVE|HIDDEN, created 2020-06-04.
echo x > "$SRC/samba.txt"
printf '0x22\0\0\3\0\3\0\0\0\21\0\0\0\42\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\64\167\275\71\55\104\326\1\0\0\0\0\0\0\0\0' \
    > "$E2E_TMP/v3"
setfattr -n user.DOSATTRIB -v "0x$(xxd -p "$E2E_TMP/v3" | tr -d '\n')" "$SRC/samba.txt"
session_start
session_send 'attrib \samba.txt'
check_fs_eq "a value Samba wrote (v3) is read" "AH" "$(attrib_line '\samba.txt')"
session_end

# -o dosattrib=off: today's behaviour, nothing written.
session_start -o dosattrib=off
session_send 'echo data > \g.txt' 'attrib +H \g.txt' 'attrib \g.txt' 'attrib \f.txt'
check_fs_eq "with -o dosattrib=off: HIDDEN is not kept" "" "$(attrib_line '\g.txt')"
check_fs_eq "with -o dosattrib=off: stored attributes are not read" "" "$(attrib_line '\f.txt')"
session_end
check_fs_eq "with -o dosattrib=off: no user.DOSATTRIB on disk" "" "$(dosattrib_hex "$SRC/g.txt")"

finish
