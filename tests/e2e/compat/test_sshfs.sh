#!/usr/bin/env bash
# test_sshfs.sh — compatibility row: sshfs 3 (libfuse 3 high-level API) through /dev/fd/N,
# against an sshd of its own on 127.0.0.1, with host and client keys made now; the served
# directory shows the changes. Also: a rename over an existing file (sshfs uses OpenSSH's
# posix-rename extension for it).
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE
compat_require sshfs ssh ssh-keygen /usr/sbin/sshd
FS=sshfs

SRC=$E2E_TMP/served
KEYS=$E2E_TMP/ssh
compat_fixture_dir "$SRC" || die "make the served directory"
mkdir "$KEYS" || die "make the key directory"
ssh-keygen -q -t ed25519 -N '' -C winfuse-test-host -f "$KEYS/host_key" ||
    die "ssh-keygen" "cannot make the host key"
ssh-keygen -q -t ed25519 -N '' -C winfuse-test-client -f "$KEYS/client_key" ||
    die "ssh-keygen" "cannot make the client key"
cp "$KEYS/client_key.pub" "$KEYS/authorized_keys"
# sshd's privilege separation directory, which the ssh service would otherwise make.
mkdir -p /run/sshd

# sshd on a free high port of 127.0.0.1: a port taken by someone else shows in its log.
SSHD_PID=""
start_sshd() {
    local port attempt
    for attempt in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 40000))
        cat >"$KEYS/sshd_config" <<CONFIG
Port $port
ListenAddress 127.0.0.1
HostKey $KEYS/host_key
AuthorizedKeysFile $KEYS/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
PidFile none
Subsystem sftp internal-sftp
CONFIG
        : >"$KEYS/sshd.log"
        /usr/sbin/sshd -D -e -f "$KEYS/sshd_config" 2>"$KEYS/sshd.log" &
        SSHD_PID=$!
        E2E_PIDS+=("$SSHD_PID")
        local deadline=$((SECONDS + 5))
        while [ "$SECONDS" -lt "$deadline" ]; do
            if grep -q "Server listening on 127.0.0.1 port $port" "$KEYS/sshd.log"; then
                SSHD_PORT=$port
                return 0
            fi
            kill -0 "$SSHD_PID" 2>/dev/null || break
            sleep 0.05
        done
        kill "$SSHD_PID" 2>/dev/null
        wait "$SSHD_PID" 2>/dev/null
    done
    return 1
}
start_sshd || die "start sshd on 127.0.0.1" "$(cat "$KEYS/sshd.log")"
pass "$FS: sshd listens on 127.0.0.1:$SSHD_PORT"

SSHFS=(sshfs -f -o "ssh_command=ssh -F /dev/null" -o port="$SSHD_PORT"
    -o IdentityFile="$KEYS/client_key" -o StrictHostKeyChecking=no
    -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR
    "root@127.0.0.1:$SRC" "{}")
store_cat() { cat -- "$SRC/$1"; }
store_dir_has() { [ -d "$SRC/$1" ]; }

compat_writable_battery -- "${SSHFS[@]}"
compat_door devfd
compat_check_storage
compat_gone "root@127.0.0.1:$SRC" "sshfs"
compat_check -- "${SSHFS[@]}"

# Renaming over an existing file: move /Y replaces it (ReplaceIfExists); plain move refuses.
printf 'old\n' >"$SRC/target.txt"
printf 'new\n' >"$SRC/source.txt"
printf 'other\n' >"$SRC/other.txt"
compat_shell 'move \other.txt \target.txt
move /Y \source.txt \target.txt
' -- "${SSHFS[@]}"
check_contains "$FS: move without /Y onto an existing file is refused" \
    'STATUS_OBJECT_NAME_COLLISION' "$ERR"
check_eq "$FS: move /Y replaces the existing file" "new" "$(cat "$SRC/target.txt" 2>&1)"
check_eq "$FS: move /Y leaves no source behind" "absent" \
    "$([ -e "$SRC/source.txt" ] && echo present || echo absent)"

# The evidence for the check's link.create FAIL (check-notes.tsv): the same sshfs mounted by
# the Linux kernel also reads a link count of 1 after a link, while the served directory
# has 2 (SFTP's attributes carry no link count).
if [ "$(id -u)" -eq 0 ] && [ -c /dev/fuse ]; then
    MNT=$E2E_TMP/kernel-mnt
    mkdir "$MNT" && printf 'A' >"$SRC/k.txt"
    sshfs_argv=("${SSHFS[@]}")
    unset 'sshfs_argv[${#sshfs_argv[@]}-1]'     # the "{}" mount point
    "${sshfs_argv[@]}" "$MNT" 2>"$E2E_TMP/kernel_sshfs.log" &
    KERNEL_SSHFS=$!
    E2E_PIDS+=("$KERNEL_SSHFS")
    trap 'mountpoint -q "$MNT" && { fusermount -u "$MNT" || umount -l "$MNT"; }; e2e_cleanup' EXIT
    for _ in $(seq 200); do mountpoint -q "$MNT" && break; sleep 0.05; done
    if mountpoint -q "$MNT"; then
        ln "$MNT/k.txt" "$MNT/k2.txt"
        check_eq "$FS (kernel): link.create: the link count reads 1 after a link, 2 on the server" \
            "1 2" "$(stat -c %h "$MNT/k.txt") $(stat -c %h "$SRC/k.txt")"
        fusermount -u "$MNT" 2>/dev/null || umount -l "$MNT"
    else
        fail "$FS (kernel): the kernel mount of sshfs" "$(tail -n 5 "$E2E_TMP/kernel_sshfs.log")"
    fi
    wait "$KERNEL_SSHFS" 2>/dev/null
fi

kill "$SSHD_PID" 2>/dev/null
wait "$SSHD_PID" 2>/dev/null
check_contains "$FS: the sessions reached our sshd with the test's key" "Accepted publickey for root" \
    "$KEYS/sshd.log"
compat_finish
