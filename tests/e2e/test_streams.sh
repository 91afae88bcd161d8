#!/usr/bin/env bash
# test_streams.sh — named streams on passthrough_ll (-o xattr) over a real directory: stored
# byte for byte as Samba's vfs_streams_xattr stores them (user.DosStream.NAME:$DATA: the
# data and one 0 byte), read back when Linux wrote them, listed, carried by a rename,
# deleted alone, limited by the file system's xattr room without loss, refused with a
# clear status on a file system without xattrs and with -o streams=off.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE PASSTHROUGH_LL

# stream_hex FILE NAME: the raw value of stream NAME's xattr, as hex ("" when none).
stream_hex() {
    getfattr --absolute-names --only-values -n "user.DosStream.$2:\$DATA" "$1" 2>/dev/null |
        xxd -p | tr -d '\n'
}
# nt_streams START END: the FileStreamInformation entries `nt queryinfo H stream` printed
# between the marks, one "NAME SIZE ALLOCATION" line each, in the order given.
nt_streams() {
    section_of "$1" "$2" | awk '$1 == "StreamName:" { name = $2 }
        $1 == "StreamSize:" { size = $2 }
        $1 == "StreamAllocationSize:" { print name, size, $2 }'
}
# stream_names FILE: the stream xattrs FILE has, sorted, one a line.
stream_names() {
    getfattr --absolute-names -d -m '^user\.DosStream\.' "$1" 2>/dev/null |
        sed -n 's/^\(user\.DosStream\.[^=]*\)=.*/\1/p' | sort
}

use_fs passthrough_ll
FS_ARGS+=(-o xattr)

fs_script <<'EOF'
echo main > \f.txt
echo one > \f.txt:s1
echo two > \f.txt:s2:$DATA
nt create \f.txt:empty disp=FILE_CREATE access=GENERIC_WRITE
nt close all
echo ==type==
type \f.txt:s1
type \f.txt:s2:$data
type \f.txt::$DATA
echo ==end==
echo ==streams==
streams \f.txt
echo ==end==
nt create \f.txt access=FILE_READ_ATTRIBUTES
echo ==ntstreams==
nt queryinfo 1 FileStreamInformation
echo ==end==
nt close all
echo new > \n.txt:only
md \d
echo on a directory > \d:x
nt create \f.txt:s3 disp=FILE_CREATE opts=FILE_DIRECTORY_FILE
type \f.txt:
type \f.txt:s1:$FOO
type \f.txt:a*b
type \f.txt:absent
ea \f.txt
EOF
check_eq "written through the stream, read back through it" $'one\r\ntwo\r\nmain\r' \
    "$(section_of ==type== ==end==)"
check_eq "on disk: the stream is user.DosStream.s1:\$DATA, its data and one 0 byte" \
    "6f6e650d0a00" "$(stream_hex "$SRC/f.txt" s1)"
check_eq "on disk: :s2:\$DATA names the same xattr form" "74776f0d0a00" \
    "$(stream_hex "$SRC/f.txt" s2)"
check_eq "on disk: an empty stream is the 0 byte alone, as Samba creates it" "00" \
    "$(stream_hex "$SRC/f.txt" empty)"
check_eq "the file's own data is untouched" $'main\r' "$(cat "$SRC/f.txt")"
check_eq "streams lists ::\$DATA, then each stream with its size" \
    "$(printf '%14s %s\n' 6 '::$DATA' 5 ':empty:$DATA' 5 ':s1:$DATA' 5 ':s2:$DATA' |
        sed 's/ 5 :empty/ 0 :empty/')" \
    "$(section_of ==streams== ==end== >"$E2E_TMP/streams"
        head -n 1 "$E2E_TMP/streams"; tail -n +2 "$E2E_TMP/streams" | sort -k2)"
check_contains "nt queryinfo FileStreamInformation on a volume with streams succeeds" \
    'nt queryinfo 1: STATUS_SUCCESS' "$OUT"
check_eq "nt queryinfo FileStreamInformation: ::\$DATA first, then each stream, with sizes" \
    "$(printf '%s\n' '::$DATA 6 4096' ':empty:$DATA 0 0' ':s1:$DATA 5 4096' \
        ':s2:$DATA 5 4096')" \
    "$(nt_streams ==ntstreams== ==end== >"$E2E_TMP/ntstreams"
        head -n 1 "$E2E_TMP/ntstreams"; tail -n +2 "$E2E_TMP/ntstreams" | sort)"
check_eq "a stream on a new name makes the file, empty, with the stream" \
    "0 6e65770d0a00" "$(stat -c %s "$SRC/n.txt") $(stream_hex "$SRC/n.txt" only)"
check_eq "a directory keeps a stream too" "6f6e2061206469726563746f72790d0a00" \
    "$(stream_hex "$SRC/d" x)"
check_contains "FILE_DIRECTORY_FILE on a stream: STATUS_NOT_A_DIRECTORY" \
    'nt create \f.txt:s3: STATUS_NOT_A_DIRECTORY' "$OUT"
check_contains "'file:' names nothing: STATUS_OBJECT_NAME_INVALID" \
    'type \f.txt:: STATUS_OBJECT_NAME_INVALID' "$ERR"
check_contains "a type other than \$DATA: STATUS_OBJECT_NAME_INVALID" \
    'type \f.txt:s1:$FOO: STATUS_OBJECT_NAME_INVALID' "$ERR"
check_contains "a character NTFS forbids in a stream name: STATUS_OBJECT_NAME_INVALID" \
    'type \f.txt:a*b: STATUS_OBJECT_NAME_INVALID' "$ERR"
check_contains "a stream that is not there: STATUS_OBJECT_NAME_NOT_FOUND" \
    'type \f.txt:absent: STATUS_OBJECT_NAME_NOT_FOUND' "$ERR"
check_contains "a stream's xattr is no EA" '\f.txt: no extended attributes' "$OUT"

# A stream Samba (or anyone) wrote: "hi" and the 0 byte.
setfattr -n 'user.DosStream.fromsamba:$DATA' -v 0x686900 "$SRC/f.txt" || die "setfattr"
fs_script <<'EOF'
type \f.txt:fromsamba
ren \f.txt g.txt
del \g.txt:s1
nt create \g.txt:s2 access=DELETE|GENERIC_READ opts=FILE_DELETE_ON_CLOSE
nt close all
EOF
check_eq "a stream Samba wrote reads without its 0 byte" "hi" "$(head -c 2 "$OUT")"
check_eq "rename carries the streams; del and delete-on-close remove one stream each" \
    "$(printf '%s\n' 'user.DosStream.empty:$DATA' 'user.DosStream.fromsamba:$DATA')" \
    "$(stream_names "$SRC/g.txt")"
check_eq "the file stays when its streams are deleted" $'main\r' "$(cat "$SRC/g.txt")"

# ext4 keeps all of a file's xattrs in one block: a write beyond it is STATUS_DISK_FULL,
# and what was stored stays.
head -c 2000 /dev/zero | tr '\0' a >"$E2E_TMP/small"
fs_script <<EOF
put $E2E_TMP/small \\g.txt:big
nt create \\g.txt:big access=GENERIC_READ|GENERIC_WRITE
nt write 1 eof b repeat=6000
nt close all
EOF
if [ "$(stat -f -c %T "$SRC")" = "ext2/ext3" ]; then
    check_contains "a write beyond the file system's xattr room: STATUS_DISK_FULL" \
        'nt write 1: STATUS_DISK_FULL' "$OUT"
    check_eq "the stream stored before is kept whole" "2001 $(printf '%02x' 0)" \
        "$(getfattr --absolute-names --only-values -n 'user.DosStream.big:$DATA' \
            "$SRC/g.txt" | wc -c) $(stream_hex "$SRC/g.txt" big | tail -c 2)"
fi

# Overwriting the file drops its streams, as NTFS and Samba (clear_ads) do.
fs_script <<'EOF'
echo over > \g.txt
EOF
check_eq "an overwrite of the file removes its streams" "" "$(stream_names "$SRC/g.txt")"

# Without xattrs (passthrough_ll without -o xattr answers ENOSYS): refused, nothing made.
use_fs passthrough_ll
fs_script <<'EOF'
echo x > \h.txt:s
vol
echo data > \i.txt
nt create \i.txt access=FILE_READ_ATTRIBUTES
echo ==ntstreams==
nt queryinfo 1 stream
echo ==end==
EOF
check_contains "no xattrs: a stream is STATUS_OBJECT_NAME_INVALID" \
    'echo \h.txt:s: STATUS_OBJECT_NAME_INVALID' "$ERR"
check_eq "no xattrs: the file made for the stream is gone again" no \
    "$([ -e "$SRC/h.txt" ] && echo yes || echo no)"
# The volume started with NamedStreams (the stand-in read the flag then): the engine lists
# the file's own data alone, asking no xattr of a file system that has none.
check_eq "no xattrs: nt queryinfo FileStreamInformation lists ::\$DATA alone" \
    '::$DATA 6 4096' "$(nt_streams ==ntstreams== ==end==)"

# -o streams=off: the same answer, with nothing asked.
use_fs passthrough_ll
FS_ARGS+=(-o xattr)
fs_script -o streams=off <<'EOF'
echo x > \h.txt:s
echo data > \i.txt
nt create \i.txt access=FILE_READ_ATTRIBUTES
nt queryinfo 1 FileStreamInformation
EOF
check_contains "-o streams=off: a stream is STATUS_OBJECT_NAME_INVALID" \
    'echo \h.txt:s: STATUS_OBJECT_NAME_INVALID' "$ERR"
check_contains "-o streams=off: FileStreamInformation is STATUS_INVALID_PARAMETER, as WinFsp's FSD answers without NamedStreams" \
    'nt queryinfo 1: STATUS_INVALID_PARAMETER' "$OUT"
check_eq "-o streams=off: nothing made" no "$([ -e "$SRC/h.txt" ] && echo yes || echo no)"

finish
