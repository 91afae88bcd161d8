#!/usr/bin/env bash
# test_mount_readahead.sh — `winfuse mount` reads ahead for a file read sequentially (one NT
# Read of 1 MiB answers the kernel's next 128 KiB READs): the data is right, fewer READs
# reach the file system, a write through the mount ends what was read ahead, a file changed
# behind the mount is seen after a reopen, and a signal still interrupts a read that waits
# in a read-ahead (docs/mount.md, "Speed").
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS PASSTHROUGH_LL
if [ "$(id -u)" -ne 0 ]; then
    echo "# skipped: kernel FUSE mounts need root"
    finish
fi
for tool in fusermount3 python3 perl; do
    command -v "$tool" >/dev/null || die "prerequisite $tool" "not installed"
done
. "$(dirname "${E2E_LIB:-$0}")/mount_lib.sh"

reads_sent() {          # the READs the file system was sent so far
    grep -c -- '^devfuse: -> READ ' "$MOUNT_ERR"
}

head -c $((4 * 1024 * 1024 + 4096 + 17)) /dev/urandom >"$E2E_TMP/data"

mount_up --debug -- "$MEMFS" -f || die "winfuse mount of memfs" "$(cat "$MOUNT_ERR")"
# The kernel's readahead is its device's read_ahead_kb at most: raised to the 1 MiB INIT
# asks (root may).
BDI=/sys/class/bdi/$(mountpoint -d "$MNT")/read_ahead_kb
check_eq "the mount's read_ahead_kb is 1 MiB" "1024" "$(cat "$BDI")"
cp "$E2E_TMP/data" "$MNT/big" || fail "4 MiB written"
# sequential_reads KB: read_ahead_kb set to KB, the file read back sequentially; checks
# every byte and that at most 8 READs (not 33) reached the file system.
sequential_reads() {
    local before after
    echo "$1" >"$BDI"
    before=$(reads_sent)
    read_all "$MNT/big" >"$E2E_TMP/back"
    after=$(reads_sent)
    check_eq "read_ahead_kb $1: a sequential read gives every byte back" \
        "$(cksum <"$E2E_TMP/data")" "$(cksum <"$E2E_TMP/back")"
    if [ $((after - before)) -le 8 ]; then
        pass "read_ahead_kb $1: 4 MiB read sequentially: $((after - before)) READs reached the file system"
    else
        fail "read_ahead_kb $1: 4 MiB read sequentially: at most 8 READs reached the file system" \
            "$((after - before)) did"
    fi
}
# The kernel's own 1 MiB READs; then, as a mount without root has it, the kernel's 33
# READs of 128 KiB: the first alone, then one NT Read of 1 MiB answers eight.
sequential_reads 1024
sequential_reads 128

# A reader reads ahead; another descriptor writes through the mount where it read ahead;
# the reader (its pages dropped, so the kernel asks again) sees the new bytes.
check_eq "a write through the mount ends what a reader read ahead" "new-bytes:new-bytes" \
    "$(python3 -c 'import os, sys
r = os.open(sys.argv[1], os.O_RDONLY)
os.posix_fadvise(r, 0, 0, os.POSIX_FADV_DONTNEED)
os.read(r, 256 * 1024)                      # a READ at 0, then one read ahead from 128 KiB
w = os.open(sys.argv[1], os.O_WRONLY)
os.pwrite(w, b"new-bytes", 512 * 1024)
os.pwrite(w, b"new-bytes", 900 * 1024)
os.close(w)
os.posix_fadvise(r, 0, 0, os.POSIX_FADV_DONTNEED)
a = os.pread(r, 9, 512 * 1024)
b = os.pread(r, 9, 900 * 1024)
print(a.decode(errors="replace") + ":" + b.decode(errors="replace"))' "$MNT/big")"
# Cut short and made long again: what was read ahead past the cut is zeros now.
check_eq "a truncate through the mount ends it too" "4096 zeros" \
    "$(python3 -c 'import os, sys
r = os.open(sys.argv[1], os.O_RDONLY)
os.posix_fadvise(r, 0, 0, os.POSIX_FADV_DONTNEED)
os.read(r, 256 * 1024)
os.truncate(sys.argv[1], 300 * 1024)
os.truncate(sys.argv[1], 1024 * 1024)
os.posix_fadvise(r, 0, 0, os.POSIX_FADV_DONTNEED)
print("%d zeros" % os.pread(r, 4096, 600 * 1024).count(0))' "$MNT/big")"
mount_down
check_eq "unmounted: exit status 0" "0" "$MOUNT_STATUS"

# Behind the mount: passthrough_ll's directory changed after a read; a new open reads it.
fs_command passthrough_ll
cp "$E2E_TMP/data" "$SRC/big"
mount_up -- "${FS_CMD[@]}" || die "winfuse mount of passthrough_ll" "$(cat "$MOUNT_ERR")"
read_all "$MNT/big" >/dev/null
head -c $((4 * 1024 * 1024 + 4096 + 17)) /dev/urandom >"$E2E_TMP/data2"
cp "$E2E_TMP/data2" "$SRC/big"
read_all "$MNT/big" >"$E2E_TMP/back2"
check_eq "a file changed behind the mount is read anew after a reopen" \
    "$(cksum <"$E2E_TMP/data2")" "$(cksum <"$E2E_TMP/back2")"
mount_down

# memfs holds every READ past the first 4 KiB for 30 s unless interrupted. The reader asks
# no readahead of the kernel (POSIX_FADV_RANDOM), so its READs are its reads: 4 KiB at 0,
# answered; 4 KiB at 4 KiB, which goes on where the last ended and so is read ahead (1 MiB),
# held; SIGUSR1 (a handler without SA_RESTART) ends it with EINTR at once. With -o sync_read,
# since memfs takes asynchronous READs, which no signal interrupts (test_mount_interrupt.sh).
mount_up -o sync_read --debug -- "$MEMFS" -f -o files=1,file_size=4M,read_delay_ms=30000,read_delay_from=4096 \
    || die "winfuse mount of memfs" "$(cat "$MOUNT_ERR")"
python3 -c 'import ctypes, errno, os, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
signal.signal(signal.SIGUSR1, lambda s, f: None)
fd = os.open(sys.argv[1], os.O_RDONLY)
os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_RANDOM)
buf = ctypes.create_string_buffer(4096)
if libc.read(fd, buf, 4096) != 4096:
    print("the first read failed")
    sys.exit()
n = libc.read(fd, buf, 4096)
e = ctypes.get_errno()
print("EINTR" if n < 0 and e == errno.EINTR else "read %d bytes" % n if n >= 0 else "errno %d" % e)' \
    "$MNT/file0000" >"$E2E_TMP/reader.out" 2>&1 &
READER=$!
for i in $(seq 400); do
    [ "$(reads_sent)" -ge 2 ] && break
    sleep 0.05
done
[ "$(reads_sent)" -ge 2 ] || fail "the read-ahead reached the file system" "$(tail -5 "$MOUNT_ERR")"
kill -USR1 "$READER"
wait "$READER"
check_eq "a signal interrupts a read waiting in a read-ahead: EINTR" "EINTR" \
    "$(cat "$E2E_TMP/reader.out")"
check_eq "the file system was sent FUSE_INTERRUPT for each held READ" "$(($(reads_sent) - 1))" \
    "$(grep -c -- '^devfuse: -> INTERRUPT ' "$MOUNT_ERR")"
mount_down
check_eq "clean unmount: exit status 0" 0 "$MOUNT_STATUS"
if mounted "$MNT"; then fail "nothing is left mounted"; else pass "nothing is left mounted"; fi
finish
