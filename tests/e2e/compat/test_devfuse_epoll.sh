#!/usr/bin/env bash
# test_devfuse_epoll.sh — /dev/fuse semantics: readiness. A daemon that runs its own event
# loop (epoll_fs: libfuse's fuse_session_fd, O_NONBLOCK, epoll) is woken exactly when a
# request is there, receives every request the engine sent as one message, and sees the
# hangup at unmount (no DESTROY on /dev/fuse, as from the Linux kernel), after which
# libfuse runs its destroy handler at the session's end; then it exits 0.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE EPOLL_FS
FS=epoll_fs

# A wrapper reports the daemon's exit status; with it, the door must be named (devfd).
compat_shell 'dir \
type \hello
vol
' --mount=devfd -- sh -c '"$0" "$@"; echo "epoll_fs exit status $?" >&2' "$EPOLL_FS" -f "{}"
check_eq "$FS: the shell exits 0" 0 "$STATUS"
check_contains "$FS: type reads the file it serves" "served by an epoll loop" "$OUT"
check_contains "$FS: dir lists it with its size" "24 hello" "$OUT"
compat_door devfd

stats=$(grep '^epoll_fs: [0-9]* wakeups' "$ERR")
sent=$(grep -c '^devfuse: -> ' "$ERR")
received=$(sed -n 's/^epoll_fs: [0-9]* wakeups, \([0-9]*\) requests.*/\1/p' "$ERR")
check_eq "$FS: it received every request sent (INIT to the last) as one message each" \
    "$sent" "${received:-none}"
check_eq "$FS: epoll never woke it with nothing to read" 0 \
    "$(sed -n 's/.* \([0-9]*\) empty wakeups.*/\1/p' <<<"$stats")"
check_contains "$FS: epoll reported the hangup" "epoll_fs: the channel hung up" "$ERR"
check_contains "$FS: then its destroy handler ran at the session's end" \
    "epoll_fs: destroy ran (session end, no DESTROY request)" "$ERR"
check_contains "$FS: and it exited 0" "epoll_fs exit status 0" "$ERR"
compat_finish
