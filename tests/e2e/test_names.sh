#!/usr/bin/env bash
# test_names.sh — names: the characters Windows forbids in a name (\ : * ? " < > | and
# control characters) that occur in FUSE names appear as U+F000 + the character and map
# back (the Cygwin / WinFsp convention); a FUSE name that is not UTF-8 is skipped and
# counted; a forbidden character typed on the Windows side is refused. On passthrough_ll
# over a real directory, and the round trip on memfs.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS PASSTHROUGH_LL

# pua CHAR: the UTF-8 of U+F000 + CHAR (CHAR below 0x80): EF, 80 + bits 6.., 80 + bits 0..5.
pua() {
    local c
    c=$(printf '%d' "'$1")
    printf "\\xef\\x$(printf %x $((0x80 + (c >> 6))))\\x$(printf %x $((0x80 + (c & 63))))"
}

# The Linux names, and the Windows names they are listed as.
LINUX_NAMES=('a:b' 'q?' 's*t' 'l<g>' 'p|i' 'dq"x' $'tab\tname' 'back\slash' 'plain')
windows_name() {
    local name=$1 out="" i ch
    for ((i = 0; i < ${#name}; i++)); do
        ch=${name:i:1}
        case $ch in
        [\\:*?\"\<\>\|] | $'\t') out+=$(pua "$ch") ;;
        *) out+=$ch ;;
        esac
    done
    printf '%s' "$out"
}

# ---- passthrough_ll: real names with forbidden characters ------------------------------
use_fs passthrough_ll
for name in "${LINUX_NAMES[@]}"; do
    printf 'content of %s' "$name" >"$SRC/$name" || die "create $name in $SRC"
done
printf 'not UTF-8' >"$SRC/"$'bad\xff\xfename' || die "create a non-UTF-8 name"

{
    echo 'nt create \ access=FILE_LIST_DIRECTORY opts=FILE_DIRECTORY_FILE'
    echo 'nt querydir 1'
    echo 'echo ==type=='
    echo "type \\$(windows_name 'a:b')"
    echo 'echo'
    echo 'echo ==end=='
    echo "echo written from Windows > \\$(windows_name 'new:file')"
    echo "md \\$(windows_name 'dir*star')"
    echo "echo inside > \\$(windows_name 'dir*star')\\$(windows_name 'x?y')"
    echo "ren \\$(windows_name 'q?') $(windows_name 'r<enamed>')"
    echo "del \\$(windows_name 'p|i')"
    echo 'type \a:b'
    echo 'type \q?'
    echo 'vol'
} >"$E2E_TMP/names.script"
fs_script <"$E2E_TMP/names.script"

for name in "${LINUX_NAMES[@]}"; do windows_name "$name"; echo; done | sort >"$E2E_TMP/expected"
sed -n 's/^  size=.* name=//p' "$OUT" | sort >"$E2E_TMP/listed"
check_files_equal "listed: each forbidden character as U+F000 + the character" \
    "$E2E_TMP/expected" "$E2E_TMP/listed"
check_eq "opened by the private-use name: the real a:b" "content of a:b" \
    "$(section_of ==type== ==end==)"
check_eq "a private-use name created from Windows is the real character on disk" \
    $'written from Windows\r' "$(cat "$SRC/new:file")"
check_eq "a directory and a file in it, both with forbidden characters" $'inside\r' \
    "$(cat "$SRC/dir*star/x?y")"
check_eq "ren to a private-use name renames on disk" "content of q?" \
    "$(cat "$SRC/r<enamed>" 2>&1)"
check_eq "del by the private-use name deletes the real p|i" no \
    "$([ -e "$SRC/p|i" ] && echo yes || echo no)"
# With named streams (the default) \a:b is stream b of a file a, which does not exist.
check_contains "a : typed on the Windows side names a stream: no file a" \
    'type \a:b: STATUS_OBJECT_NAME_NOT_FOUND' "$ERR"
check_contains "a ? typed on the Windows side: STATUS_OBJECT_NAME_INVALID" \
    'type \q?: STATUS_OBJECT_NAME_INVALID' "$ERR"
check_lacks "the non-UTF-8 name is not listed" "bad" "$E2E_TMP/listed"
bad_names=$(sed -n 's/^Misbehaviour:.* \([0-9]*\) bad names.*/\1/p' "$OUT")
check_eq "the non-UTF-8 name is counted as a bad name" yes \
    "$([ "${bad_names:-0}" -ge 1 ] && echo yes)"
check_eq "the non-UTF-8 file is still on disk, untouched" "not UTF-8" \
    "$(cat "$SRC/"$'bad\xff\xfename')"
fs_script -o streams=off <<'EOF'
type \a:b
EOF
check_contains "a : typed on the Windows side, -o streams=off: STATUS_OBJECT_NAME_INVALID" \
    'type \a:b: STATUS_OBJECT_NAME_INVALID' "$ERR"

# ---- memfs: the round trip ---------------------------------------------------------------
use_fs memfs
{
    for name in "${LINUX_NAMES[@]}"; do
        echo "echo $(printf %s "$name" | tr -dc 'a-z') > \\$(windows_name "$name")"
    done
    echo 'nt create \ access=FILE_LIST_DIRECTORY opts=FILE_DIRECTORY_FILE'
    echo 'nt querydir 1'
    echo 'echo ==type=='
    echo "type \\$(windows_name 'l<g>')"
    echo 'echo ==end=='
} >"$E2E_TMP/memfs.script"
fs_script <"$E2E_TMP/memfs.script"
sed -n 's/^  size=.* name=//p' "$OUT" | sort >"$E2E_TMP/listed"
check_files_equal "memfs: names created with private-use characters list the same" \
    "$E2E_TMP/expected" "$E2E_TMP/listed"
check_eq "memfs: and open by them" $'lg\r' "$(section_of ==type== ==end==)"
check_lacks "memfs: no command failed" "STATUS_" "$ERR"

finish
