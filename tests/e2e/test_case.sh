#!/usr/bin/env bash
# test_case.sh — case-insensitive volumes (winfuse shell --case-insensitive) on
# passthrough_ll over a real directory and on memfs: names found in any case, listed as
# stored, creates that meet the existing file, case-only renames, deletes; and the default,
# case-sensitive, volume.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS PASSTHROUGH_LL

use_fs passthrough_ll
printf 'hello\n' >"$SRC/ReadMe.TXT"
mkdir "$SRC/Docs"
printf 'notes\n' >"$SRC/Docs/Notes.md"

fs_script --case-insensitive <<'EOF'
echo ==type==
type \readme.txt
echo ==nested==
type \DOCS\notes.MD
echo ==dir==
dir \
echo ==end==
md \docs
EOF
check_eq "$FS: type finds ReadMe.TXT as \\readme.txt" "hello" "$(section_of ==type== ==nested==)"
check_eq "$FS: every component of a path is found in any case" "notes" \
    "$(section_of ==nested== ==dir==)"
section_of ==dir== ==end== >"$E2E_TMP/listing"
check_eq "$FS: dir shows the names as stored" "6 ReadMe.TXT|<DIR> Docs" \
    "$(dir_listing "$E2E_TMP/listing" | LC_ALL=C sort | paste -sd'|')"
check_contains "$FS: a directory existing in another case is not made again" \
    'STATUS_OBJECT_NAME_COLLISION' "$ERR"
check_fs_eq "on disk: no second name was made" "Docs Docs/Notes.md ReadMe.TXT" \
    "$(cd "$SRC" && find . -mindepth 1 | sed 's|^\./||' | sort | xargs)"

fs_script --case-insensitive <<'EOF'
echo again > \README.txt
ren \readme.TXT README.txt
ren \docs\NOTES.md notes.md
echo ==dir==
dir \
echo ==end==
EOF
check_fs_eq "on disk: the overwrite went to the existing file, case-only renames took" \
    "Docs Docs/notes.md README.txt" \
    "$(cd "$SRC" && find . -mindepth 1 | sed 's|^\./||' | sort | xargs)"
check_fs_eq "on disk: the data was replaced" "again" "$(tr -d '\r' <"$SRC/README.txt")"
section_of ==dir== ==end== >"$E2E_TMP/listing"
check_eq "$FS: the listing shows the new spelling" "7 README.txt|<DIR> Docs" \
    "$(dir_listing "$E2E_TMP/listing" | LC_ALL=C sort | paste -sd'|')"

fs_script --case-insensitive <<'EOF'
del \readme.TXT
del \DOCS\Notes.MD
rd \DOCS
EOF
check_fs_eq "on disk: deletes in any case removed the stored names" "" \
    "$(cd "$SRC" && find . -mindepth 1 | xargs)"
check_fs_eq "the deletes succeeded" 0 "$STATUS"

# The default volume is case-sensitive, as FUSE is.
printf 'hello\n' >"$SRC/ReadMe.TXT"
fs_script <<'EOF'
type \readme.txt
type \ReadMe.TXT
EOF
check_contains "$FS: case-sensitive by default: another case is not found" \
    'type \readme.txt: STATUS_OBJECT_NAME_NOT_FOUND' "$ERR"
check_out "case-sensitive by default: the exact name is found" "hello"

# memfs: a file system that is itself case-sensitive, in one session.
use_fs memfs
fs_script --case-insensitive <<'EOF'
echo one > \Mixed.Case
echo ==type==
type \MIXED.case
echo ==end==
md \Dir
md \dir
ren \mixed.case mixed.CASE
echo ==dir==
dir \
echo ==end2==
EOF
check_eq "$FS: a name is found in another case" "one" "$(section_of ==type== ==end== | tr -d '\r')"
check_contains "$FS: md of a name existing in another case collides" \
    'STATUS_OBJECT_NAME_COLLISION' "$ERR"
section_of ==dir== ==end2== >"$E2E_TMP/listing"
check_eq "$FS: one entry per name, the case-only rename taken" "5 mixed.CASE|<DIR> Dir" \
    "$(dir_listing "$E2E_TMP/listing" | LC_ALL=C sort | paste -sd'|')"

finish
