#!/usr/bin/env bash
# test_hello_ll.sh — compatibility row: libfuse 3's hello_ll, a read-only file system of one
# file, through /dev/fd/N: reads work, and every write is refused as on a read-only volume.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE HELLO_LL
FS=hello_ll

printf 'Hello World!\n' >"$E2E_TMP/hello.expected"
compat_readonly_battery hello "$E2E_TMP/hello.expected" -- "$HELLO_LL" -f
compat_door devfd
compat_check -- "$HELLO_LL" -f
compat_finish
