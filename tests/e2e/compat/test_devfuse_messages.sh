#!/usr/bin/env bash
# test_devfuse_messages.sh — /dev/fuse semantics: 1 MiB messages. A 4 MiB file goes in and
# out of passthrough_ll and memfs: WRITE requests and READ replies of 1 MiB of data each
# cross the channel whole (the channel's buffers are sized for libfuse's 1 MiB + 4 KiB).
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE PASSTHROUGH_LL MEMFS

MIB=1048576
head -c $((4 * MIB)) /dev/urandom >"$E2E_TMP/4m.local"
WRITE_LEN=$((MIB + 80))         # fuse_in_header 40 + fuse_write_in 40 + data
READ_REPLY_LEN=$((MIB + 16))    # fuse_out_header 16 + data

# big_messages NAME: the checks on one file system's session.
big_messages() {
    check_eq "$FS: the shell exits 0" 0 "$STATUS"
    check_contains "$FS: write size 1 MiB negotiated" "write size:     $MIB" "$OUT"
    check_contains "$FS: read size 1 MiB negotiated" "read size:      $MIB" "$OUT"
    check_eq "$FS: the 4 MiB file went as 4 WRITEs of 1 MiB" 4 \
        "$(grep -c "^devfuse: -> WRITE .* len $WRITE_LEN\$" "$ERR")"
    # A READ of 1 MiB is answered by one message of 1 MiB + its header.
    local replies
    replies=$(grep -c "^devfuse: <- unique [0-9]* error 0 len $READ_REPLY_LEN (read $READ_REPLY_LEN)\$" "$ERR")
    if [ "$replies" -ge 4 ]; then
        pass "$FS: READ replies of 1 MiB arrived whole ($replies)"
    else
        fail "$FS: READ replies of 1 MiB arrived whole" "saw $replies"
    fi
    check_files_equal "$FS: the file reads back the same" "$E2E_TMP/4m.local" "$E2E_TMP/4m.back"
    check_contains "$FS: no reply was malformed or unmatched" \
        "Misbehaviour:   0 bad replies, 0 unknown replies" "$OUT"
}

FS=passthrough_ll
SRC=$E2E_TMP/source
mkdir "$SRC" || die "make the source directory"
compat_shell "put $E2E_TMP/4m.local \\4m.bin
get \\4m.bin $E2E_TMP/4m.back
vol
" -- "$PASSTHROUGH_LL" -f -o source="$SRC"
big_messages
check_files_equal "$FS: the directory holds the 4 MiB written" "$E2E_TMP/4m.local" "$SRC/4m.bin"

FS=memfs
rm -f "$E2E_TMP/4m.back"
compat_shell "put $E2E_TMP/4m.local \\4m.bin
get \\4m.bin $E2E_TMP/4m.back
vol
" -- "$MEMFS" -f
big_messages
compat_finish
