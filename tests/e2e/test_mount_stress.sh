#!/usr/bin/env bash
# test_mount_stress.sh — `winfuse mount` as a real POSIX client of the NT translation: fio
# with data verification (crc32c) and stress-ng's file stressors, bounded in size and time,
# against memfs and passthrough_ll: no verification error, no failure, no crash (winfuse and
# the file system still serve, and unmount cleanly, afterwards).
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS PASSTHROUGH_LL
if [ "$(id -u)" -ne 0 ]; then
    echo "# skipped: kernel FUSE mounts need root"
    finish
fi
for tool in fusermount3 fio stress-ng; do
    command -v "$tool" >/dev/null || die "prerequisite $tool" "not installed"
done
. "$(dirname "${E2E_LIB:-$0}")/mount_lib.sh"

for fs in memfs passthrough_ll; do
    fs_command $fs
    mount_up -- "${FS_CMD[@]}" || die "$fs: mounted" "$(cat "$MOUNT_ERR")"

    # Two jobs of random and sequential writes and reads, each block verified by its crc32c
    # when read back; the first bad block ends the run with an error.
    mkdir "$MNT/fio"
    timeout 120 fio --directory="$MNT/fio" --ioengine=psync --size=4m --bs=4k \
        --verify=crc32c --do_verify=1 --verify_fatal=1 --verify_dump=0 \
        --name=randrw --rw=randrw --numjobs=2 \
        --name=seq --rw=write --bs=128k --size=8m \
        >"$E2E_TMP/fio.out" 2>&1
    check_eq "$fs: fio with crc32c verification exits 0" "0" "$?"
    check_eq "$fs: fio: every job ends with err= 0" "3" "$(grep -c 'err= 0' "$E2E_TMP/fio.out")"
    check_lacks "$fs: fio: no verification error" "verify" "$E2E_TMP/fio.out"

    # stress-ng's file stressors, 4 s each at once, with their own verification.
    mkdir "$MNT/stress"
    (cd "$E2E_TMP" && timeout 120 stress-ng --temp-path "$MNT/stress" --timeout 4s --verify \
        --hdd 1 --hdd-bytes 1m --dir 1 --dentry 1 --rename 1 --link 1 --symlink 1 \
        --fstat 1 --chmod 1 --seek 1 --seek-size 1m --filename 1 \
        >"$E2E_TMP/stress.out" 2>&1)
    check_eq "$fs: stress-ng exits 0" "0" "$?"
    check_contains "$fs: stress-ng: successful run" "successful run completed" \
        "$E2E_TMP/stress.out"
    check_lacks "$fs: stress-ng: no failure" "fail:" "$E2E_TMP/stress.out"
    [ "$E2E_FAILED" -eq 0 ] || tail -n 20 "$E2E_TMP/fio.out" "$E2E_TMP/stress.out"

    # Still serving, then a clean end.
    echo alive >"$MNT/after"
    check_eq "$fs: the mount still serves afterwards" "alive" "$(cat "$MNT/after")"
    rm -rf "${MNT:?}"/*
    mount_down
    check_eq "$fs: winfuse mount ends with status 0 (no crash)" "0" "$MOUNT_STATUS"
    check_lacks "$fs: no crash reported" "crashed" "$MOUNT_ERR"
    check_eq "$fs: nothing is left mounted" "no" "$(mounted "$MNT" && echo yes || echo no)"
done

finish
