#!/usr/bin/env bash
# test_devfuse_splice.sh — /dev/fuse semantics: splice. libfuse 3 splices requests from the
# channel into a pipe when the file system takes write_buf (passthrough_ll does) and a pipe
# can hold its whole buffer (1 MiB + 4 KiB: past the default fs.pipe-max-size of 1 MiB
# without CAP_SYS_RESOURCE). Both ways are checked under strace: with the pipe refused,
# libfuse falls back to read(2); with the limit raised for the test, WRITE requests of
# 1 MiB are spliced from the socket whole and spliced on into the file.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE PASSTHROUGH_LL
compat_require strace
FS=passthrough_ll

PIPE_MAX=/proc/sys/fs/pipe-max-size
LIBFUSE_BUFSIZE=$((1048576 + 4096))
MIB=1048576
head -c $((4 * MIB)) /dev/urandom >"$E2E_TMP/4m.local"

# traced_copy: a 4 MiB file in and out of passthrough_ll, its splice(2) and F_SETPIPE_SZ
# calls in $E2E_TMP/trace.
traced_copy() {
    local src
    src=$(mktemp -d "$E2E_TMP/source.XXXXXX")
    rm -rf "$E2E_TMP/4m.back" "$E2E_TMP/trace.d"
    mkdir "$E2E_TMP/trace.d"
    # -ff: one file per process, so that no call is split by another thread's. Under the
    # sanitizers, LeakSanitizer cannot run under ptrace: the other tests look for leaks.
    printf 'put %s \\4m.bin\nget \\4m.bin %s\n' "$E2E_TMP/4m.local" "$E2E_TMP/4m.back" |
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" timeout "$COMPAT_SHELL_TIMEOUT" strace -ff -qq -e trace=splice,fcntl -e signal=none \
            -o "$E2E_TMP/trace.d/t" "$WINFUSE" shell -- "$PASSTHROUGH_LL" -f -o source="$src" \
            >"$OUT" 2>"$ERR"
    STATUS=$?
    cat "$E2E_TMP"/trace.d/t.* >"$E2E_TMP/trace"
    check_eq "$FS ($1): the shell exits 0" 0 "$STATUS"
    check_files_equal "$FS ($1): the file lands in the directory" "$E2E_TMP/4m.local" "$src/4m.bin"
    check_files_equal "$FS ($1): and reads back the same" "$E2E_TMP/4m.local" "$E2E_TMP/4m.back"
}

# spliced_writes: how many splices from a socket carried a whole WRITE of 1 MiB (the
# request, 80 bytes of headers and the data, in one call).
spliced_writes() {
    grep -cE "^splice\([0-9]+, NULL, [0-9]+, NULL, $LIBFUSE_BUFSIZE, 0\) += $((MIB + 80))\$" \
        "$E2E_TMP/trace"
}

old_max=$(cat "$PIPE_MAX") || die "read $PIPE_MAX"
restore_pipe_max() {
    echo "$old_max" >"$PIPE_MAX" 2>/dev/null
}
trap 'restore_pipe_max; e2e_cleanup' EXIT

# Without a pipe that large (unless we have CAP_SYS_RESOURCE, which lifts the limit).
if [ "$old_max" -lt "$LIBFUSE_BUFSIZE" ]; then
    traced_copy "pipe limited to $old_max"
    if grep -qE "F_SETPIPE_SZ, $LIBFUSE_BUFSIZE\) += -1 EPERM" "$E2E_TMP/trace"; then
        check_eq "$FS (pipe limited): no request is spliced: libfuse reads instead" 0 \
            "$(grep -c 'splice(' "$E2E_TMP/trace")"
    else
        echo "    F_SETPIPE_SZ to $LIBFUSE_BUFSIZE was allowed (CAP_SYS_RESOURCE): splice in use"
    fi
fi

# With pipes allowed to hold libfuse's buffer, for this test only.
echo $((2 * MIB)) >"$PIPE_MAX" 2>/dev/null ||
    die "raise $PIPE_MAX" "cannot write it: the splice path cannot be exercised here"
traced_copy "pipe may grow to 2 MiB"
restore_pipe_max
check_eq "$FS (pipe may grow): libfuse sizes its pipes for a whole request" yes \
    "$(grep -qE "F_SETPIPE_SZ, $LIBFUSE_BUFSIZE\) += $((2 * MIB))\$" "$E2E_TMP/trace" && echo yes)"
check_eq "$FS (pipe may grow): the 4 WRITEs of 1 MiB are spliced from the channel whole" 4 \
    "$(spliced_writes)"
pipe_to_file=$(grep -cE "^splice\([0-9]+, NULL, [0-9]+, \[[0-9]+\], $MIB, 0\) += $MIB\$" "$E2E_TMP/trace")
check_eq "$FS (pipe may grow): and their data spliced on into the file" 4 "$pipe_to_file"
check_eq "$FS: $PIPE_MAX is restored" "$old_max" "$(cat "$PIPE_MAX")"
compat_finish
