#!/usr/bin/env bash
# test_notify.sh — changes a file system makes behind the volume's back (FUSE INVAL_ENTRY,
# INVAL_INODE, DELETE) reach a directory watch as ReadDirectoryChangesW would see them:
# `nt notify` on fs_notify_ll, which changes its tree when \ctl is written and says so.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE NOTIFY_FS

# changes N: the change lines the N-th `nt notify` call printed (its status line first).
changes() {
    awk -v n="$1" '/^nt notify / { k++; if (k == n) { printf "%s", $0; inside = 1; next } }
        !/^  / { inside = 0 } inside { printf " %s", substr($0, 3) }' "$OUT"
}

# Handles: 1 the root (tree), 2 \d, 3 the root (names only), 4 \ctl.
run_shell 'nt create \ access=FILE_LIST_DIRECTORY opts=FILE_DIRECTORY_FILE
nt notify 1 tree wait=0
nt create \d access=FILE_LIST_DIRECTORY opts=FILE_DIRECTORY_FILE
nt notify 2 wait=0
nt create \ access=FILE_LIST_DIRECTORY opts=FILE_DIRECTORY_FILE
nt notify 3 filter=FILE_NOTIFY_CHANGE_FILE_NAME|FILE_NOTIFY_CHANGE_DIR_NAME wait=0
nt create \ctl access=FILE_WRITE_DATA
nt create \d\g access=FILE_READ_ATTRIBUTES
nt write 4 0 "add d/h"
nt notify 1 wait=10000
nt notify 2 wait=0
nt notify 3 wait=0
nt write 4 0 "grow d/g"
nt notify 1 wait=10000
nt notify 2 wait=0
nt notify 3 wait=0
nt queryinfo 5 standard
nt write 4 0 "del ./f"
nt notify 3 wait=10000
nt notify 1 wait=0
nt notify 2 wait=0
dir \
vol
' -- "$NOTIFY_FS" -f
check_eq "arming a watch with nothing changed yet: STATUS_TIMEOUT" \
    "nt notify 1: STATUS_TIMEOUT nt notify 2: STATUS_TIMEOUT nt notify 3: STATUS_TIMEOUT" \
    "$(changes 1) $(changes 2) $(changes 3)"
check_eq "a name the file system added (INVAL_ENTRY): the tree watch hears d\\h modified" \
    'nt notify 1: STATUS_SUCCESS 1 changes FILE_ACTION_MODIFIED name=d\h' "$(changes 4)"
check_eq "the watch of \\d hears it by its name there" \
    'nt notify 2: STATUS_SUCCESS 1 changes FILE_ACTION_MODIFIED name=h' "$(changes 5)"
check_eq "a watch of the root alone does not hear a change in \\d" \
    'nt notify 3: STATUS_TIMEOUT' "$(changes 6)"
check_eq "new data (INVAL_INODE): the file's name, modified" \
    'nt notify 1: STATUS_SUCCESS 1 changes FILE_ACTION_MODIFIED name=d\g' "$(changes 7)"
check_eq "the watch of \\d hears the data change too" \
    'nt notify 2: STATUS_SUCCESS 1 changes FILE_ACTION_MODIFIED name=g' "$(changes 8)"
check_eq "a filter of names only does not hear a data change" \
    'nt notify 3: STATUS_TIMEOUT' "$(changes 9)"
check_contains "after INVAL_INODE the new size is asked for" "EndOfFile:      4" "$OUT"
check_eq "a deleted file (DELETE): removed, to a watch of names" \
    'nt notify 3: STATUS_SUCCESS 1 changes FILE_ACTION_REMOVED name=f' "$(changes 10)"
check_eq "and to the tree watch" \
    'nt notify 1: STATUS_SUCCESS 1 changes FILE_ACTION_REMOVED name=f' "$(changes 11)"
check_eq "not to the watch of \\d" 'nt notify 2: STATUS_TIMEOUT' "$(changes 12)"
check_eq "the listing no longer shows it" "ctl d" \
    "$(dir_listing "$OUT" | sed 's/^[^ ]* //' | sort | xargs)"
check_contains "vol counts the three changes, each with a name" \
    "Changes:        3 reported, 0 without a known name" "$OUT"

# What NtNotifyChangeDirectoryFile refuses.
run_shell 'nt create \f access=FILE_READ_DATA
nt notify 1
nt create \d access=FILE_READ_ATTRIBUTES opts=FILE_DIRECTORY_FILE
nt notify 2
nt create \d access=FILE_LIST_DIRECTORY opts=FILE_DIRECTORY_FILE
nt notify 3 filter=0
nt notify 3 filter=0x1000
nt notify 3 filter=FILE_NOTIFY_CHANGE_SIZE
' -- "$NOTIFY_FS" -f
check_eq "a file handle, no FILE_LIST_DIRECTORY, a filter of 0 or unknown bits, then good" \
    "STATUS_INVALID_PARAMETER STATUS_ACCESS_DENIED STATUS_INVALID_PARAMETER STATUS_INVALID_PARAMETER STATUS_TIMEOUT" \
    "$(sed -n 's/^nt notify [0-9]*: \(STATUS_[A-Z_]*\).*/\1/p' "$OUT" | xargs)"

finish
