#!/usr/bin/env bash
# test_security.sh — security descriptors from the shell: icacls shows the descriptor the
# engine makes of uid/gid/mode (SDDL, owner, group, ACEs), /setsddl, /setowner, /grant and
# /deny change it (chmod/chown underneath), a caller that is not the owner is refused, and a
# Create with a descriptor (nt create sd=) sets the new file's owner and mode. On memfs,
# and on passthrough_ll over a real directory whose modes and owners stat shows.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS PASSTHROUGH_LL

# The SIDs of the mapping (WinFsp's, from Cygwin): uid 0 is S-1-5-0 and uid 1000
# S-1-5-1000 (for a group as for a user); a uid the table has none for is Samba's and
# Cygwin's Unix authority, S-1-22-1-uid (a group S-1-22-2-gid).
ROOT_SID=S-1-5-0
U1000=S-1-5-1000
U1001=S-1-22-1-1001
G1001=S-1-22-2-1001
# The rights of the DACL's ACEs (docs/engine.md, QuerySecurity): every class holds
# SYNCHRONIZE, READ_CONTROL, FILE_READ_ATTRIBUTES and FILE_READ_EA (0x120088); the owner
# also DELETE, WRITE_DAC, WRITE_OWNER, FILE_WRITE_ATTRIBUTES, FILE_WRITE_EA (0x1f0198).
OWNER_RW=0x1f019f       # + r, w: FILE_READ_DATA, FILE_WRITE_DATA, FILE_APPEND_DATA
OWNER_R=0x1f0199
NONE=0x120088

# sddl_of PATH [N]: the SDDL of the Nth (1st) icacls of PATH in $OUT (the line after the
# line "PATH").
sddl_of() {
    P=$1 N=${2:-1} awk '$0 == ENVIRON["P"] && ++n == ENVIRON["N"] {
        getline; sub(/^  SDDL: /, ""); print; exit }' "$OUT"
}

# attrib_r PATH: "R" when the attrib line of PATH in $OUT shows READONLY.
attrib_r() {
    P=" $1" awk 'substr($0, length($0) - length(ENVIRON["P"]) + 1) == ENVIRON["P"] {
        print substr($0, 8, 1) }' "$OUT" | tr -d ' '
}

# mode_of NAME: the real file's "mode uid gid".
mode_of() {
    stat -c '%a %u %g' "$SRC/$1"
}

# ---- memfs: the shell acts as root (uid 0) ---------------------------------------------
use_fs memfs
fs_script <<'EOF'
echo hi > \f.txt
icacls \f.txt
attrib \f.txt
icacls \f.txt /setsddl "D:P(A;;FR;;;S-1-5-0)(A;;0x120088;;;S-1-5-0)(A;;0x120088;;;WD)"
icacls \f.txt
attrib \f.txt
icacls \f.txt /setowner S-1-22-1-1001
icacls \f.txt
icacls \f.txt /setsddl "D:(A;;XX;;;WD)"
icacls \f.txt /setsddl "O:S-1-5-21-1-2-3"
nt create \new.txt disp=FILE_CREATE sd=O:S-1-22-1-1001G:S-1-22-2-1001D:P(A;;FA;;;S-1-22-1-1001)(A;;FR;;;WD)
nt close 1
icacls \new.txt
EOF
check_eq "$FS: icacls shows a root file's descriptor: owner, group, and rw-r--r-- as a DACL" \
    "O:${ROOT_SID}G:${ROOT_SID}D:P(A;;${OWNER_RW};;;${ROOT_SID})(A;;FR;;;${ROOT_SID})(A;;FR;;;WD)" \
    "$(sddl_of '\f.txt')"
check_out "and one line per ACE, as icacls: the owner's rights" "  ${ROOT_SID}:(R,W,DE,WDAC,WO)"
check_out "Everyone's" "  Everyone:(R)"
check_eq "$FS: a DACL granting the owner only read is mode 0400: shown so" \
    "O:${ROOT_SID}G:${ROOT_SID}D:P(A;;${OWNER_R};;;${ROOT_SID})(A;;${NONE};;;${ROOT_SID})(A;;${NONE};;;WD)" \
    "$(sddl_of '\f.txt' 2)"
check_eq "$FS: attrib showed it writable, then read-only (no write bit for the owner)" "R" \
    "$(attrib_r '\f.txt' | xargs)"
check_eq "$FS: /setowner gives the file to uid 1001 (S-1-22-1-1001), the rest kept" \
    "O:${U1001}G:${ROOT_SID}D:P(A;;${OWNER_R};;;${U1001})(A;;${NONE};;;${ROOT_SID})(A;;${NONE};;;WD)" \
    "$(sddl_of '\f.txt' 3)"
check_out "icacls names the owner as Cygwin does" "  Owner: Unix User\\1001 (${U1001})"
check_contains "$FS: malformed SDDL says where and why" \
    'icacls: bad SDDL at character 7 ("XX;;;WD)"): not a right' "$ERR"
check_contains "$FS: and fails with STATUS_INVALID_PARAMETER" \
    'icacls \f.txt: STATUS_INVALID_PARAMETER' "$ERR"
check_contains "$FS: an owner that maps to no uid is STATUS_INVALID_OWNER" \
    'icacls \f.txt: STATUS_INVALID_OWNER' "$ERR"
check_out "nt create with a descriptor creates the file" \
    'nt create \new.txt: STATUS_SUCCESS FILE_CREATED'
check_eq "$FS: with the owner, group and mode (0744) the descriptor says" \
    "O:${U1001}G:${G1001}D:P(A;;0x1f01bf;;;${U1001})(A;;FR;;;${G1001})(A;;FR;;;WD)" \
    "$(sddl_of '\new.txt')"
check_out "whose owner icacls names as Cygwin does" "  Unix User\\1001:(M,WDAC,WO)"

# Another caller (uid 1000) may not change root's volume root.
fs_script --debug --as 1000:1000 <<'EOF'
icacls \
icacls \ /setsddl "D:P(A;;FA;;;WD)"
icacls \ /setowner S-1-5-1000
icacls \
EOF
check_contains "$FS: a caller that is not the owner cannot set the DACL" \
    'icacls \: STATUS_ACCESS_DENIED' "$ERR"
check_eq "$FS: nor the owner: both refused" 2 "$(grep -c 'icacls \\: STATUS_ACCESS_DENIED' "$ERR")"
check_eq "$FS: the descriptor is unchanged" \
    "O:${ROOT_SID}G:${ROOT_SID}D:P(A;;FA;;;${ROOT_SID})(A;;0x1200a9;;;${ROOT_SID})(A;;0x1200a9;;;WD) x2" \
    "$(sddl_of '\' 1) x$(grep -c '^  SDDL: ' "$OUT")"
check_eq "$FS: twice the same" "$(sddl_of '\' 1)" "$(sddl_of '\' 2)"
check_eq "$FS: and the file system was asked for no change" 0 "$(requests SETATTR)"

# ---- passthrough_ll over a real directory ----------------------------------------------
if [ "$(id -u)" -ne 0 ]; then
    echo "# skipped passthrough_ll: files of other owners need root"
    finish
fi
use_fs passthrough_ll
prepare() {
    rm -rf "${SRC:?}"/*
    chmod 0755 "$SRC"
    echo a >"$SRC/f640"
    echo b >"$SRC/f604"
    echo c >"$SRC/g600"
    mkdir "$SRC/d755" "$SRC/d1777"
    chmod 0640 "$SRC/f640"
    chmod 0604 "$SRC/f604"
    chmod 0600 "$SRC/g600"
    chmod 0755 "$SRC/d755"
    chmod 1777 "$SRC/d1777"
    chown 1000:1000 "$SRC/f640" "$SRC/f604" "$SRC/d755" "$SRC/d1777"
    chown 1001:1001 "$SRC/g600"
}

prepare
fs_script <<'EOF'
icacls \f640
icacls \f604
icacls \d755
icacls \d1777
EOF
check_eq "$FS: 0640 1000:1000 — owner S-1-5-1000 rw, group r, Everyone nothing" \
    "O:${U1000}G:${U1000}D:P(A;;${OWNER_RW};;;${U1000})(A;;FR;;;${U1000})(A;;${NONE};;;WD)" \
    "$(sddl_of '\f640')"
check_eq "$FS: 0604 — the group gets a deny ACE for what Everyone would give it" \
    "O:${U1000}G:${U1000}D:P(A;;${OWNER_RW};;;${U1000})(A;;${NONE};;;${U1000})(D;;0x1;;;${U1000})(A;;FR;;;WD)" \
    "$(sddl_of '\f604')"
check_out "and icacls shows it as DENY" "  ${U1000}:(DENY)(RD)"
check_eq "$FS: a 0755 directory — full control for the owner, RX for the others" \
    "O:${U1000}G:${U1000}D:P(A;;FA;;;${U1000})(A;;0x1200a9;;;${U1000})(A;;0x1200a9;;;WD)" \
    "$(sddl_of '\d755')"
check_eq "$FS: a sticky 1777 directory — only the owner may delete children (no DC for the others)" \
    "O:${U1000}G:${U1000}D:P(A;;FA;;;${U1000})(A;;0x1201af;;;${U1000})(A;;0x1201af;;;WD)" \
    "$(sddl_of '\d1777')"
check_out "shown as icacls does" "  Everyone:(RX,WD,AD,WA)"

# As root: chmod and chown through SetSecurity.
prepare
fs_script --debug <<'EOF'
icacls \f640 /setsddl "D:P(A;;FR;;;S-1-5-1000)(A;;0x120088;;;S-1-5-1000)(A;;0x120088;;;WD)"
icacls \f604 /setsddl "D:P(A;;FR;;;S-1-5-1000)"
icacls \g600 /setsddl "D:P(A;;FR;;;S-1-22-1-1001)"
icacls \d755 /setowner S-1-22-1-1001
icacls \d1777 /setsddl "O:S-1-22-1-1001G:S-1-22-2-1001"
icacls \d755 /setsddl "D:(A;;XX;;;WD)"
EOF
check_fs_eq "a DACL giving the owner (ACE 1) only read, the group (ACE 2) nothing: 0400" \
    "400 1000 1000" "$(mode_of f640)"
check_fs_eq "one allow ACE for the SID owner and group share counts for both: 0440" \
    "440 1000 1000" "$(mode_of f604)"
check_fs_eq "owner 1001 and group 1001 have SIDs of their own: read for the owner alone is 0400" \
    "400 1001 1001" "$(mode_of g600)"
check_fs_eq "/setowner S-1-22-1-1001 makes uid 1001 the owner, the mode kept" \
    "755 1001 1000" "$(mode_of d755)"
check_fs_eq "O: and G: together change both, a sticky directory stays sticky" \
    "1777 1001 1001" "$(mode_of d1777)"
check_contains "$FS: malformed SDDL is refused" 'icacls \d755: STATUS_INVALID_PARAMETER' "$ERR"
check_fs_eq "and changes nothing" "755 1001 1000" "$(mode_of d755)"
check_eq "$FS: each change is one SETATTR" 5 "$(requests SETATTR)"

# /grant and /deny add ACEs to the DACL.
prepare
fs_script <<'EOF'
icacls \g600 /grant Everyone:(R)
EOF
check_fs_eq "/grant Everyone:(R) gives every class read: 0644" "644 1001 1001" "$(mode_of g600)"
fs_script <<'EOF'
icacls \g600 /deny "Unix User\1001":(W)
EOF
check_fs_eq "/deny of write to the owner: 0444" "444 1001 1001" "$(mode_of g600)"

# Another caller (1001) on files of uid 1000: refused, nothing changes; the owner may.
prepare
fs_script --debug --as 1001:1001 <<'EOF'
icacls \f640
icacls \f640 /setsddl "D:P(A;;FA;;;WD)"
icacls \f640 /setowner S-1-22-1-1001
icacls \g600 /setsddl "D:P(A;;FA;;;S-1-22-1-1001)(A;;FR;;;WD)"
EOF
check_out "another may read the descriptor (READ_CONTROL is everyone's)" "  Owner: ${U1000}"
check_contains "$FS: but not set the DACL of a file it does not own" \
    'icacls \f640: STATUS_ACCESS_DENIED' "$ERR"
check_eq "$FS: nor the owner" 2 "$(grep -c 'icacls \\f640: STATUS_ACCESS_DENIED' "$ERR")"
check_fs_eq "the file is unchanged" "640 1000 1000" "$(mode_of f640)"
check_fs_eq "while the owner (1001) sets its own file's: 0744" "744 1001 1001" "$(mode_of g600)"
check_eq "$FS: the file system saw only the allowed change" 1 "$(requests SETATTR)"

# Create with a descriptor.
prepare
fs_script <<'EOF'
nt create \new.txt disp=FILE_CREATE sd=O:S-1-22-1-1001G:S-1-22-2-1001D:P(A;;FA;;;S-1-22-1-1001)(A;;FR;;;S-1-22-2-1001)
nt close 1
nt create \newdir disp=FILE_CREATE opts=FILE_DIRECTORY_FILE sd=O:S-1-5-1000G:S-1-5-1000D:P(A;;FA;;;S-1-5-1000)(A;;0x1201af;;;S-1-5-1000)(A;;0x1201af;;;WD)
nt close 2
nt create \plain.txt disp=FILE_CREATE sd=D:P(A;;FR;;;WD)
nt close 3
EOF
check_out "nt create sd= creates" 'nt create \new.txt: STATUS_SUCCESS FILE_CREATED'
check_fs_eq "a file with the owner, group and mode the descriptor says (rwx, r, none)" \
    "740 1001 1001" "$(mode_of new.txt)"
check_fs_eq "a directory made from the descriptor icacls showed for 1777 is 1777" \
    "1777 1000 1000" "$(mode_of newdir)"
check_fs_eq "a descriptor with a DACL only: the caller's ids, the DACL's mode" \
    "444 0 0" "$(mode_of plain.txt)"

prepare
fs_script --as 1000:1000 <<'EOF'
nt create \d1777\mine.txt disp=FILE_CREATE sd=O:S-1-5-1000G:S-1-5-1000D:P(A;;FA;;;S-1-5-1000)(A;;0x120088;;;S-1-5-1000)
nt create \d1777\theirs.txt disp=FILE_CREATE sd=O:S-1-22-1-1001D:P(A;;FA;;;WD)
EOF
check_fs_eq "a caller may create a file that is its own" "700 1000 1000" \
    "$(mode_of d1777/mine.txt)"
check_out "but not one owned by another" 'nt create \d1777\theirs.txt: STATUS_INVALID_OWNER'
check_fs_eq "which is not created" "no" \
    "$([ -e "$SRC/d1777/theirs.txt" ] && echo yes || echo no)"

finish
