#!/usr/bin/env bash
# test_hostile.sh — every malformed reply kind the engine can receive, from hostile_fs (a
# daemon of ours on the raw protocol, tests/hostile/hostile_fs.c) misbehaving once as its
# MODE says: the command it answers ends with a clear NTSTATUS, the same command then works,
# another file reads, `vol` counts what happened. The catalogue: docs/engine.md, "Malformed
# replies".
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE HOSTILE_FS

IO=STATUS_IO_DEVICE_ERROR
# One bad reply and no unknown one: the door's own EIO for a request whose reply was refused
# is not the file system's.
BAD="1 bad replies, 0 unknown replies"

# hostile MODE INPUT: the shell on hostile_fs in MODE; $OUT, $ERR, $STATUS as run_shell.
hostile() {
    run_shell "$2" --mount=devfd -- "$HOSTILE_FS" "$1" {}
}

# bad MODE COMMAND ERROR COUNTER [AFTER]: COMMAND meets the misbehaviour and fails with the
# stderr line ERROR ("" when it succeeds; for the nt family, whose results go to stdout, the
# stdout line), AFTER (COMMAND again by default) succeeds, so does `type \f.txt`, and `vol`
# shows COUNTER ("$BAD", ...).
bad() {
    local mode=$1 command=$2 error=$3 counter=$4 after=${5:-$2} problems=() errors
    hostile "$mode" "$command"$'\n'"$after"$'\n'$'type \\f.txt\nvol\n'
    errors=$(grep -v '^hostile_fs: ' "$ERR")
    grep -q "^hostile_fs: $mode" "$ERR" || problems+=("hostile_fs did not misbehave")
    if [ "${error#nt }" != "$error" ]; then
        grep -qxF -- "$error" "$OUT" || problems+=("no '$error' in stdout: $(grep '^nt ' "$OUT")")
        grep -q "^${error%%:*}: STATUS_SUCCESS" "$OUT" ||
            problems+=("${error%%:*} did not succeed after: $(grep '^nt ' "$OUT")")
        [ -z "$errors" ] || problems+=("stderr: '$errors'")
    elif [ "$errors" != "$error" ]; then
        problems+=("stderr: '$errors'" "expected: '$error'")
    fi
    grep -q 'hello, world' "$OUT" || problems+=("type \\f.txt did not read the file")
    grep -q "^Misbehaviour: .*$counter" "$OUT" ||
        problems+=("vol: $(grep '^Misbehaviour' "$OUT"), expected $counter")
    [ "$STATUS" = "$([ -n "$error" ] && echo 1 || echo 0)" ] || problems+=("exit $STATUS")
    if [ ${#problems[@]} -eq 0 ]; then
        pass "$mode: ${error:-$command succeeds}, the volume still usable ($counter)"
    else
        fail "$mode: $command" "${problems[@]}"
    fi
}

# The trigger of each opcode's misbehaviour, and the error line it prints.
trigger() {
    case $1 in
    lookup|open|read|flush|release) echo 'type \bad' ;;
    getattr) echo 'stat \bad' ;;
    setattr) echo 'attrib +R \bad' ;;
    write) echo 'echo y > \bad' ;;
    statfs) echo 'vol' ;;
    create) echo 'echo x > \new' ;;
    mkdir) echo 'md \newdir' ;;
    opendir|readdir|readdirplus|releasedir) echo 'dir \baddir' ;;
    readlink) echo 'type \badlink' ;;
    listxattr|getxattr) echo 'ea \bad' ;;
    setxattr) echo 'ea \bad k=v2' ;;
    esac
}

error_of() {            # error_of OPCODE STATUS: the stderr line of its trigger's failure
    case $1 in
    write) echo "echo \\bad: $2" ;;
    setattr) echo "attrib \\bad: $2" ;;
    statfs) echo "vol: $2" ;;
    create) echo "echo \\new: $2" ;;
    mkdir) echo "md \\newdir: $2" ;;
    setxattr) echo "ea \\bad: $2" ;;
    *) echo "$(trigger "$1"): $2" ;;
    esac
}

after_of() {            # what shows the volume usable after the trigger failed
    case $1 in
    create) echo 'type \new' ;;         # it was made: the file system did its part
    mkdir) echo 'dir \newdir' ;;
    *) trigger "$1" ;;
    esac
}

# ---- framing: the same for every reply ------------------------------------------------
# short/long: the fixed-size body cut in half or 8 bytes too long; error-positive: +5;
# error-huge: -100000; error-4096: just beyond the errno range; error-with-body: -EIO and 16
# bytes; no-body: success without the body; len-over/len-under/len-zero: the header's len
# disagrees with the datagram. Each is STATUS_IO_DEVICE_ERROR.
FRAMING="error-positive error-huge error-4096 error-with-body len-over len-under len-zero"
FIXED="short long no-body"
for op in lookup getattr setattr open write statfs create mkdir opendir listxattr; do
    for kind in $FIXED $FRAMING; do
        bad "$op:$kind" "$(trigger $op)" "$(error_of $op $IO)" "$BAD" "$(after_of $op)"
    done
done
# Variable-length replies: a short or empty body is a valid answer (a short read, a shorter
# target, an empty value), so only the framing kinds (and those below) are malformed.
for op in read readlink getxattr setxattr; do
    for kind in $FRAMING; do
        bad "$op:$kind" "$(trigger $op)" "$(error_of $op $IO)" "$BAD"
    done
done
# 8 NULs more than the file's size: the stand-in asks for no more than the size it was told,
# so they are more than asked.
bad read:long 'type \bad' "type \\bad: $IO" "$BAD"
# Replies to requests whose failure a close cannot report: counted, the command succeeds.
for op in flush release releasedir; do
    for kind in long $FRAMING; do
        bad "$op:$kind" "$(trigger $op)" "" "$BAD"
    done
done

# Namespace and flush requests (accepted by hostile_fs, not carried out: the same command
# works again). A failed UNLINK/RMDIR/FALLOCATE cannot fail its command (Cleanup cannot
# fail; a preallocation is optional): counted only. The framing kinds take one path for
# every opcode (above); here a sample of them.
OPEN_RW='nt create \bad access=GENERIC_READ|GENERIC_WRITE'
SAMPLE="long error-huge error-with-body len-under"
for kind in $SAMPLE; do
    bad "unlink:$kind" 'del \bad' "" "$BAD"
    bad "rmdir:$kind" 'rd \d' "" "$BAD"
    bad "rename2:$kind" 'ren \bad bad2' "ren \\bad: $IO" "$BAD"
    bad "rename:$kind" 'move /Y \bad \d\x' "move \\bad: $IO" "$BAD"
    bad "removexattr:$kind" 'ea \bad k=' "ea \\bad: $IO" "$BAD"
    bad "fsync:$kind" "$OPEN_RW"$'\nnt flush 1' "nt flush 1: $IO" "$BAD" 'nt flush 1'
    bad "syncfs:$kind" 'nt flush' "nt flush: $IO" "$BAD"
    bad "fallocate:$kind" "$OPEN_RW"$'\nnt setinfo 1 alloc 100000' "" "$BAD"
done
for kind in short no-body $SAMPLE; do
    bad "link:$kind" $'nt create \\bad\nnt setinfo 1 link \\bad2' \
        "nt setinfo 1 link: $IO" "$BAD" 'nt setinfo 1 link \bad3'
    bad "symlink:$kind" 'mklink \new f.txt' "mklink \\new: $IO" "$BAD" 'dir \'
done

# A stray message beside the real answer: a copy with unique 0 (no notification code), or
# with a unique never sent. Dropped and counted; the request itself is answered.
for op in lookup getattr read write statfs opendir readdirplus readlink listxattr flush; do
    bad "$op:unique-zero" "$(trigger $op)" "" "$BAD"
    bad "$op:unique-stray" "$(trigger $op)" "" "1 unknown replies"
done

# ---- sizes beyond what was asked --------------------------------------------------------
bad read:longer-than-asked 'type \bad' "type \\bad: $IO" "$BAD"
bad write:more-than-asked 'echo y > \bad' "echo \\bad: $IO" "$BAD"
bad getxattr:longer-than-asked 'ea \bad' "ea \\bad: $IO" "$BAD"
bad listxattr:longer-than-asked 'ea \bad' "ea \\bad: $IO" "$BAD"
bad listxattr:data-for-size 'ea \bad' "ea \\bad: $IO" "$BAD"
bad listxattr:unterminated 'ea \bad' "ea \\bad: $IO" "$BAD"
# The list grew between the size query and the list (ERANGE): asked again, no error.
bad listxattr:size-lie 'ea \bad' "" "0 bad replies"
# ... and one that always understates ends, not loops.
bad listxattr:size-lie-always 'ea \bad' "ea \\bad: STATUS_EA_LIST_INCONSISTENT" \
    "0 bad replies" 'type \bad'
bad readlink:over-long 'type \badlink' "type \\badlink: $IO" "$BAD"
bad readlink:empty 'type \badlink' "type \\badlink: STATUS_IO_REPARSE_DATA_INVALID" \
    "$BAD"
bad readlink:nul 'type \badlink' "type \\badlink: STATUS_IO_REPARSE_DATA_INVALID" \
    "$BAD"

# ---- listings ----------------------------------------------------------------------------
# One valid entry, then a malformed one: what was valid is listed (the listing ends there,
# successfully), the reply counted. A reply with nothing valid fails.
for op in readdir readdirplus; do
    for kind in namelen-zero namelen-overflow namelen-huge truncated long; do
        bad "$op:$kind" 'dir \baddir' "" "$BAD"
    done
    for kind in short error-positive error-huge len-over len-under longer; do
        bad "$op:$kind" 'dir \baddir' "dir \\baddir: $IO" "$BAD"
    done
    # Names no Windows entry can have: skipped, counted as bad names.
    bad "$op:slash" 'dir \baddir' "" "1 bad names"
    bad "$op:nul" 'dir \baddir' "" "1 bad names"
    bad "$op:dots" 'dir \baddir' "" "0 bad replies"
    # Offsets that never move on (the same cookie again, or an earlier one): every
    # listing would never end; each ends, the reply counted.
    bad "$op:repeat" 'dir \baddir' "" "bad replies"
    bad "$op:backwards" 'dir \baddir' "" "bad replies"
done

# ---- notifications (unique 0), sent before the answer to LOOKUP \bad ----------------------
for kind in bad-code negative-code short no-nul slash namelen-huge empty-name inode-long; do
    bad "notify:$kind" 'type \bad' "" "1 bad replies, 0 unknown replies, 0 bad names, 1 notifications"
done
bad notify:store 'type \bad' "" "0 bad replies, 0 unknown replies, 0 bad names, 1 notifications"

# ---- an answer to INTERRUPT with a body (the READ of \bad is held until its INTERRUPT) ----
hostile interrupt:body $'reads 1 \\bad 4096 cancel=100\ntype \\f.txt\nvol\n'
if grep -q '^hostile_fs: interrupt:body' "$ERR" &&
    grep -q '1 reads: 1 failed with STATUS_CANCELLED' "$OUT" &&
    grep -q '^Misbehaviour: *1 bad replies' "$OUT" && grep -q 'hello, world' "$OUT"; then
    pass "interrupt:body: the read is cancelled, the answer counted, the volume still usable"
else
    fail "interrupt:body" "$(cat "$OUT" "$ERR")"
fi

# ---- INIT ----------------------------------------------------------------------------------
# init_refused KIND STATUS: the volume does not mount, the shell says why and exits 2.
init_refused() {
    hostile "init:$1" $'type \\f.txt\n'
    if [ "$STATUS" = 2 ] && grep -q "refused INIT.*: $2\$" "$ERR" && grep -q "^hostile_fs: init:$1" "$ERR"; then
        pass "init:$1: the volume is refused with $2"
    else
        fail "init:$1: the volume is refused with $2" "exit $STATUS" "$(cat "$ERR")"
    fi
}
init_refused major-6 STATUS_CONNECTION_REFUSED
init_refused major-8 STATUS_CONNECTION_REFUSED
init_refused minor-0 STATUS_CONNECTION_REFUSED
for kind in long error-positive error-huge no-body; do
    init_refused $kind $IO
done
init_refused len-over STATUS_CONNECTION_REFUSED     # answered EIO by the door, as the kernel

# init_accepted KIND TEXT: the volume mounts and `vol` shows TEXT.
init_accepted() {
    hostile "init:$1" $'type \\f.txt\nvol\n'
    if [ "$STATUS" = 0 ] && grep -q 'hello, world' "$OUT" && grep -qF -- "$2" "$OUT" &&
        grep -q "^hostile_fs: init:$1" "$ERR"; then
        pass "init:$1: mounted, vol shows $2"
    else
        fail "init:$1: mounted, vol shows $2" "exit $STATUS" "$(cat "$OUT" "$ERR")"
    fi
}
init_accepted tiny-max-write "write size:     4096"
init_accepted huge-max-pages "max_pages:      256"
init_accepted old-8-bytes "write size:     4096"
init_accepted old-24-bytes "max_pages:      32"
init_accepted unique-zero "$BAD"
init_accepted unique-stray "1 unknown replies"

# ---- sizes beyond 64 bits: saturated, never wrapped -----------------------------------------
hostile huge-sizes $'dir \\\nvol\n'
check_contains "files of 3 x (2^63-1) bytes (and two links) total the largest size, not a wrapped one" \
    "5 File(s) 18446744073709551615 bytes" "$OUT"
check_contains "STATFS blocks x frsize beyond 64 bits is the largest size" \
    "Total size:     18446744073709551615 bytes" "$OUT"

finish
