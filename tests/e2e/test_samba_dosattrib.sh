#!/usr/bin/env bash
# test_samba_dosattrib.sh — one directory served by WinFuse (passthrough_ll -o xattr) and by
# Samba (store dos attributes): DOS attributes and the creation time WinFuse sets are what
# smbclient's allinfo shows, and those Samba sets are what the WinFuse shell shows.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
. "$(dirname "${E2E_LIB:-$0}")/samba_lib.sh"
require WINFUSE PASSTHROUGH_LL

# attrib_line PATH: the attribute letters the shell's attrib showed for PATH, squeezed.
attrib_line() {
    ATTRIB_PATH=$1 awk 'substr($0, 18) == ENVIRON["ATTRIB_PATH"] { line = substr($0, 1, 17) }
        END { print line }' "$OUT" | tr -d ' '
}
# creation_of FILE: the CreationTime `nt queryinfo` printed last for FILE's handle.
creation_of() {
    grep 'CreationTime:' "$OUT" | tail -n 1 | sed 's/.*CreationTime: *//'
}

use_fs passthrough_ll
FS_ARGS+=(-o xattr)
samba_start "$SRC"
FS="samba"

# ---- WinFuse writes, Samba reads ---------------------------------------------------------
# allinfo prints times to the second (smbclient's cmd_allinfo formats them with
# timestring()); the 100 ns fraction is proven by Samba rewriting the value below.
session_start
session_send 'echo data > \w.txt' 'attrib +H +S +R +A \w.txt' \
    'nt create \w.txt access=FILE_READ_ATTRIBUTES|FILE_WRITE_ATTRIBUTES' \
    'nt setinfo 1 basic creation=2001-02-03T04:05:06.1234567Z' 'nt close all' \
    'mkdir \wd' 'attrib +H +R \wd' \
    'nt create \wd access=FILE_READ_ATTRIBUTES|FILE_WRITE_ATTRIBUTES' \
    'nt setinfo 1 basic creation=1999-12-31T23:59:58Z' 'nt close all'
session_end
check_fs_eq "a file WinFuse made READONLY|HIDDEN|SYSTEM|ARCHIVE: allinfo shows RHSA (27)" \
    27 "$(smb_attributes w.txt)"
check_fs_eq "the creation time WinFuse set: allinfo's create_time" \
    "Sat Feb  3 04:05:06 2001 UTC" "$(smb_create_time w.txt)"
check_fs_eq "a directory WinFuse made READONLY|HIDDEN: allinfo shows DRH (13)" \
    13 "$(smb_attributes wd)"
check_fs_eq "the directory's creation time: allinfo's create_time" \
    "Fri Dec 31 23:59:58 1999 UTC" "$(smb_create_time wd)"

# Samba rewrites user.DOSATTRIB from what it parsed of ours when it changes an attribute:
# WinFuse then reads the creation time back to the 100 ns.
smb 'setmode w.txt -h'
check_eq "samba: setmode -h on WinFuse's value succeeds" 0 "$SMB_STATUS"
check_fs_eq "after Samba's setmode -h: RSA (25)" 25 "$(smb_attributes w.txt)"
session_start
session_send 'attrib \w.txt' 'nt create \w.txt access=FILE_READ_ATTRIBUTES' 'nt queryinfo 1'
session_end
check_fs_eq "WinFuse reads Samba's rewrite: R S A" "ASR" "$(attrib_line '\w.txt')"
check_fs_eq "WinFuse's creation time survives Samba's parse and rewrite, to the 100 ns" \
    "2001-02-03T04:05:06.1234567Z" "$(creation_of)"

# ---- Samba writes, WinFuse reads ---------------------------------------------------------
# A file created through Samba, attributes set with setmode, the creation time with utimes
# (smbclient takes it to the second; Samba keeps the NT time in user.DOSATTRIB).
echo data >"$E2E_TMP/local.txt"
smb "put \"$E2E_TMP/local.txt\" s.txt; setmode s.txt +hs; utimes s.txt 05:06:07-08:09:10 -1 -1 -1; mkdir sd; setmode sd +hr; utimes sd 03:04:05-06:07:08 -1 -1 -1"
check_eq "samba: put, setmode, utimes, mkdir succeed" 0 "$SMB_STATUS"
check_fs_eq "allinfo of Samba's own file: ARCHIVE HIDDEN SYSTEM (26)" 26 "$(smb_attributes s.txt)"
check_fs_eq "allinfo of Samba's own directory: DIRECTORY HIDDEN READONLY (13)" 13 \
    "$(smb_attributes sd)"
session_start
session_send 'attrib \s.txt' 'attrib \sd' \
    'nt create \s.txt access=FILE_READ_ATTRIBUTES' 'nt queryinfo 1' 'nt close all'
check_fs_eq "the WinFuse shell shows Samba's setmode +hs on a new file: A S H" "ASH" \
    "$(attrib_line '\s.txt')"
check_fs_eq "the WinFuse shell shows Samba's setmode +hr on a directory: H R" "HR" \
    "$(attrib_line '\sd')"
check_out "nt queryinfo shows Samba's attributes" "Attributes:     0x00000026"
check_fs_eq "nt queryinfo shows the creation time Samba's utimes set" \
    "2005-06-07T08:09:10.0000000Z" "$(creation_of)"
session_send 'nt create \sd access=FILE_READ_ATTRIBUTES' 'nt queryinfo 1' 'nt close all'
check_fs_eq "nt queryinfo shows the directory's creation time Samba set" \
    "2003-04-05T06:07:08.0000000Z" "$(creation_of)"
session_send 'rd \sd'
check_contains "samba: WinFuse refuses to remove the directory Samba made read-only" \
    "STATUS_CANNOT_DELETE" "$ERR"
session_end

# ---- new files: what Samba gives them is what WinFuse gives them -------------------------
# Samba stores ARCHIVE for each file it creates (open_file_ntcreate) and reports a file
# without user.DOSATTRIB as NORMAL (dos_mode falls back to the mode only when the file
# system has no xattrs at all), whatever its mode: WinFuse does the same.
echo linux >"$SRC/linux.txt"
chmod 755 "$SRC/linux.txt"
mkdir "$SRC/linuxd"
smb "put \"$E2E_TMP/local.txt\" bysamba.txt"
session_start
session_send 'echo data > \bywinfuse.txt' 'md \bywinfusedir' 'attrib \linux.txt' \
    'attrib \bysamba.txt' 'attrib \bywinfuse.txt'
session_end
check_fs_eq "Samba: a file Linux made (mode 755, no user.DOSATTRIB) is NORMAL (80)" 80 \
    "$(smb_attributes linux.txt)"
check_fs_eq "WinFuse: the file Linux made shows no attribute either" "" \
    "$(attrib_line '\linux.txt')"
check_fs_eq "Samba: a directory Linux made is DIRECTORY (10)" 10 "$(smb_attributes linuxd)"
check_fs_eq "Samba: a file Samba made is ARCHIVE (20)" 20 "$(smb_attributes bysamba.txt)"
check_fs_eq "WinFuse: the file Samba made shows ARCHIVE" "A" "$(attrib_line '\bysamba.txt')"
check_fs_eq "Samba: a file WinFuse made is ARCHIVE (20), as one Samba made" 20 \
    "$(smb_attributes bywinfuse.txt)"
check_fs_eq "WinFuse: the file it made shows ARCHIVE" "A" "$(attrib_line '\bywinfuse.txt')"
check_fs_eq "Samba: a directory WinFuse made is DIRECTORY (10)" 10 \
    "$(smb_attributes bywinfusedir)"
# Data written into a file Linux made: Samba sets ARCHIVE at a handle's first write
# (mark_file_modified); WinFuse too.
echo linux >"$SRC/written.txt"
echo linux >"$SRC/writtenbysamba.txt"
smb "put \"$E2E_TMP/local.txt\" writtenbysamba.txt"
session_start
session_send 'nt create \written.txt access=GENERIC_WRITE disp=FILE_OPEN' 'nt write 1 0 more' \
    'nt close all'
session_end
check_fs_eq "Samba: a file Linux made, written through Samba, is ARCHIVE (20)" 20 \
    "$(smb_attributes writtenbysamba.txt)"
check_fs_eq "Samba: a file Linux made, written through WinFuse, is ARCHIVE (20) too" 20 \
    "$(smb_attributes written.txt)"
# Its creation time is stored at md, as Samba's mkdir stores one: entries added later (which
# move the directory's ctime and mtime) leave it.
created=$(smb_create_time bywinfusedir)
sleep 1.1
touch "$SRC/bywinfusedir/later"
check_fs_eq "Samba: the creation time of WinFuse's directory stays when entries are added" \
    "$created" "$(smb_create_time bywinfusedir)"

samba_stop
finish
