#!/usr/bin/env bash
# test_samba_streams.sh — one directory served by WinFuse (passthrough_ll -o xattr) and by
# Samba (vfs_streams_xattr): the named streams WinFuse writes are the ones smbclient lists
# and reads byte for byte, and those Samba writes are the ones the WinFuse shell lists and
# reads; an empty stream and a deleted one agree too, and a stream write marks its file
# ARCHIVE through either.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
. "$(dirname "${E2E_LIB:-$0}")/samba_lib.sh"
require WINFUSE PASSTHROUGH_LL

# same_bytes NAME EXPECTED_FILE ACTUAL_FILE: the two files are byte for byte one.
same_bytes() {
    if cmp -s "$2" "$3"; then
        pass "$FS: $1"
    else
        fail "$FS: $1" "$(cmp "$2" "$3" 2>&1)" "expected: $(xxd -p "$2" | head -c 80)" \
            "actual:   $(xxd -p "$3" 2>/dev/null | head -c 80)"
    fi
}
# winfuse_streams: the `streams` lines between ==streams== and ==end== as "NAME SIZE",
# sorted (as smb_streams prints them, for comparison).
winfuse_streams() {
    section_of ==streams== ==end== | awk '{ print $2, $1 }' | sort
}

use_fs passthrough_ll
FS_ARGS+=(-o xattr)
samba_start "$SRC"
FS="samba"

# Stream contents with a 0 byte, CR LF and high bytes inside: nothing may be cut or added
# at either end (streams_xattr keeps one 0 byte after the data).
printf 'one\0two\r\n\377\376end' >"$E2E_TMP/s1.bin"
head -c 3000 /dev/urandom >"$E2E_TMP/s2.bin"
: >"$E2E_TMP/empty.bin"
echo main >"$E2E_TMP/main.txt"

# ---- WinFuse writes, Samba reads ---------------------------------------------------------
fs_script <<SCRIPT
put $E2E_TMP/main.txt \\w.txt
put $E2E_TMP/s1.bin \\w.txt:s1
put $E2E_TMP/s2.bin \\w.txt:s2:\$DATA
nt create \\w.txt:empty disp=FILE_CREATE access=GENERIC_WRITE
nt close all
SCRIPT
check_eq "winfuse: put of the file and its streams succeeds" 0 "$STATUS"
check_fs_eq "allinfo lists ::\$DATA and each stream WinFuse wrote, with its size" \
    "$(printf '%s\n' '::$DATA 5' ':empty:$DATA 0' ':s1:$DATA 14' ':s2:$DATA 3000' | sort)" \
    "$(smb_streams w.txt | sort)"
smb "get \"w.txt:s1\" \"$E2E_TMP/got.s1\"; get \"w.txt:s2\" \"$E2E_TMP/got.s2\"; get \"w.txt:empty\" \"$E2E_TMP/got.empty\""
check_eq "samba: get of each stream succeeds" 0 "$SMB_STATUS"
same_bytes "Samba reads stream s1 WinFuse wrote byte for byte" "$E2E_TMP/s1.bin" \
    "$E2E_TMP/got.s1"
same_bytes "Samba reads stream s2 (3000 random bytes) byte for byte" "$E2E_TMP/s2.bin" \
    "$E2E_TMP/got.s2"
same_bytes "Samba reads the empty stream as empty" "$E2E_TMP/empty.bin" "$E2E_TMP/got.empty"

# Delete through WinFuse: the stream is gone for Samba, the others stay.
fs_script <<'SCRIPT'
del \w.txt:s1
SCRIPT
check_fs_eq "a stream WinFuse deleted is gone from allinfo; the others stay" \
    "$(printf '%s\n' '::$DATA 5' ':empty:$DATA 0' ':s2:$DATA 3000' | sort)" \
    "$(smb_streams w.txt | sort)"

# ---- Samba writes, WinFuse reads ---------------------------------------------------------
smb "put \"$E2E_TMP/main.txt\" s.txt; put \"$E2E_TMP/s1.bin\" s.txt:a; put \"$E2E_TMP/s2.bin\" s.txt:b; put \"$E2E_TMP/empty.bin\" s.txt:e"
check_eq "samba: put of a file and three streams succeeds" 0 "$SMB_STATUS"
fs_script <<SCRIPT
echo ==streams==
streams \\s.txt
echo ==end==
get \\s.txt:a $E2E_TMP/wf.a
get \\s.txt:b:\$DATA $E2E_TMP/wf.b
get \\s.txt:e $E2E_TMP/wf.e
SCRIPT
check_fs_eq "the WinFuse shell lists the streams Samba wrote, with their sizes" \
    "$(printf '%s\n' '::$DATA 5' ':a:$DATA 14' ':b:$DATA 3000' ':e:$DATA 0' | sort)" \
    "$(winfuse_streams)"
same_bytes "WinFuse reads stream a Samba wrote byte for byte" "$E2E_TMP/s1.bin" "$E2E_TMP/wf.a"
same_bytes "WinFuse reads stream b (3000 random bytes) byte for byte" "$E2E_TMP/s2.bin" \
    "$E2E_TMP/wf.b"
same_bytes "WinFuse reads the empty stream Samba made as empty" "$E2E_TMP/empty.bin" \
    "$E2E_TMP/wf.e"

# A stream Samba deletes is gone for WinFuse. smbclient's del lists its pattern first (no
# stream is listed); wdel ATTRS NAME unlinks the name itself.
smb "wdel 0x27 s.txt:a"
check_eq "samba: del of a stream succeeds" 0 "$SMB_STATUS"
fs_script <<'SCRIPT'
echo ==streams==
streams \s.txt
echo ==end==
SCRIPT
check_fs_eq "a stream Samba deleted is gone from the WinFuse listing" \
    "$(printf '%s\n' '::$DATA 5' ':b:$DATA 3000' ':e:$DATA 0' | sort)" "$(winfuse_streams)"

# ---- ARCHIVE ------------------------------------------------------------------------------
# A stream written through Samba stores ARCHIVE in the file's user.DOSATTRIB (its first
# write through a handle, mark_file_modified, on the base file); NTFS sets the file's
# ARCHIVE at a write through any stream [MS-FSA 2.1.4.17]. A file Linux made has no value:
# Samba shows it NORMAL until a stream is written, through Samba or through WinFuse.
echo linux >"$SRC/bysamba.txt"
echo linux >"$SRC/bywinfuse.txt"
check_fs_eq "a file Linux made is NORMAL (80) before any stream" 80 \
    "$(smb_attributes bywinfuse.txt)"
smb "put \"$E2E_TMP/s1.bin\" bysamba.txt:x"
check_fs_eq "a stream written through Samba: the file is ARCHIVE (20)" 20 \
    "$(smb_attributes bysamba.txt)"
fs_script <<SCRIPT
put $E2E_TMP/s1.bin \\bywinfuse.txt:x
SCRIPT
check_fs_eq "a stream written through WinFuse: the file is ARCHIVE (20), as through Samba" 20 \
    "$(smb_attributes bywinfuse.txt)"
# Samba marks a directory whose stream is written the same way (DIRECTORY|ARCHIVE, 30).
mkdir "$SRC/sambadir" "$SRC/winfusedir"
check_fs_eq "a directory Linux made is DIRECTORY (10) before any stream" 10 \
    "$(smb_attributes winfusedir)"
smb "put \"$E2E_TMP/s1.bin\" sambadir:x"
check_fs_eq "a directory's stream written through Samba: DIRECTORY ARCHIVE (30)" 30 \
    "$(smb_attributes sambadir)"
fs_script <<SCRIPT
put $E2E_TMP/s1.bin \\winfusedir:x
SCRIPT
check_fs_eq "a directory's stream written through WinFuse: DIRECTORY ARCHIVE (30), as Samba" \
    30 "$(smb_attributes winfusedir)"

samba_stop
finish
