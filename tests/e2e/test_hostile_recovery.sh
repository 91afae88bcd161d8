#!/usr/bin/env bash
# test_hostile_recovery.sh — the hostile_fs modes (tests/hostile/hostile_fs.c) answered by the
# ways out of a silent file system (--timeout, Ctrl-C), the clamp of reads to the file's size,
# and the one entry intake (nodeid 0, nodeid 1, type lies): each ends in the exact NTSTATUS,
# `vol` counts exactly what happened, and the volume is still usable. The catalogue:
# docs/engine.md, "Malformed replies".
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE HOSTILE_FS

IO=STATUS_IO_DEVICE_ERROR
TIMEOUT=(--timeout 0.5)
# `vol`'s counter lines, whole.
CLEAN="0 bad replies, 0 unknown replies, 0 bad names, 0 notifications"
ONE_BAD="1 bad replies, 0 unknown replies, 0 bad names, 0 notifications"
NONE_GIVEN_UP="0 timed out or cancelled, 0 answered late, 0 awaited"
ONE_AWAITED="1 timed out or cancelled, 0 answered late, 1 awaited"

# recovers MODE INPUT ERRORS MISBEHAVIOUR GIVEN_UP [SHELL-OPTIONS...]: the shell on hostile_fs
# in MODE runs INPUT, then `type \f.txt` and `vol`. hostile_fs misbehaved; stderr (without
# hostile_fs's own lines) is exactly ERRORS (lines; "" for none) and the exit status says
# whether there were any; \f.txt reads right; vol's lines are exactly "Misbehaviour:
# MISBEHAVIOUR" and "Given up: GIVEN_UP". Further checks may read $OUT.
recovers() {
    local mode=$1 input=$2 errors=$3 misbehaviour=$4 given_up=$5 problems=() got
    shift 5
    run_shell "$input"$'\ntype \\f.txt\nvol\n' "$@" --mount=devfd -- "$HOSTILE_FS" "$mode" {}
    got=$(grep -v '^hostile_fs: ' "$ERR")
    grep -q "^hostile_fs: $mode" "$ERR" || problems+=("hostile_fs did not misbehave")
    [ "$got" = "$errors" ] || problems+=("stderr: '$got'" "expected: '$errors'")
    [ "$STATUS" = "$([ -n "$errors" ] && echo 1 || echo 0)" ] || problems+=("exit $STATUS")
    grep -qx 'hello, world' "$OUT" || problems+=("type \\f.txt did not read the file")
    grep -qx "Misbehaviour: *$misbehaviour" "$OUT" ||
        problems+=("vol: $(grep '^Misbehaviour' "$OUT")" "expected: $misbehaviour")
    grep -qx "Given up: *$given_up" "$OUT" ||
        problems+=("vol: $(grep '^Given up' "$OUT")" "expected: $given_up")
    if [ ${#problems[@]} -eq 0 ]; then
        pass "$mode: ${errors:-no error}; $misbehaviour; $given_up; the volume still usable"
    else
        fail "$mode: $input" "${problems[@]}"
    fi
}

# count_lines TEXT: how many stdout lines are exactly TEXT.
count_lines() {
    grep -cxF -- "$1" "$OUT"
}

# ---- no answer: --timeout gives up, the volume stays ---------------------------------------
# No reply at all; a reply to a unique never sent (counted unknown); a reply shorter than a
# header (counted bad); an empty datagram (counted bad and dropped: not the end of the
# channel). The LOOKUP is then never answered: it times out, and stays awaited (a late answer
# would be given back). The same command then works.
for kind in no-reply unique-wrong header-short empty; do
    case $kind in
    unique-wrong) counted="0 bad replies, 1 unknown replies, 0 bad names, 0 notifications" ;;
    header-short|empty) counted=$ONE_BAD ;;
    *) counted=$CLEAN ;;
    esac
    recovers "lookup:$kind" $'type \\bad\ntype \\bad' "type \\bad: STATUS_IO_TIMEOUT" \
        "$counted" "$ONE_AWAITED" "${TIMEOUT[@]}"
    check_eq "lookup:$kind: \\bad reads after the timeout" 1 "$(count_lines 'bad but readable')"
done

# An INTERRUPT the file system ignores: the READ it was for times out (the INTERRUPT reached
# hostile_fs: it says so).
recovers interrupt:ignored $'type \\bad\ntype \\bad' "type \\bad: STATUS_IO_TIMEOUT" \
    "$CLEAN" "$ONE_AWAITED" "${TIMEOUT[@]}"
check_contains "interrupt:ignored: the INTERRUPT went out" "interrupt:ignored on unique" "$ERR"

# ... and without --timeout, Ctrl-C: INTERRUPT, ignored, then given up after the grace.
rm -f "$E2E_TMP/in"
mkfifo "$E2E_TMP/in"
"$WINFUSE" shell --debug --mount=devfd -- "$HOSTILE_FS" interrupt:ignored {} \
    <"$E2E_TMP/in" >"$OUT" 2>"$ERR" &
SHELL_PID=$!
E2E_PIDS+=("$SHELL_PID")
exec {IN}>"$E2E_TMP/in"
printf '%s\n' 'type \bad' >&"$IN"
if wait_for "devfuse: -> READ" "$ERR" 30; then
    kill -INT "$SHELL_PID"
    printf '%s\n' 'type \bad' 'type \f.txt' 'vol' >&"$IN"
else
    fail "interrupt:ignored: the READ goes out" "$(tail -5 "$ERR")"
fi
exec {IN}>&-
wait "$SHELL_PID"
STATUS=$?
check_contains "interrupt:ignored, Ctrl-C: the read is cancelled after the grace" \
    "type \\bad: STATUS_CANCELLED" "$ERR"
check_contains "interrupt:ignored, Ctrl-C: the INTERRUPT reached the file system" \
    "hostile_fs: interrupt:ignored on unique" "$ERR"
check_eq "interrupt:ignored, Ctrl-C: \\bad then reads" 1 "$(count_lines 'bad but readable')"
check_eq "interrupt:ignored, Ctrl-C: \\f.txt reads" 1 "$(count_lines 'hello, world')"
check_contains "interrupt:ignored, Ctrl-C: vol counts it, still awaited" \
    "Given up:       $ONE_AWAITED" "$OUT"
check_contains "interrupt:ignored, Ctrl-C: nothing malformed" "Misbehaviour:   $CLEAN" "$OUT"
check_eq "interrupt:ignored, Ctrl-C: the shell stays, ends at end of input (a command failed)" \
    1 "$STATUS"

# ---- a READ that ignores its offset: the read stops at the file's size ---------------------
recovers read:ignore-offset 'type \bad' "" "$CLEAN" "$NONE_GIVEN_UP"
check_eq "read:ignore-offset: the 17 bytes are printed once, then \\f.txt's" \
    "bad but readable|hello, world" "$(head -n 2 "$OUT" | paste -sd'|')"

# ---- LOOKUP: the one entry intake -----------------------------------------------------------
# nodeid 0 is "no such entry", as the kernel takes it: not a bad reply.
recovers lookup:nodeid-zero $'type \\bad\ntype \\bad' "type \\bad: STATUS_OBJECT_NAME_NOT_FOUND" \
    "$CLEAN" "$NONE_GIVEN_UP"
# The root as a child, and type bits no file has: refused, counted; the root is not
# aliased (it still lists as a directory).
for kind in nodeid-root mode-type-zero mode-type-all; do
    recovers "lookup:$kind" $'type \\bad\ntype \\bad\ndir \\' "type \\bad: $IO" \
        "$ONE_BAD" "$NONE_GIVEN_UP"
    check_eq "lookup:$kind: dir \\ lists the root" "13 f.txt|<DIR> d|17 bad|<DIR> baddir" \
        "$(dir_listing "$OUT" | paste -sd'|')"
done
# A file said to be a directory: nothing cached contradicts it yet (the kernel would take it
# too), so \bad is a directory: `type` says so. Its next GETATTR says file, which the cache
# contradicts: a bad reply, the node made bad; the one after looks it up afresh and works.
recovers lookup:type-lie $'type \\bad\ntype \\bad\ntype \\bad' \
    "type \\bad: STATUS_FILE_IS_A_DIRECTORY"$'\n'"type \\bad: $IO" "$ONE_BAD" "$NONE_GIVEN_UP"
check_eq "lookup:type-lie: \\bad reads at the third try" 1 "$(count_lines 'bad but readable')"

# ---- GETATTR: a type lie makes the node bad; the command fails, the next one looks again ----
for kind in type-lie mode-type-zero mode-type-all; do
    recovers "getattr:$kind" $'type \\bad\ntype \\bad' "type \\bad: $IO" "$ONE_BAD" \
        "$NONE_GIVEN_UP"
    check_eq "getattr:$kind: \\bad reads at the second try" 1 "$(count_lines 'bad but readable')"
done

# ---- listings: an entry "liar" (READDIRPLUS: nodeid 0, the root, inner.txt's nodeid as a
# directory; READDIR: its LOOKUP says the same) is not listed; the rest is -----------------
for op in readdir readdirplus; do
    for kind in nodeid-zero nodeid-root type-lie; do
        # nodeid 0 is "no entry" (the LOOKUP that follows says so too); the others are bad.
        counted=$ONE_BAD
        [ "$kind" = nodeid-zero ] && counted=$CLEAN
        recovers "$op:$kind" $'echo ==baddir==\ndir \\baddir\necho ==root==\ndir \\\necho ==inner==\ntype \\baddir\\inner.txt\necho ==end==' \
            "" "$counted" "$NONE_GIVEN_UP"
        check_eq "$op:$kind: \\baddir lists inner.txt, not the liar" \
            "<DIR> .|<DIR> ..|6 inner.txt" \
            "$(section_of ==baddir== ==root== >"$E2E_TMP/part"; dir_listing "$E2E_TMP/part" | paste -sd'|')"
        check_eq "$op:$kind: dir \\ still works" "13 f.txt|<DIR> d|17 bad|<DIR> baddir" \
            "$(section_of ==root== ==inner== >"$E2E_TMP/part"; dir_listing "$E2E_TMP/part" | paste -sd'|')"
        check_eq "$op:$kind: inner.txt reads" "inner" "$(section_of ==inner== ==end==)"
    done
done

# ---- DESTROY: the /dev/fuse door sends none (the channel's end ends the session), so a file
# system that would not answer it, or answer it badly, cannot hold up the unmount ----------
for kind in no-reply error-huge; do
    run_shell $'type \\f.txt\n' --debug --mount=devfd -- "$HOSTILE_FS" "destroy:$kind" {}
    if [ "$STATUS" = 0 ] && grep -qx 'hello, world' "$OUT" &&
        ! grep -q 'devfuse: -> DESTROY' "$ERR" && ! grep -q '^hostile_fs: destroy' "$ERR"; then
        pass "destroy:$kind: no DESTROY goes out; the session ends cleanly"
    else
        fail "destroy:$kind: no DESTROY goes out; the session ends cleanly" "exit $STATUS" \
            "$(grep -v '^devfuse: ' "$ERR")" "$(grep 'DESTROY' "$ERR")"
    fi
done
# With --destroy (what the FUSE_FSCTL_TRANSACT door does), DESTROY goes out and is met by the
# misbehaviour: an unanswered or malformed DESTROY still ends the session, with exit 0.
for kind in no-reply error-huge long; do
    run_shell $'type \\f.txt\n' --debug --destroy --mount=devfd -- "$HOSTILE_FS" "destroy:$kind" {}
    if [ "$STATUS" = 0 ] && grep -qx 'hello, world' "$OUT" &&
        grep -q 'devfuse: -> DESTROY' "$ERR" && grep -q '^hostile_fs: destroy' "$ERR"; then
        pass "destroy:$kind with --destroy: DESTROY met by the misbehaviour; the session ends cleanly"
    else
        fail "destroy:$kind with --destroy: DESTROY met by the misbehaviour; the session ends cleanly" \
            "exit $STATUS" "$(grep -v '^devfuse: ' "$ERR")" "$(grep 'DESTROY' "$ERR")"
    fi
done

finish
