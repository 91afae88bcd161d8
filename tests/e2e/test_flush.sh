#!/usr/bin/env bash
# test_flush.sh — FlushBuffers: a file (FSYNC), a directory (nothing to flush), the root and
# the volume (SYNCFS where the protocol has it), the access it needs; the FLUSH of each
# Cleanup; on memfs and on passthrough_ll, whose real file holds the data once flushed.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS PASSTHROUGH_LL

for fs in memfs passthrough_ll; do
    use_fs "$fs"
    session_start --debug
    session_send 'vol'
    minor=$(sed -n 's/^FUSE protocol:  7\.\([0-9]*\).*/\1/p' "$OUT")

    session_send 'nt create \f.txt access=GENERIC_WRITE disp=FILE_CREATE' \
        'nt write 1 0 flushed-data' 'nt flush 1'
    check_last "a file with write access flushes" 'nt flush 1: STATUS_SUCCESS size=12 '
    check_fs_eq "one FSYNC for the file" 1 "$(requests FSYNC)"
    [ -n "$SRC" ] && check_fs_eq "on disk: the data is there while the handle is open" \
        "flushed-data" "$(cat "$SRC/f.txt")"

    session_send 'nt create \f.txt access=GENERIC_READ' 'nt flush 2'
    check_last "a handle without write access: STATUS_ACCESS_DENIED" \
        'nt flush 2: STATUS_ACCESS_DENIED'
    check_fs_eq "... and nothing is sent" 1 "$(requests FSYNC)"

    session_send 'md \d' 'nt create \d access=FILE_LIST_DIRECTORY|FILE_ADD_FILE opts=FILE_DIRECTORY_FILE' \
        'nt flush 3'
    check_last "a directory: success" 'nt flush 3: STATUS_SUCCESS'
    check_fs_eq "a directory has nothing to flush: no FSYNCDIR (as WinFsp's FSD)" 0 \
        "$(requests FSYNCDIR)"

    expected_syncfs=0
    [ "${minor:-0}" -ge 34 ] && expected_syncfs=1
    session_send 'nt flush'
    check_last "the volume flushes" 'nt flush: STATUS_SUCCESS'
    check_fs_eq "the volume: SYNCFS when the protocol has it (7.34), else nothing" \
        "$expected_syncfs" "$(requests SYNCFS)"
    session_send 'nt create \ access=FILE_LIST_DIRECTORY|FILE_ADD_FILE opts=FILE_DIRECTORY_FILE' \
        'nt flush 4'
    check_last "the root directory flushes the volume" 'nt flush 4: STATUS_SUCCESS'
    check_fs_eq "the root: SYNCFS when the protocol has it, else nothing" \
        "$((2 * expected_syncfs))" "$(requests SYNCFS)"

    flushes_before=$(requests FLUSH)
    session_send 'nt close 1' 'nt close 2'
    check_fs_eq "each Cleanup of a file handle with a FUSE handle sends FLUSH" \
        "$((flushes_before + 2))" "$(requests FLUSH)"
    session_send 'nt close all'
    session_end
    check_eq "$FS: the session ended as expected (one refused flush)" 1 "$STATUS"
done

finish
