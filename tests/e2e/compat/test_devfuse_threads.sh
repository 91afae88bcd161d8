#!/usr/bin/env bash
# test_devfuse_threads.sh — /dev/fuse semantics: libfuse's multi-threaded loop has several
# threads reading the channel at once, each getting whole requests; -o clone_fd (which needs
# the kernel's FUSE_DEV_IOC_CLONE) falls back to the one channel with libfuse's warning.
# memfs's read_delay_ms makes each READ take 300 ms: 8 concurrent reads end in about 300 ms
# only when the daemon serves them on several threads at once.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS PASSTHROUGH_LL
FS=threads

# elapsed_ms: the milliseconds `reads` reported in $OUT.
elapsed_ms() {
    awk '/^elapsed: / { printf "%d\n", $2 * 1000 }' "$OUT"
}
SLOW=(-o files=1 -o file_size=64K -o read_delay_ms=300)

compat_shell $'reads 8 \\file0000 4096\n' -- "$MEMFS" -f "${SLOW[@]}"
check_contains "memfs, multi-threaded: 8 concurrent reads all succeed" \
    "8 reads: 8 succeeded with 4096 bytes" "$OUT"
ms=$(elapsed_ms)
if [ "${ms:-99999}" -lt 1500 ]; then
    pass "memfs, multi-threaded: 8 reads of 300 ms each overlap (${ms} ms)"
else
    fail "memfs, multi-threaded: 8 reads of 300 ms each overlap" "took ${ms:-?} ms, serial is 2400"
fi

# The control: one thread serves them one after another.
compat_shell $'reads 8 \\file0000 4096\n' -- "$MEMFS" -f -s "${SLOW[@]}"
check_contains "memfs, single-threaded: 8 concurrent reads all succeed" \
    "8 reads: 8 succeeded with 4096 bytes" "$OUT"
ms=$(elapsed_ms)
if [ "${ms:-0}" -ge 2300 ]; then
    pass "memfs, single-threaded (-s): the same reads are served one at a time (${ms} ms)"
else
    fail "memfs, single-threaded (-s): the same reads are served one at a time" "took ${ms:-?} ms"
fi

# -o clone_fd: libfuse opens /dev/fuse and asks it to clone the channel; that fails on
# WinFuse's channel and libfuse goes on with the one it has, still multi-threaded.
compat_shell $'reads 8 \\file0000 4096\n' -- "$MEMFS" -f -o clone_fd "${SLOW[@]}"
check_contains "memfs -o clone_fd: libfuse warns and continues" \
    "trying to continue without -o clone_fd" "$ERR"
check_contains "memfs -o clone_fd: 8 concurrent reads all succeed" \
    "8 reads: 8 succeeded with 4096 bytes" "$OUT"
ms=$(elapsed_ms)
if [ "${ms:-99999}" -lt 1500 ]; then
    pass "memfs -o clone_fd: the reads still overlap (${ms} ms)"
else
    fail "memfs -o clone_fd: the reads still overlap" "took ${ms:-?} ms"
fi

SRC=$E2E_TMP/source
mkdir "$SRC" || die "make the source directory"
head -c 4194304 /dev/urandom >"$E2E_TMP/4m.local"
compat_shell "put $E2E_TMP/4m.local \\4m.bin
get \\4m.bin $E2E_TMP/4m.back
" -- "$PASSTHROUGH_LL" -f -o clone_fd -o source="$SRC"
check_eq "passthrough_ll -o clone_fd: the shell exits 0" 0 "$STATUS"
check_contains "passthrough_ll -o clone_fd: libfuse warns and continues" \
    "trying to continue without -o clone_fd" "$ERR"
check_files_equal "passthrough_ll -o clone_fd: 4 MiB copied in lands in the directory" \
    "$E2E_TMP/4m.local" "$SRC/4m.bin"
check_files_equal "passthrough_ll -o clone_fd: and reads back the same" \
    "$E2E_TMP/4m.local" "$E2E_TMP/4m.back"
compat_finish
