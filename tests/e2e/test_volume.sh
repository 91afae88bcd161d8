#!/usr/bin/env bash
# test_volume.sh — QueryVolumeInformation (sizes from STATFS) and SetVolumeInformation's
# label (FUSE has none: WinFuse keeps it for the session); on memfs and on passthrough_ll,
# whose sizes are those of the real directory's file system.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS PASSTHROUGH_LL

# labels: the label each vol in $OUT showed, joined by |.
labels() {
    sed -n 's/^Volume label:   //p' "$OUT" | paste -sd'|'
}

LABEL32=abcdefghijklmnopqrstuvwxyz012345
for fs in memfs passthrough_ll; do
    use_fs "$fs"
    fs_script --debug <<EOF
vol
label "My Disk"
vol
label $LABEL32
vol
label ${LABEL32}6
vol
label Été
vol
label
vol
EOF
    check_eq "$FS: no label at first; set, 32 units, refused at 33, non-ASCII, removed" \
        "(none)|My Disk|$LABEL32|$LABEL32|Été|(none)" "$(labels)"
    check_contains "$FS: a label of 33 units: STATUS_INVALID_PARAMETER" \
        "label: STATUS_INVALID_PARAMETER" "$ERR"
    check_eq "$FS: one failure only" 1 "$(grep -c '^label: ' "$ERR")"
    check_eq "$FS: the sizes come from the file system: a STATFS per vol at least" yes \
        "$([ "$(requests STATFS)" -ge 7 ] && echo yes)"

    total=$(sed -n 's/^Total size: *\([0-9]*\) bytes/\1/p' "$OUT" | head -n 1)
    free=$(sed -n 's/^Free size: *\([0-9]*\) bytes/\1/p' "$OUT" | head -n 1)
    check_eq "$FS: the free size is within the total" yes \
        "$([ -n "$total" ] && [ -n "$free" ] && [ "$free" -le "$total" ] && echo yes)"
    if [ -n "$SRC" ]; then
        check_fs_eq "the total is the real file system's: blocks x fragment size" \
            "$(($(stat -f -c '%b * %S' "$SRC")))" "$total"
    else
        check_fs_eq "memfs: 1 GiB" 1073741824 "$total"
    fi

    # The label lives as long as the session.
    fs_script <<'EOF'
vol
EOF
    check_fs_eq "a new session starts without a label" "(none)" "$(labels)"
done

finish
