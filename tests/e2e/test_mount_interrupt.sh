#!/usr/bin/env bash
# test_mount_interrupt.sh — under -o sync_read, a signal to a Linux program waiting on
# `winfuse mount` interrupts its request: the kernel's INTERRUPT cancels the NT Read it waits
# in, the engine sends FUSE_INTERRUPT to the file system, and read(2) fails with EINTR long
# before the file system would have answered; a SIGKILLed reader is let go the same way; the
# mount goes on working. Without it, READs are asynchronous as on a direct mount of the same
# memfs (it accepts FUSE_ASYNC_READ): a signal interrupts neither, on both mounts alike.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS
if [ "$(id -u)" -ne 0 ]; then
    echo "# skipped: kernel FUSE mounts need root"
    finish
fi
for tool in fusermount3 perl; do
    command -v "$tool" >/dev/null || die "prerequisite $tool" "not installed"
done
. "$(dirname "${E2E_LIB:-$0}")/mount_lib.sh"

# wait_log COUNT WHAT: until the file system was sent COUNT requests of kind WHAT (false
# after 20 s).
wait_log() {
    local i
    for i in $(seq 400); do
        [ "$(grep -c -- "^devfuse: -> $2 " "$MOUNT_ERR")" -ge "$1" ] && return 0
        sleep 0.05
    done
    return 1
}

# A reader with a SIGUSR1 handler (perl's, without SA_RESTART) blocked in read(2) of $1.
start_reader() {
    perl -e '$SIG{USR1} = sub {}; open(my $f, "<", $ARGV[0]) or die "open: $!";
        my $n = sysread($f, my $b, 4096);
        print defined $n ? "read $n bytes\n" : ($!{EINTR} ? "EINTR\n" : "error: $!\n");' \
        "$1" >"$E2E_TMP/reader.out" 2>&1 &
    READER=$!
}

# ---- default: asynchronous READs, as a direct mount of memfs has them ----------------------
# memfs holds each READ for 2 s. The kernel sends the READ in the background (readahead) and
# the reader waits for its page, which a signal does not end: it gets the data, and the file
# system no INTERRUPT. The same on a direct mount of the same memfs.
DIRECT=$E2E_TMP/direct
mkdir -p "$DIRECT"
"$MEMFS" -o files=1,file_size=4096,read_delay_ms=2000 "$DIRECT" \
    || die "direct mount of memfs" "it did not mount"
start_reader "$DIRECT/file0000"
sleep 0.5
kill -USR1 "$READER"
wait "$READER"
check_eq "direct mount: a signal does not interrupt the READ: the data comes" "read 4096 bytes" \
    "$(cat "$E2E_TMP/reader.out")"
fusermount3 -u "$DIRECT"

mount_up --debug -- "$MEMFS" -f -o files=1,file_size=4096,read_delay_ms=2000 \
    || die "winfuse mount of memfs" "$(cat "$MOUNT_ERR")"
start_reader "$MNT/file0000"
wait_log 1 READ || fail "the reader's READ reached the file system" "$(tail -5 "$MOUNT_ERR")"
kill -USR1 "$READER"
wait "$READER"
check_eq "winfuse mount: a signal does not interrupt the READ either: the data comes" \
    "read 4096 bytes" "$(cat "$E2E_TMP/reader.out")"
check_eq "winfuse mount: the file system was sent no INTERRUPT" 0 \
    "$(grep -c -- '^devfuse: -> INTERRUPT ' "$MOUNT_ERR")"
mount_down

# ---- -o sync_read: each READ on its reader's thread, interrupted by its signals ------------
# memfs holds each READ for 30 s unless interrupted (then it answers EINTR).
mount_up -o sync_read --debug -- "$MEMFS" -f -o files=2,file_size=4096,read_delay_ms=30000 \
    || die "winfuse mount of memfs" "$(cat "$MOUNT_ERR")"
start_reader "$MNT/file0000"
wait_log 1 READ || fail "the reader's READ reached the file system" "$(tail -5 "$MOUNT_ERR")"
kill -USR1 "$READER"
wait "$READER"
check_eq "the signalled read(2) fails with EINTR" "EINTR" "$(cat "$E2E_TMP/reader.out")"
# The kernel may try the page again (readahead, then the page itself): each READ is
# interrupted.
READS=$(grep -c -- '^devfuse: -> READ ' "$MOUNT_ERR")
check_eq "the file system was sent FUSE_INTERRUPT for each READ" "$READS" \
    "$(grep -c -- '^devfuse: -> INTERRUPT ' "$MOUNT_ERR")"

# A reader SIGKILLed in read(2) is let go; its READ is interrupted as well.
cat "$MNT/file0001" >/dev/null 2>&1 &
READER=$!
wait_log $((READS + 1)) READ || fail "the second reader's READ reached the file system" \
    "$(tail -5 "$MOUNT_ERR")"
kill -KILL "$READER"
wait "$READER" 2>/dev/null
check_eq "the SIGKILLed reader ends at once: killed" 137 "$?"
wait_log $((READS + 1)) INTERRUPT
check_eq "its READ was interrupted too" "$((READS + 1))" \
    "$(grep -c -- '^devfuse: -> INTERRUPT ' "$MOUNT_ERR")"

# The mount goes on: a listing, a new file and its size, a clean unmount.
check_eq "the mount still lists its files" "file0000 file0001" "$(ls "$MNT" | tr '\n' ' ' | sed 's/ $//')"
echo hello >"$MNT/after"
check_eq "a file written afterwards has its size" 6 "$(stat -c %s "$MNT/after")"
mount_down
check_eq "clean unmount: exit status 0" 0 "$MOUNT_STATUS"
if mounted "$MNT"; then fail "nothing is left mounted"; else pass "nothing is left mounted"; fi
finish
