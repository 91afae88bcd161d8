#!/usr/bin/env bash
# test_memfs.sh — compatibility row: WinFuse's own memfs (libfuse 3 low-level API, in
# memory), through /dev/fd/N. Its storage is its memory, seen only through the volume: the
# fixtures are put in, and the battery's listings are the check.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS
FS=memfs

printf '%s\n' "$SEED_TEXT" >"$E2E_TMP/seed.local"
printf '%s\n' "$INNER_TEXT" >"$E2E_TMP/inner.local"
COMPAT_PRELUDE="md \\keep
put $E2E_TMP/seed.local \\seed.txt
put $E2E_TMP/inner.local \\keep\\inner.txt
"
MARK=compat-memfs-$$
compat_writable_battery -- "$MEMFS" -f -o fsname="$MARK"
compat_door devfd
compat_gone "$MARK" "memfs"
compat_check -- "$MEMFS" -f
compat_finish
