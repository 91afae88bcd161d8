#!/usr/bin/env bash
# test_access.sh — access checks for the caller `winfuse shell --as UID:GID` names, on
# passthrough_ll over a real directory with mixed owners and modes. passthrough_ll runs as
# root and checks nothing itself: every refusal here is WinFuse's, and the file system never
# sees the refused operation (--debug shows no request for it).
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE PASSTHROUGH_LL

if [ "$(id -u)" -ne 0 ]; then
    echo "# skipped: preparing files of other owners needs root"
    finish
fi

use_fs passthrough_ll
FS="passthrough_ll"
# The volume root, and:
#   private/         0700 root       secret.txt 0644 root
#   home/            0755 1000:1000  pub.txt 0644, own.txt 0600 (1000:1000)
#   shared/          0770 root:1000  (the group may add)
#   tmp/             1777 root       theirs.txt 0666 (1000:1000)
prepare() {
    rm -rf "${SRC:?}"/*
    chmod 0755 "$SRC"
    mkdir "$SRC/private" "$SRC/home" "$SRC/shared" "$SRC/tmp"
    echo secret >"$SRC/private/secret.txt"
    chmod 0700 "$SRC/private"
    chmod 0644 "$SRC/private/secret.txt"
    echo public >"$SRC/home/pub.txt"
    echo own >"$SRC/home/own.txt"
    chmod 0644 "$SRC/home/pub.txt"
    chmod 0600 "$SRC/home/own.txt"
    chown -R 1000:1000 "$SRC/home"
    chmod 0755 "$SRC/home"
    chown root:1000 "$SRC/shared"
    chmod 0770 "$SRC/shared"
    echo theirs >"$SRC/tmp/theirs.txt"
    chown 1000:1000 "$SRC/tmp/theirs.txt"
    chmod 0666 "$SRC/tmp/theirs.txt"
    chmod 1777 "$SRC/tmp"
}

# refused NAME COMMAND-PREFIX: stderr says the command failed with STATUS_ACCESS_DENIED.
refused() {
    check_contains "$FS: $1" "$2: STATUS_ACCESS_DENIED" "$ERR"
}

# ---- the owner (1000:1000) ------------------------------------------------------------
prepare
fs_script --debug --as 1000:1000 <<'EOF'
type \home\pub.txt
type \home\own.txt
echo mine > \home\new.txt
echo more >> \home\own.txt
dir \private
type \private\secret.txt
echo nope > \nope.txt
md \private\sub
echo group > \shared\g.txt
ren \home\pub.txt renamed.txt
EOF
check_out "the owner reads a 0644 file" "public"
check_out "the owner reads a 0600 file" "own"
check_eq "$FS: the owner creates in a 0755 directory it owns" "mine" \
    "$(tr -d '\r' <"$SRC/home/new.txt" 2>/dev/null)"
check_eq "$FS: the owner appends to its 0600 file" "own more" \
    "$(tr -d '\r' <"$SRC/home/own.txt" | tr '\n' ' ' | sed 's/ $//')"
refused "a 0700 directory of root cannot be listed" 'dir \private'
refused "nor traversed" 'type \private\secret.txt'
refused "no file is made in a 0755 directory of root" 'echo \nope.txt'
check_eq "$FS: and none appeared on disk" "no" "$([ -e "$SRC/nope.txt" ] && echo yes || echo no)"
refused "no directory is made in a 0700 directory of root" 'md \private\sub'
check_eq "$FS: the group may add to a 0770 directory" "group" \
    "$(tr -d '\r' <"$SRC/shared/g.txt" 2>/dev/null)"
check_eq "$FS: the owner renames in its directory" "yes" \
    "$([ -e "$SRC/home/renamed.txt" ] && echo yes || echo no)"
check_eq "$FS: the file system was asked for the two allowed creations only" "2 0 0" \
    "$(requests CREATE) $(requests MKDIR) $(requests MKNOD)"

# ---- another user (1001:1001) ---------------------------------------------------------
prepare
fs_script --debug --as 1001:1001 <<'EOF'
type \home\pub.txt
type \home\own.txt
echo more >> \home\pub.txt
echo new > \home\new.txt
del \home\pub.txt
ren \home\pub.txt stolen.txt
echo g > \shared\g.txt
echo more >> \tmp\theirs.txt
del \tmp\theirs.txt
nt create \home\pub.txt access=MAXIMUM_ALLOWED
nt read 1 0 6 text
nt write 1 0 XX
EOF
check_out "another reads a 0644 file" "public"
refused "another cannot read a 0600 file" 'type \home\own.txt'
refused "nor append to a 0644 file" 'echo \home\pub.txt'
check_eq "$FS: which is unchanged on disk" "public" "$(tr -d '\r' <"$SRC/home/pub.txt")"
refused "nor create in another's 0755 directory" 'echo \home\new.txt'
check_eq "$FS: where nothing appeared" "no" \
    "$([ -e "$SRC/home/new.txt" ] && echo yes || echo no)"
refused "nor delete there" 'del \home\pub.txt'
refused "nor rename there" 'ren \home\pub.txt'
check_eq "$FS: the file is still there" "yes" \
    "$([ -e "$SRC/home/pub.txt" ] && echo yes || echo no)"
refused "a 0770 directory of another group refuses" 'echo \shared\g.txt'
check_eq "$FS: a 0666 file in a sticky directory may be written" "theirs more" \
    "$(tr -d '\r' <"$SRC/tmp/theirs.txt" | tr '\n' ' ' | sed 's/ $//')"
refused "but not deleted by another" 'del \tmp\theirs.txt'
check_eq "$FS: it stays" "yes" "$([ -e "$SRC/tmp/theirs.txt" ] && echo yes || echo no)"
check_out "MAXIMUM_ALLOWED opens another's 0644 file" 'nt create \home\pub.txt: STATUS_SUCCESS'
check_out "and grants reading" 'nt read 1: STATUS_SUCCESS'
check_last "but not writing" 'nt write 1: STATUS_ACCESS_DENIED'
check_eq "$FS: the file system saw no refused operation: no CREATE, UNLINK or RENAME, one WRITE (the allowed append)" \
    "0 0 0 0 1" \
    "$(requests CREATE) $(requests UNLINK) $(requests RENAME) $(requests RENAME2) $(requests WRITE)"

# ---- the same tree as root: nothing is refused -----------------------------------------
prepare
fs_script <<'EOF'
type \private\secret.txt
echo root > \private\r.txt
del \tmp\theirs.txt
EOF
check_out "root reads in a 0700 directory" "secret"
check_eq "$FS: root creates there" "root" "$(tr -d '\r' <"$SRC/private/r.txt" 2>/dev/null)"
check_eq "$FS: root deletes in a sticky directory" "no" \
    "$([ -e "$SRC/tmp/theirs.txt" ] && echo yes || echo no)"
check_lacks "$FS: root is refused nothing" "STATUS_ACCESS_DENIED" "$ERR"

finish
