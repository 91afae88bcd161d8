#!/usr/bin/env bash
# test_ntfs_3g.sh — compatibility row: ntfs-3g (its integrated FUSE library, fuse-lite: no
# libfuse, no fusermount) on an NTFS image made by mkntfs now, with -o permissions (modes,
# and so READONLY, kept in NTFS security descriptors). fuse-lite opens /dev/fuse and calls
# mount(2) itself, so it runs with winfuse-preload.so (LD_PRELOAD), which answers both with
# WinFuse's channel, in the namespace of the fusermount door. Afterwards ntfsfix -n finds the
# volume sound, and ntfscat and ntfsinfo read the changes: Windows metadata on its own format.
. "${COMPAT_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE WINFUSE_PRELOAD
compat_require ntfs-3g mkntfs ntfsfix ntfsinfo ntfscat
FS=ntfs-3g

IMAGE=$E2E_TMP/image.ntfs
truncate -s 16M "$IMAGE" && mkntfs -F -q -f -L winfuse-test "$IMAGE" >/dev/null 2>&1 ||
    die "mkntfs" "cannot make $IMAGE"
NTFS=(-- env LD_PRELOAD="$WINFUSE_PRELOAD" ntfs-3g -o no_detach,permissions "$IMAGE")

# The fixtures go in through the volume (mkntfs makes an empty one), in the same session.
printf '%s\n' "$SEED_TEXT" >"$E2E_TMP/seed.local"
printf '%s\n' "$INNER_TEXT" >"$E2E_TMP/inner.local"
COMPAT_PRELUDE="md \\keep
put $E2E_TMP/seed.local \\seed.txt
put $E2E_TMP/inner.local \\keep\\inner.txt
"
store_cat() { ntfscat "$IMAGE" "/$1" 2>/dev/null; }
store_dir_has() { ntfsinfo -F "/$1" "$IMAGE" 2>/dev/null | grep -q 'MFT Record Flags:.*DIRECTORY'; }
volume_sound() {
    ntfsfix -n "$IMAGE" >"$E2E_TMP/ntfsfix" 2>&1 &&
        grep -q 'processed successfully' "$E2E_TMP/ntfsfix"
}

compat_writable_battery "${NTFS[@]}"
compat_door fusermount
compat_gone "$IMAGE" "ntfs-3g"
compat_check_storage
if volume_sound; then pass "$FS: ntfsfix -n finds the volume sound"
else fail "$FS: ntfsfix -n finds the volume sound" "$(tail -n 5 "$E2E_TMP/ntfsfix")"; fi
check_eq "$FS: ntfsinfo reads the volume's name mkntfs gave" "winfuse-test" \
    "$(ntfsinfo -m "$IMAGE" 2>/dev/null | sed -n 's/^[[:space:]]*Volume Name:[[:space:]]*//p')"
compat_check "${NTFS[@]}"
if volume_sound; then pass "$FS: after the check ntfsfix -n finds the volume sound"
else fail "$FS: after the check ntfsfix -n finds the volume sound" "$(tail -n 5 "$E2E_TMP/ntfsfix")"; fi
check_eq "$FS: after the check seed.txt reads the same" "$SEED_TEXT" "$(store_cat seed.txt)"
# Outside WinFuse (no WINFUSE_DEVFUSE_FD) the preload changes nothing: /dev/fuse opens as
# the kernel's character device.
if [ -c /dev/fuse ]; then
    check_eq "$FS: outside WinFuse, with the preload, /dev/fuse is the kernel's device" "True" \
        "$(env -u WINFUSE_DEVFUSE_FD LD_PRELOAD="$WINFUSE_PRELOAD" python3 -c '
import os, stat
fd = os.open("/dev/fuse", os.O_RDWR)
print(stat.S_ISCHR(os.fstat(fd).st_mode))' 2>&1)"
fi
compat_finish
