#!/usr/bin/env bash
# test_mount_listing.sh — readdir through `winfuse mount` lists every name the directory behind
# it holds as Linux wrote it (non-ASCII, characters Windows forbids, 255-byte names, more
# names than one buffer takes), and none that has no Windows form, on a case-sensitive and a
# case-insensitive mount, listed twice (the second time from the engine's cached entries).
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE PASSTHROUGH_LL
if [ "$(id -u)" -ne 0 ]; then
    echo "# skipped: kernel FUSE mounts need root"
    finish
fi
command -v fusermount3 >/dev/null || die "prerequisite fusermount3" "not installed"
command -v python3 >/dev/null || die "prerequisite python3" "not installed"
. "$(dirname "${E2E_LIB:-$0}")/mount_lib.sh"

# Makes the names in $1; prints those a listing must show, one a line, as hex, sorted.
make_names() {
    python3 - "$1" <<'PY'
import os, sys
d = os.fsencode(sys.argv[1])
listed = [b"f%05d" % i for i in range(3000)]           # more than one buffer of each layer
listed += ["caf\u00e9".encode(), "\u65e5\u672c\u8a9e.txt".encode(), "\U0001F600".encode(),
           b"a:b", b"what?", b"back\\slash", b'"quoted"', b"<>|*", b"ctl\x01x", b" lead",
           b"trail.", b"x" * 255, "\u65e5".encode() * 85]
unlisted = ["\uf03a".encode(),   # a private-use character standing for ':'
            b"bad\xffutf8"]
for name in listed + unlisted:
    open(os.path.join(d, name), "wb").close()
for name in sorted(listed):
    print(name.hex())
PY
}

# Prints what readdir of $1 gives but "." and "..", one a line, as hex, sorted.
list_names() {
    python3 - "$1" <<'PY'
import os, sys
for name in sorted(os.listdir(os.fsencode(sys.argv[1]))):
    print(name.hex())
PY
}

for opts in "" "--case-insensitive"; do
    fs_command passthrough_ll
    expected=$(make_names "$SRC") || die "names made" "python3 failed"
    mount_up $opts -- "${FS_CMD[@]}" || die "mounted ${opts:-case-sensitive}" "$(cat "$MOUNT_ERR")"
    check_eq "${opts:-case-sensitive}: readdir lists every name with a Windows form" \
        "$expected" "$(list_names "$MNT")"
    check_eq "${opts:-case-sensitive}: and again, from the entries the engine cached" \
        "$expected" "$(list_names "$MNT")"
    mount_down
    check_eq "${opts:-case-sensitive}: winfuse mount ended cleanly" 0 "$MOUNT_STATUS"
done
finish
