#!/usr/bin/env bash
# test_kernel_probes.sh — the evidence behind "the file system's limit" in the check table of
# docs/compatibility.md: for each such FAIL of `winfuse check` (tests/e2e/compat/
# check-notes.tsv names the probe), the POSIX equivalent on the same file system mounted by
# the Linux kernel's FUSE with the same options, which must show the same limit. A probe that
# stops failing means the FAIL is WinFuse's after all.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
FS=kernel

if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/fuse ]; then
    echo "# skipped: mounting through the kernel needs root and /dev/fuse"
    finish
fi
compat_require fusermount mountpoint python3 mkfs.ext4 fuse2fs fuse-zip zip archivemount tar \
    encfs securefs fuse-overlayfs rclone

MNT=$E2E_TMP/mnt
mkdir "$MNT" || die "make the mount point"
KPID=""
# kmount COMMAND...: runs the file system in the foreground on $MNT; waits for the mount.
kmount() {
    "$@" "$MNT" >"$E2E_TMP/kernel_fs.log" 2>&1 &
    KPID=$!
    E2E_PIDS+=("$KPID")
    local deadline=$((SECONDS + 10))
    while ! mountpoint -q "$MNT"; do
        if [ "$SECONDS" -ge "$deadline" ] || ! kill -0 "$KPID" 2>/dev/null; then
            fail "kernel mount of $1" "$(tail -n 5 "$E2E_TMP/kernel_fs.log")"
            return 1
        fi
        sleep 0.05
    done
}
kumount() {
    if mountpoint -q "$MNT"; then
        fusermount -u "$MNT" 2>/dev/null || umount -l "$MNT"
    fi
    [ -z "$KPID" ] || wait "$KPID" 2>/dev/null
    KPID=""
}
# Never leave a mount behind, whatever ends the test.
trap 'kumount; e2e_cleanup' EXIT
trap 'exit 1' TERM INT HUP

# times FILE: sets a file's times with 100 ns digits, as the check's info.times_* cases do
# (atime 2020-02-03T04:05:06.7654321Z, mtime 2021-03-04T05:06:08.1234567Z), and prints the
# nanoseconds read back: "MTIME ATIME".
times() {
    python3 -c '
import os, sys
p = sys.argv[1]
open(p, "w").close()
os.utime(p, ns=(1580702706765432100, 1614834368123456700))
st = os.stat(p)
print(st.st_mtime_ns, st.st_atime_ns)' "$1" 2>&1
}
# long_name DIR: makes a file with a 255-character name, as names.long_name does; prints ok
# or the errno's name.
long_name() {
    python3 -c '
import errno, os, sys
try:
    open(os.path.join(sys.argv[1], "n" * 255), "w").close()
    print("ok")
except OSError as e:
    print(errno.errorcode[e.errno])' "$1" 2>&1
}
SET_MTIME=1614834368123456700
SECONDS_ONLY="1614834368000000000"

# ---- fuse2fs: an image with 128-byte inodes (mkfs.ext4's choice for 16 MiB) keeps seconds
SRC=$E2E_TMP/tree
compat_fixture_dir "$SRC" || die "make the fixtures"
mkfs.ext4 -q -F -d "$SRC" "$E2E_TMP/image.ext4" 16M >/dev/null 2>&1 || die "mkfs.ext4"
if kmount fuse2fs -f "$E2E_TMP/image.ext4"; then
    check_eq "fuse2fs (kernel): info.times_subsecond: the 100 ns digits are lost" \
        "$SECONDS_ONLY" "$(times "$MNT/t" | cut -d' ' -f1)"
    kumount
fi

# ---- fuse-zip: seconds
(cd "$SRC" && zip -qr "$E2E_TMP/archive.zip" seed.txt keep) || die "zip"
if kmount fuse-zip -f "$E2E_TMP/archive.zip"; then
    check_eq "fuse-zip (kernel): info.times_subsecond: the 100 ns digits are lost" \
        "$SECONDS_ONLY" "$(times "$MNT/t" | cut -d' ' -f1)"
    kumount
fi

# ---- archivemount: seconds; a 255-character name is ERANGE; a rename onto an existing
# file leaves the old contents; a new file is written back under its first name.
tar -C "$SRC" -cf "$E2E_TMP/archive.tar" seed.txt keep || die "tar"
if kmount archivemount -f "$E2E_TMP/archive.tar"; then
    check_eq "archivemount (kernel): info.times_subsecond: the 100 ns digits are lost" \
        "$SECONDS_ONLY" "$(times "$MNT/t" | cut -d' ' -f1)"
    check_eq "archivemount (kernel): names.long_name: a 255-character name fails (ERANGE)" \
        "ERANGE" "$(long_name "$MNT")"
    printf A >"$MNT/a.txt" && printf B >"$MNT/b.txt" && mv -f "$MNT/a.txt" "$MNT/b.txt"
    check_eq "archivemount (kernel): rename.replace_if_exists: b.txt keeps its old contents" \
        "B" "$(cat "$MNT/b.txt" 2>&1)"
    printf R >"$MNT/first.txt" && mv "$MNT/first.txt" "$MNT/second.txt"
    kumount
    check_eq "archivemount (kernel): archivemount rename: a new file renamed is stored under its first name" \
        "first.txt" "$(tar -tf "$E2E_TMP/archive.tar" | grep -x -e first.txt -e second.txt)"
fi

# ---- encfs: microseconds; an encrypted 255-character name is too long
mkdir "$E2E_TMP/cipher" || die "make the cipher directory"
if kmount encfs -f --standard "--extpass=echo winfuse-test-password" "$E2E_TMP/cipher"; then
    check_eq "encfs (kernel): info.times_subsecond: microseconds kept, the last digit lost" \
        "1614834368123456000" "$(times "$MNT/t" | cut -d' ' -f1)"
    check_eq "encfs (kernel): names.long_name: ENAMETOOLONG" "ENAMETOOLONG" "$(long_name "$MNT")"
    kumount
fi

# ---- securefs: an encrypted 255-character name is too long
mkdir "$E2E_TMP/data" || die "make the data directory"
securefs create --pass winfuse-test-password --pbkdf pkcs5-pbkdf2-hmac-sha256 -r 1000 \
    "$E2E_TMP/data" >/dev/null 2>&1 || die "securefs create"
if kmount securefs mount --pass winfuse-test-password "$E2E_TMP/data"; then
    check_eq "securefs (kernel): names.long_name: ENAMETOOLONG" "ENAMETOOLONG" \
        "$(long_name "$MNT")"
    kumount
fi

# ---- fuse-overlayfs: a 255-character name is too long
mkdir "$E2E_TMP/lower" "$E2E_TMP/upper" "$E2E_TMP/work" || die "make the layers"
if kmount fuse-overlayfs -f -o \
    "lowerdir=$E2E_TMP/lower,upperdir=$E2E_TMP/upper,workdir=$E2E_TMP/work"; then
    check_eq "fuse-overlayfs (kernel): names.long_name: ENAMETOOLONG" "ENAMETOOLONG" \
        "$(long_name "$MNT")"
    kumount
fi

# ---- rclone (the row's options): no access time, no modes, no hard links, no reads after
# an unlink; renames race its background uploads.
mkdir "$E2E_TMP/remote" || die "make the remote directory"
if kmount rclone mount "$E2E_TMP/remote" --config /dev/null --cache-dir "$E2E_TMP/cache" \
    --vfs-cache-mode writes --vfs-write-back 0s; then
    check_eq "rclone (kernel): info.times_round_trip, info.times_subsecond: the access time reads as the write time" \
        "$SET_MTIME $SET_MTIME" "$(times "$MNT/t")"
    printf x >"$MNT/ro.txt" && chmod a-w "$MNT/ro.txt"
    check_eq "rclone (kernel): info.read_only_*, delete.read_only_file: chmod a-w does not stay" \
        "644" "$(stat -c %a "$MNT/ro.txt")"
    printf p >"$MNT/p.txt"
    exec 4<"$MNT/p.txt"
    rm "$MNT/p.txt"
    check_eq "rclone (kernel): delete.posix_semantics: a handle open before the unlink reads EIO" \
        "EIO" "$(cat <&4 >/dev/null 2>&1 && echo read || echo EIO)"
    exec 4<&-
    printf A >"$MNT/a.txt"
    check_contains "rclone (kernel): link.create: ln fails with EIO" "Input/output error" \
        <(ln "$MNT/a.txt" "$MNT/b.txt" 2>&1)
    check_contains "rclone (kernel): ntfs.ea_names_upper_case: setfattr fails with EIO" \
        "Input/output error" <(setfattr -n user.Color -v red "$MNT/a.txt" 2>&1)
    check_contains "rclone (kernel): ntfs.symlink_directory_kept: ln -s fails with EIO" \
        "Input/output error" <(ln -s a.txt "$MNT/l" 2>&1)
    # The check's steps as fast as it makes them: a file written, its directory renamed
    # and the file read; a file renamed onto another and read. rclone fails some with EIO.
    python3 -c '
import os, sys
m = sys.argv[1]; bad = {"dir": 0, "replace": 0}
for i in range(20):
    d, e = os.path.join(m, "d%d" % i), os.path.join(m, "e%d" % i)
    os.mkdir(d)
    with open(os.path.join(d, "f.txt"), "w") as f: f.write("F")
    os.rename(d, e)
    try:
        open(os.path.join(e, "f.txt")).read()
    except OSError: bad["dir"] += 1
    a, b = os.path.join(m, "a%d" % i), os.path.join(m, "b%d" % i)
    for p, t in ((a, "A"), (b, "B")):
        with open(p, "w") as f: f.write(t)
    os.rename(a, b)
    try:
        open(b).read()
    except OSError: bad["replace"] += 1
print(bad["dir"], bad["replace"])' "$MNT" >"$E2E_TMP/races" 2>&1
    read -r dir_eio replace_eio <"$E2E_TMP/races"
    echo "    rclone (kernel): of 20 tries, EIO after a directory rename: $dir_eio, after a replacing rename: $replace_eio"
    if [ "${dir_eio:-0}" -gt 0 ]; then
        pass "rclone (kernel): rename.directory: a file read right after its directory was renamed can fail with EIO"
    else
        fail "rclone (kernel): rename.directory: a file read right after its directory was renamed can fail with EIO" \
            "none of 20 did: $(cat "$E2E_TMP/races")"
    fi
    kumount
fi
compat_finish
