#!/usr/bin/env bash
# test_id_map.sh — WinFsp-FUSE's identity options (-o uid=,gid=,umask=,uidmap=) on
# passthrough_ll over a real directory: every file shows that owner, group and umask in its
# security descriptor, uidmap names the SID, and a bad option is refused before mounting.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE PASSTHROUGH_LL

SRC=$E2E_TMP/src
mkdir -p "$SRC"
printf 'data\n' >"$SRC/f"
chmod 0664 "$SRC/f"
chown 1000:1000 "$SRC/f"

# Without options: the file's own owner (uid 1000 is S-1-5-1000 in WinFsp's mapping) and mode.
run_shell $'icacls \\f\n' -- "$PASSTHROUGH_LL" -f -o "source=$SRC"
check_eq "icacls without options exits 0" 0 "$STATUS"
check_contains "the real owner is shown" "Owner: S-1-5-1000" "$OUT"
check_contains "others may read a 0664 file" "Everyone:(R)" "$OUT"

# uid= and gid= replace the owner and group of every file; umask= makes its permissions
# 0777 & ~umask, as in WinFsp-FUSE.
run_shell $'icacls \\f\n' -o uid=2000,gid=3000,umask=027 -- "$PASSTHROUGH_LL" -f -o "source=$SRC"
check_eq "icacls with uid=,gid=,umask= exits 0" 0 "$STATUS"
check_contains "uid= is the owner" "Owner: Unix User\\2000 (S-1-22-1-2000)" "$OUT"
check_contains "gid= is the group" "Group: Unix Group\\3000 (S-1-22-2-3000)" "$OUT"
check_contains "umask=027 leaves the group read and execute" "Unix Group\\3000:(RX)" "$OUT"
check_contains "umask=027 leaves others nothing but the basic rights" "Everyone:(RC,S,REA,RA)" "$OUT"
check_eq "the real file is unchanged" "1000 664" "$(stat -c '%u %a' "$SRC/f")"

# uidmap= names the SID a uid maps to.
run_shell $'icacls \\f\n' -o 'uidmap=1000:S-1-5-21-1-2-3-1001' -- "$PASSTHROUGH_LL" -f -o "source=$SRC"
check_eq "icacls with uidmap= exits 0" 0 "$STATUS"
check_contains "uidmap= gives uid 1000 that SID" "Owner: S-1-5-21-1-2-3-1001" "$OUT"

# A bad option is refused before anything is mounted.
run_shell $'icacls \\f\n' -o umask=999 -- "$PASSTHROUGH_LL" -f -o "source=$SRC"
check_eq "a bad -o option exits 2" 2 "$STATUS"
check_contains "it says which option" "bad option 'umask=999'" "$ERR"

finish
