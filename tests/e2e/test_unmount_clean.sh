#!/usr/bin/env bash
# test_unmount_clean.sh — unmount never races a file system's own teardown: libfuse's
# passthrough_ll built with AddressSanitizer ends 50 sessions of "make 100 files, list them,
# delete them" without a report and the shell exits 0; memfs (ASan) 20, and 20 more ended
# by DESTROY as the Windows door ends them; and memfs survives a FORGET after DESTROY.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE PASSTHROUGH_LL_ASAN MEMFS_ASAN DESTROY_THEN_FORGET

# An ASan report ends in SIGABRT, which the shell must report (exit 3). passthrough_ll
# leaks its source= string whatever the door: leak checking is not this test's business.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=0

SCRIPT=$E2E_TMP/session.txt
{
    echo 'md \d'
    for i in $(seq 1 100); do echo "echo x > \\d\\f$i"; done
    echo 'dir \d'
    echo 'del \d\*'
} >"$SCRIPT"

# sessions NAME COUNT SHELL-ARGS...: runs the session COUNT times; a session is clean when
# the shell exits 0 and its stderr holds no sanitizer or glibc heap report.
sessions() {
    local name=$1 count=$2 clean=0 first="" i src status
    shift 2
    for ((i = 1; i <= count; i++)); do
        src=$(mktemp -d "$E2E_TMP/source.XXXXXX")
        timeout 60 "$WINFUSE" shell "${@//\{src\}/$src}" <"$SCRIPT" >"$OUT" 2>"$ERR"
        status=$?
        if [ "$status" -eq 0 ] && ! grep -qE 'Sanitizer|double free|corruption|crashed' "$ERR"; then
            clean=$((clean + 1))
        elif [ -z "$first" ]; then
            first="session $i: exit $status; $(grep -m 3 -E 'ERROR|crashed|free' "$ERR" | tr '\n' ' ')"
        fi
        rm -rf "$src"
    done
    if [ "$clean" -eq "$count" ]; then
        pass "$name: $count of $count sessions clean"
    else
        fail "$name: $count of $count sessions clean" "clean: $clean" "$first"
    fi
}

sessions "passthrough_ll (ASan)" 50 -- "$PASSTHROUGH_LL_ASAN" -f -o source={src}
sessions "memfs (ASan)" 20 -- "$MEMFS_ASAN" -f
# As the Windows door ends a session: DESTROY right behind the last FORGETs.
sessions "memfs (ASan) with DESTROY" 20 --destroy -- "$MEMFS_ASAN" -f

# Whatever the order: a FORGET (and a request) after DESTROY, single-threaded so that the
# order is the one sent.
"$DESTROY_THEN_FORGET" "$MEMFS_ASAN" -s -f >"$OUT" 2>"$ERR"
STATUS=$?
check_eq "memfs survives a FORGET after DESTROY" "0" "$STATUS$(grep -m 1 -E 'ERROR|error|killed|no reply' "$ERR")"

# The session does what it says: its listing shows the 100 files, and the delete empties \d.
run_shell "$(cat "$SCRIPT")"$'\ndir \\d\n' -- "$MEMFS_ASAN" -f
check_contains "the session lists its 100 files" "100 File(s)" "$OUT"
check_contains "the session deletes them" " 0 File(s)" "$OUT"

finish
