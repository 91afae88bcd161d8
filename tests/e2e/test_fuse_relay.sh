#!/usr/bin/env bash
# test_fuse_relay.sh — winfuse-fuse-relay, the floor side of winfuse-mount-bench, is a
# correct kernel FUSE mount: files written, read, renamed and removed through it over memfs
# come out as on a local directory (1 MiB messages included), FORGETs, INTERRUPTs and the
# file system's notifications pass, and it ends cleanly at unmount, at SIGTERM, and when
# the file system dies, failing what waited in it (docs/performance.md, "winfuse mount").
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require RELAY MEMFS NOTIFY_FS
if [ "$(id -u)" -ne 0 ]; then
    echo "# skipped: kernel FUSE mounts need root"
    finish
fi
for tool in fusermount3 python3 mountpoint pgrep ss; do
    command -v "$tool" >/dev/null || die "prerequisite $tool" "not installed"
done
. "$(dirname "${E2E_LIB:-$0}")/mount_lib.sh"

# relay_up FS-COMMAND...: the relay in the background at $MNT; returns once the kernel
# lists the mount (false after 20 s or when the relay ended).
relay_up() {
    "$RELAY" "$MNT" -- "$@" 2>"$MOUNT_ERR" &
    MOUNT_PID=$!
    mount_wait
}

# relay_gone: waits up to 20 s for the relay to end; its exit status in $MOUNT_STATUS
# ("still running" when it did not end).
relay_gone() {
    local i
    for i in $(seq 400); do
        kill -0 "$MOUNT_PID" 2>/dev/null || break
        sleep 0.05
    done
    if kill -0 "$MOUNT_PID" 2>/dev/null; then
        MOUNT_STATUS="still running"
        return
    fi
    wait "$MOUNT_PID"
    MOUNT_STATUS=$?
    MOUNT_PID=""
}

fs_pid() {              # the file system the relay started
    pgrep -P "$MOUNT_PID" | head -1
}

logged() {              # logged OPCODE: requests of that opcode in memfs's -d log so far
    grep -c -- "opcode: $1 " "$MOUNT_ERR"
}

# The same operations on a local directory and through the relay.
operations() {
    local d=$1 i
    mkdir "$d/dir" "$d/gone"
    printf 'hello\n' >"$d/a"
    printf 'second' >"$d/dir/b"
    for i in $(seq 60); do echo "file $i" >"$d/many$i"; done
    dd if="$E2E_TMP/data" of="$d/big" bs=1M status=none
    mv "$d/a" "$d/dir/a2"
    echo more >>"$d/dir/a2"
    mv "$d/many1" "$d/many2"
    rm "$d/many7" "$d/dir/b"
    rmdir "$d/gone"
    truncate -s 100 "$d/many3"
}
listing() {             # every entry's path, type and size, and every file's checksum
    (cd "$1" && find . -mindepth 1 -printf '%p %y %s\n' | sort &&
        find . -type f -exec cksum {} + | sort)
}

head -c $((9 * 1024 * 1024 + 17)) /dev/urandom >"$E2E_TMP/data"
mkdir "$E2E_TMP/ref"

relay_up "$MEMFS" -f -d || die "the relay mounts memfs" "$(tail -20 "$MOUNT_ERR")"
pass "the relay mounts memfs"
check_eq "the mount's read_ahead_kb is raised to 1 MiB" "1024" \
    "$(cat "/sys/class/bdi/$(mountpoint -d "$MNT")/read_ahead_kb")"
operations "$E2E_TMP/ref"
operations "$MNT"
listing "$E2E_TMP/ref" >"$E2E_TMP/expected"
listing "$MNT" >"$E2E_TMP/actual"
check_files_equal "write, stat, readdir, rename, unlink and truncate give what a local directory has" \
    "$E2E_TMP/expected" "$E2E_TMP/actual"
READS=$(logged READ)
read_all "$MNT/big" >"$E2E_TMP/back"
check_files_equal "a 9 MiB file read back from memfs, page cache dropped, is what was written" \
    "$E2E_TMP/data" "$E2E_TMP/back"
# With read_ahead_kb at 1 MiB the kernel reads it in 1 MiB READs, as through winfuse mount
# (128 KiB ones would be 73; the bound leaves room for windows off the 1 MiB grid).
READS=$(($(logged READ) - READS))
if [ "$READS" -le 20 ]; then
    pass "9 MiB read sequentially: $READS READs reached memfs"
else
    fail "9 MiB read sequentially: at most 20 READs reached memfs" "$READS did"
fi
check_contains "memfs received 1 MiB WRITEs whole" "insize: $((1024 * 1024 + 80))," "$MOUNT_ERR"
# An unlinked file's inode goes from the kernel: FORGET, which has no reply.
if [ "$(logged FORGET)" -gt 0 ] || [ "$(logged BATCH_FORGET)" -gt 0 ]; then
    pass "FORGETs reached memfs"
else
    fail "FORGETs reached memfs" "$(grep -c opcode "$MOUNT_ERR") requests, none a FORGET"
fi
check_eq "the mount still answers after the FORGETs" "file 9" "$(cat "$MNT/many9")"
FS=$(fs_pid)
fusermount3 -u "$MNT"
relay_gone
check_eq "unmounted: the relay exits with status 0" "0" "$MOUNT_STATUS"
if mounted "$MNT"; then fail "nothing is left mounted"; else pass "nothing is left mounted"; fi
if kill -0 "$FS" 2>/dev/null; then fail "memfs ended with the relay"; else pass "memfs ended with the relay"; fi

# fs_queue: the bytes waiting in the stopped file system's end of the channel (ss -x).
fs_queue() {
    ss -xpH 2>/dev/null | awk -v p="pid=$FS," 'index($0, p) && $1 == "u_seq" { print $3; exit }'
}
# queue_above BYTES: waits up to 20 s until more than BYTES wait there.
queue_above() {
    local i
    for i in $(seq 400); do
        [ "$(fs_queue)" -gt "$1" ] 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

# held_stat NAME: a LOOKUP held in the channel: memfs ($FS) is stopped, and a stat of a
# new name waits for it; returns once the relay has passed the LOOKUP on.
held_stat() {
    python3 -c 'import os, signal, sys
signal.signal(signal.SIGUSR1, lambda s, f: None)
try:
    os.stat(sys.argv[1])
    print("found")
except OSError as e:
    print(os.strerror(e.errno))' "$MNT/$1" \
        >"$E2E_TMP/stat.out" 2>&1 &
    HELD=$!
    queue_above 0 || fail "the relay passes a LOOKUP on to the stopped memfs" \
        "$(ss -xpH 2>&1 | grep -F "pid=$FS,")"
}

# A signal to a caller whose request the file system has: the kernel sends INTERRUPT,
# which must reach memfs (its -d log names each request it reads).
relay_up "$MEMFS" -f -d || die "the relay mounts memfs" "$(tail -20 "$MOUNT_ERR")"
FS=$(fs_pid)
kill -STOP "$FS"
held_stat nosuch
QUEUED=$(fs_queue)
kill -USR1 "$HELD"
# Before memfs runs again: once the LOOKUP is answered, an INTERRUPT not yet passed on is
# never sent.
queue_above "$QUEUED" || fail "the relay passes the INTERRUPT on" "$QUEUED bytes wait, as before"
kill -CONT "$FS"
wait "$HELD"
check_eq "the held stat is answered once memfs runs again" "No such file or directory" \
    "$(cat "$E2E_TMP/stat.out")"
if [ "$(logged INTERRUPT)" -ge 1 ]; then
    pass "the kernel's INTERRUPT for it reached memfs"
else
    fail "the kernel's INTERRUPT for it reached memfs" "$(tail -10 "$MOUNT_ERR")"
fi
# SIGTERM ends the relay as an unmount does.
kill -TERM "$MOUNT_PID"
relay_gone
check_eq "SIGTERM: the relay unmounts and exits with status 0" "0" "$MOUNT_STATUS"
if mounted "$MNT"; then fail "SIGTERM: nothing is left mounted"; else pass "SIGTERM: nothing is left mounted"; fi

# The file system dies while a request waits in it: the caller's request fails at once (not
# a hang: ctest's timeout would catch that) as the kernel fails what an aborted connection
# held, the relay unmounts and ends with status 1.
relay_up "$MEMFS" -f || die "the relay mounts memfs" "$(tail -20 "$MOUNT_ERR")"
FS=$(fs_pid)
kill -STOP "$FS"
held_stat nosuch
kill -KILL "$FS"
relay_gone
check_eq "memfs killed: the relay ends with status 1" "1" "$MOUNT_STATUS"
check_contains "memfs killed: the relay says so" "the file system went" "$MOUNT_ERR"
wait "$HELD"
case $(cat "$E2E_TMP/stat.out") in
"Software caused connection abort" | "Transport endpoint is not connected")
    pass "memfs killed: the waiting stat fails (ECONNABORTED or ENOTCONN)" ;;
*)  fail "memfs killed: the waiting stat fails (ECONNABORTED or ENOTCONN)" \
        "actual: $(cat "$E2E_TMP/stat.out")" ;;
esac
if mounted "$MNT"; then fail "memfs killed: nothing is left mounted"; else pass "memfs killed: nothing is left mounted"; fi

# Notifications (unique 0) pass: fs_notify_ll's entries live 60 s in the kernel, so only its
# notification makes the kernel see a file grow or go.
relay_up "$NOTIFY_FS" -f || die "the relay mounts fs_notify_ll" "$(tail -20 "$MOUNT_ERR")"
check_eq "fs_notify_ll through the relay: d/g has 3 bytes" "3" "$(stat -c %s "$MNT/d/g")"
echo "grow d/g" >"$MNT/ctl"
for i in $(seq 200); do [ "$(stat -c %s "$MNT/d/g")" = 4 ] && break; sleep 0.05; done
check_eq "an inval_inode notification reaches the kernel: d/g has 4 bytes" "4" \
    "$(stat -c %s "$MNT/d/g")"
echo "del d/g" >"$MNT/ctl"
for i in $(seq 200); do [ -e "$MNT/d/g" ] || break; sleep 0.05; done
if [ -e "$MNT/d/g" ]; then
    fail "a delete notification reaches the kernel: d/g is gone"
else
    pass "a delete notification reaches the kernel: d/g is gone"
fi
fusermount3 -u "$MNT"
relay_gone
check_eq "fs_notify_ll unmounted: the relay exits with status 0" "0" "$MOUNT_STATUS"
finish
