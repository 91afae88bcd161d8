#!/usr/bin/env bash
# test_devfuse_end.sh — /dev/fuse semantics: the clean end at unmount. As the Linux kernel
# on /dev/fuse, WinFuse sends no DESTROY: it closes the channel once the last requests and
# FORGETs are out, and the daemon's loop reads end of file and ends by itself (libfuse then
# says "short read on fuse device", runs its destroy handler, and exits 1: a socket cannot
# give the ENODEV with which the kernel ends it). Checked on libfuse 3 and 2 daemons (their
# -d traces show no DESTROY), on a daemonizing one, and on rclone (bazil/fuse); each unmount
# takes well under a second. The destroy handlers of fuse2fs and fuse-zip are checked by
# their own rows (test_fuse2fs.sh, test_fuse_zip.sh), epoll_fs's by test_devfuse_epoll.sh.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE PASSTHROUGH_LL HELLO_LL MEMFS
compat_require bindfs rclone

SRC=$E2E_TMP/source
compat_fixture_dir "$SRC" || die "make the source directory"
WRAP='"$0" "$@"; echo "daemon exit status $?" >&2'

# ended_alone: the wrapper saw the daemon exit by itself (0 or 1, not killed by a signal).
ended_alone() {
    local status
    status=$(sed -n 's/^daemon exit status //p' "$ERR")
    case $status in
    0 | 1) pass "$FS: the daemon's loop ended by itself (exit status $status)" ;;
    *) fail "$FS: the daemon's loop ended by itself" "exit status: ${status:-none seen}" ;;
    esac
}
# no_destroy: libfuse's -d trace shows no DESTROY (the end of the channel ends the session).
no_destroy() {
    check_lacks "$FS: libfuse received no DESTROY" "opcode: DESTROY" "$ERR"
}
# quick: the whole session (start, one command, unmount) took under 3 s.
quick() {
    if [ "$SHELL_MS" -lt 3000 ]; then pass "$FS: mount, dir and unmount took ${SHELL_MS} ms"
    else fail "$FS: mount, dir and unmount took under 3 s" "took ${SHELL_MS} ms"; fi
}

FS=passthrough_ll
compat_shell $'dir \\\n' --mount=devfd -- sh -c "$WRAP" "$PASSTHROUGH_LL" -d -f -o source="$SRC" "{}"
check_eq "$FS: the shell exits 0" 0 "$STATUS"
no_destroy
ended_alone
quick

FS=memfs
compat_shell $'dir \\\n' --mount=devfd -- sh -c "$WRAP" "$MEMFS" -d -f "{}"
check_eq "$FS: the shell exits 0" 0 "$STATUS"
no_destroy
ended_alone
quick

FS=bindfs
compat_shell $'dir \\\n' --mount=fusermount -- sh -c "$WRAP" bindfs -d -f "$SRC" "{}"
check_eq "$FS: the shell exits 0" 0 "$STATUS"
no_destroy
ended_alone
quick

# A daemonizing file system: its first process exits at once; the daemon itself must be
# gone after the unmount too. Its fsname marks its command line.
FS=hello_ll
MARK=compat-end-hello-$$
compat_shell $'dir \\\n' -- "$HELLO_LL" -o fsname="$MARK"
check_eq "$FS (daemonized): the shell exits 0" 0 "$STATUS"
compat_gone "$MARK" "the daemonized hello_ll"
quick

FS=rclone
compat_shell $'dir \\\n' -- rclone mount "$SRC" "{}" --config /dev/null --cache-dir "$E2E_TMP/cache"
check_eq "$FS: the shell exits 0" 0 "$STATUS"
check_lacks "$FS: it got no DESTROY" "devfuse: -> DESTROY" "$ERR"
compat_gone "$SRC" "rclone"
quick
compat_finish
