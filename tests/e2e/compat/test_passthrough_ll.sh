#!/usr/bin/env bash
# test_passthrough_ll.sh — compatibility row: libfuse 3's passthrough_ll (low-level API,
# multi-threaded loop) over a real directory, through /dev/fd/N; the directory shows the
# changes.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE PASSTHROUGH_LL
FS=passthrough_ll

SRC=$E2E_TMP/source
compat_fixture_dir "$SRC" || die "make the source directory"
store_cat() { cat -- "$SRC/$1"; }
store_dir_has() { [ -d "$SRC/$1" ]; }

compat_writable_battery -- "$PASSTHROUGH_LL" -f -o source="$SRC"
compat_door devfd
compat_check_storage
compat_gone "$SRC" "passthrough_ll"
compat_check -- "$PASSTHROUGH_LL" -f -o source="$SRC"
check_eq "$FS: the check left the source as the battery did" "keep seed.txt sub" "$(ls "$SRC" | tr '\n' ' ' | sed 's/ $//')"
compat_finish
