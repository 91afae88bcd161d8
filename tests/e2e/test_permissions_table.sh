#!/usr/bin/env bash
# test_permissions_table.sh — docs/security.md's permission table, row by row: each caller ×
# mode × operation is run through WinFuse (`winfuse shell --as`) and, as the same POSIX call,
# through the Linux kernel's FUSE with default_permissions, on passthrough_ll over the same
# directory; both must give the row's expected result and leave the file in the same state.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE PASSTHROUGH_LL

if [ "$(id -u)" -ne 0 ]; then
    echo "# skipped: acting as other users and mounting through the kernel needs root"
    finish
fi
for tool in setpriv getfattr setfattr fusermount3 mountpoint; do
    command -v "$tool" >/dev/null || die "prerequisite $tool" "not installed"
done

use_fs passthrough_ll
FS_ARGS+=(-o xattr)
# Other users must reach the files through the kernel's mount.
chmod 0755 "$E2E_TMP" "$SRC"
MNT=$E2E_TMP/mnt
mkdir "$MNT"
# cache=never: every row remakes the files behind the kernel's back.
"$PASSTHROUGH_LL" -f -o "source=$SRC,xattr,cache=never,default_permissions,allow_other" \
    "$MNT" 2>"$E2E_TMP/kernel_fs.err" &
KERNEL_FS=$!
E2E_PIDS+=("$KERNEL_FS")
for _ in $(seq 200); do
    mountpoint -q "$MNT" && break
    sleep 0.05
done
unmount_kernel() {
    if mountpoint -q "$MNT"; then
        fusermount3 -u "$MNT" 2>/dev/null || umount -l "$MNT"
    fi
    wait "$KERNEL_FS" 2>/dev/null
}
# Never leave the mount behind, whatever ends the test (ctest's timeout sends SIGTERM).
trap 'unmount_kernel; e2e_cleanup' EXIT
trap 'exit 1' TERM INT HUP
mountpoint -q "$MNT" || die "the kernel mount of passthrough_ll" "$(cat "$E2E_TMP/kernel_fs.err")"

# The callers: UID:GID[:GROUP,...] for --as; the same for setpriv.
caller_ids() {
    case $1 in
    owner) echo 1000:1000 ;;
    owner50) echo 1000:1000:50 ;;        # the owner, also in group 50
    other) echo 1001:1001:50 ;;
    member) echo 1002:1002:1000 ;;       # in the file's group 1000
    root) echo 0:0 ;;
    esac
}

# reset OWNER MODE TYPE: \t is a file (or a directory, TYPE d) of OWNER (UID:GID) with MODE,
# the xattr user.tag=v and a fixed mtime.
reset() {
    rm -rf "${SRC:?}"/t
    if [ "$3" = d ]; then mkdir "$SRC/t"; else echo data >"$SRC/t"; fi
    setfattr -n user.tag -v v "$SRC/t"
    chown "$1" "$SRC/t"
    chmod "$2" "$SRC/t"
    touch -m -d @1500000000 "$SRC/t"    # the same before each side, whatever the second
}

# The state both sides must leave: mode, owner, group, size (not a directory's), the tag,
# and with WITH_MTIME the mtime.
state() {
    local size
    size=$(stat -c %s "$SRC/t")
    [ -d "$SRC/t" ] && size=-
    # The tag in any case: Linux sets user.tag, WinFuse the EA TAG (upper-cased, as NTFS
    # stores EA names: docs/nt-semantics.md), the same EA to Windows.
    printf '%s %s tag=%s' "$(stat -c '%a %u %g' "$SRC/t")" "$size" \
        "$(getfattr -d --absolute-names "$SRC/t" 2>/dev/null |
            sed -n 's/^user\.[tT][aA][gG]="\(.*\)"$/\1/p')"
    [ -n "${WITH_MTIME:-}" ] && printf ' mtime=%s' "$(stat -c %Y "$SRC/t")"
    echo
}

# kernel CALLER OP: the POSIX call through the kernel's mount; ok, EPERM or EACCES.
kernel() {
    local ids=$(caller_ids "$1") target=$MNT/t out status
    local uid=${ids%%:*} rest=${ids#*:}
    local gid=${rest%%:*} groups=""
    [ "$rest" != "$gid" ] && groups=${rest#*:}
    local as=()
    if [ "$uid" != 0 ]; then
        as=(setpriv --reuid="$uid" --regid="$gid")
        if [ -n "$groups" ]; then as+=(--groups="$groups"); else as+=(--clear-groups); fi
    fi
    case $2 in
    readonly) out=$("${as[@]}" chmod a-w "$target" 2>&1) ;;
    writable) out=$("${as[@]}" chmod u+w "$target" 2>&1) ;;
    mtime) out=$("${as[@]}" touch -c -m -d @1600000000 "$target" 2>&1) ;;
    truncate) out=$("${as[@]}" truncate -s 0 "$target" 2>&1) ;;
    getea) out=$("${as[@]}" getfattr -n user.tag "$target" 2>&1) ;;
    setea) out=$("${as[@]}" setfattr -n user.tag -v x "$target" 2>&1) ;;
    chown) out=$("${as[@]}" chown 1001 "$target" 2>&1) ;;
    chgrp) out=$("${as[@]}" chgrp 50 "$target" 2>&1) ;;
    chmod) out=$("${as[@]}" chmod 0600 "$target" 2>&1) ;;
    esac
    status=$?
    if [ $status -eq 0 ]; then echo ok
    elif grep -q "Operation not permitted" <<<"$out"; then echo EPERM
    elif grep -q "Permission denied" <<<"$out"; then echo EACCES
    else echo "error($out)"
    fi
}

# winfuse CALLER OP: the Windows call through WinFuse; the first status that is not
# STATUS_SUCCESS the shell reports, or STATUS_SUCCESS.
winfuse() {
    local script
    case $2 in
    readonly) script='attrib +R \t' ;;
    writable) script='attrib -R \t' ;;
    mtime) script=$'nt create \\t access=FILE_WRITE_ATTRIBUTES\nnt setinfo 1 basic lastwrite=2020-09-13T12:26:40Z' ;;
    truncate) script=$'nt create \\t access=FILE_WRITE_DATA\nnt setinfo 1 eof 0' ;;
    getea) script='ea \t' ;;
    setea) script='ea \t tag=x' ;;
    chown) script='icacls \t /setowner S-1-22-1-1001' ;;
    chgrp) script='icacls \t /setsddl G:S-1-22-2-50' ;;
    chmod) script='icacls \t /setsddl "D:P(A;;0x1f019f;;;S-1-5-1000)(A;;0x120088;;;S-1-5-1000)(A;;0x120088;;;WD)"' ;;
    esac
    run_shell "$script"$'\n' --as "$(caller_ids "$1")" "${FS_ARGS[@]}"
    local first
    first=$(cat "$OUT" "$ERR" | grep -o 'STATUS_[A-Z_]*' | grep -v '^STATUS_SUCCESS$' | head -1)
    echo "${first:-STATUS_SUCCESS}"
}

# row CALLER OWNER MODE TYPE OP LINUX NTSTATUS
row() {
    local name="$1 on a $3 file of $2: $5"
    [ "$4" = d ] && name="$1 on a $3 directory of $2: $5"
    local got_kernel got_winfuse state_kernel state_winfuse
    WITH_MTIME=""
    [ "$5" = mtime ] && WITH_MTIME=1
    reset "$2" "$3" "$4"
    got_kernel=$(kernel "$1" "$5")
    state_kernel=$(state)
    reset "$2" "$3" "$4"
    got_winfuse=$(winfuse "$1" "$5")
    state_winfuse=$(state)
    check_eq "$name: Linux (default_permissions) gives $6" "$6" "$got_kernel"
    check_eq "$name: WinFuse gives $7" "$7" "$got_winfuse"
    check_eq "$name: both leave the same file" "$state_kernel" "$state_winfuse"
}

# Rows: caller, owner uid:gid, mode, f(ile)/d(irectory), operation, Linux, WinFuse.
# chmod (READONLY, which is the write bits) ------------------------------------------------
row owner   1000:1000 666  f readonly ok     STATUS_SUCCESS
row other   1000:1000 666  f readonly EPERM  STATUS_ACCESS_DENIED
row other   1000:1000 644  f readonly EPERM  STATUS_ACCESS_DENIED
row member  1000:1000 666  f readonly EPERM  STATUS_ACCESS_DENIED
row root    1000:1000 666  f readonly ok     STATUS_SUCCESS
row owner   1000:1000 444  f writable ok     STATUS_SUCCESS
# ... set-group-ID goes when the owner is not in the file's group
row owner   1000:1005 2666 f readonly ok     STATUS_SUCCESS
row owner50 1000:50   2666 f readonly ok     STATUS_SUCCESS
# chmod (a DACL) -----------------------------------------------------------------------------
row owner   1000:1000 644  f chmod    ok     STATUS_SUCCESS
row other   1000:1000 666  f chmod    EPERM  STATUS_ACCESS_DENIED
row member  1000:1000 664  f chmod    EPERM  STATUS_ACCESS_DENIED
row root    1000:1000 644  f chmod    ok     STATUS_SUCCESS
# times given explicitly (FileBasicInformation has no "now") ------------------------------
row owner   1000:1000 444  f mtime    ok     STATUS_SUCCESS
row other   1000:1000 666  f mtime    EPERM  STATUS_ACCESS_DENIED
row other   1000:1000 644  f mtime    EPERM  STATUS_ACCESS_DENIED
row member  1000:1000 664  f mtime    EPERM  STATUS_ACCESS_DENIED
row root    1000:1000 444  f mtime    ok     STATUS_SUCCESS
# size --------------------------------------------------------------------------------------
row other   1000:1000 666  f truncate ok     STATUS_SUCCESS
row other   1000:1000 644  f truncate EACCES STATUS_ACCESS_DENIED
row owner   1000:1000 444  f truncate EACCES STATUS_ACCESS_DENIED
row member  1000:1000 664  f truncate ok     STATUS_SUCCESS
# chown, chgrp ------------------------------------------------------------------------------
row owner   1000:1000 644  f chown    EPERM  STATUS_INVALID_OWNER
row other   1000:1000 666  f chown    EPERM  STATUS_ACCESS_DENIED
row root    1000:1000 644  f chown    ok     STATUS_SUCCESS
row owner50 1000:1000 644  f chgrp    ok     STATUS_SUCCESS
row owner   1000:1000 644  f chgrp    EPERM  STATUS_INVALID_PRIMARY_GROUP
row other   1000:1000 666  f chgrp    EPERM  STATUS_ACCESS_DENIED
row root    1000:1000 644  f chgrp    ok     STATUS_SUCCESS
# ... which take set-user-ID, and set-group-ID with g+x (the VFS, and WinFuse's SETATTR)
row root    1000:1000 6755 f chown    ok     STATUS_SUCCESS
row root    1000:1000 2744 f chown    ok     STATUS_SUCCESS
row owner50 1000:1000 2754 f chgrp    ok     STATUS_SUCCESS
# EAs: reading user.* ------------------------------------------------------------------------
row owner   1000:1000 600  f getea    ok     STATUS_SUCCESS
row other   1000:1000 600  f getea    EACCES STATUS_ACCESS_DENIED
row other   1000:1000 644  f getea    ok     STATUS_SUCCESS
row member  1000:1000 640  f getea    ok     STATUS_SUCCESS
row root    1000:1000 600  f getea    ok     STATUS_SUCCESS
# EAs: setting user.* ------------------------------------------------------------------------
row owner   1000:1000 644  f setea    ok     STATUS_SUCCESS
row owner   1000:1000 444  f setea    EACCES STATUS_ACCESS_DENIED
row other   1000:1000 666  f setea    ok     STATUS_SUCCESS
row other   1000:1000 644  f setea    EACCES STATUS_ACCESS_DENIED
row member  1000:1000 664  f setea    ok     STATUS_SUCCESS
row root    1000:1000 444  f setea    ok     STATUS_SUCCESS
row owner   1000:1000 1777 d setea    ok     STATUS_SUCCESS
row other   1000:1000 1777 d setea    EPERM  STATUS_ACCESS_DENIED

unmount_kernel
check_eq "the kernel's mount is gone" "no" "$(mountpoint -q "$MNT" && echo yes || echo no)"
finish
