#!/usr/bin/env bash
# test_shell_syntax.sh — the shell's own syntax: help, the nt family's flag names and
# numbers, handle numbers, quoting, and the errors a mistyped command gets (on memfs).
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS
use_fs memfs

fs_script <<'EOF'
help
EOF
check_eq "help exits 0" 0 "$STATUS"
for word in 'put LOCAL PATH' 'get PATH LOCAL' 'md PATH' 'rd PATH' 'del [/F] PATH' \
    'ren PATH NEWNAME' 'move [/Y] OLD NEW' 'copy [/Y] SRC DST' 'attrib' 'label' \
    'nt create PATH' 'nt read H OFFSET LENGTH' 'nt write H OFFSET|eof TEXT' \
    'nt setinfo H basic' 'nt setinfo H disposition' 'nt setinfo H rename NEWPATH' \
    'nt setinfo H link NEWPATH' 'nt querydir H [PATTERN] [restart] [single]' 'nt flush [H]' \
    'nt close H|all' 'nt handles' 'FILE_OPEN_IF' 'FILE_DIRECTORY_FILE' 'GENERIC_READ'; do
    check_out "help shows: $word" "$word"
done

fs_script <<'EOF'
nt create \a access=0xC0000000 share=0 disp=2 opts=0x40 attr=0x80
nt create \a access=generic_read disp=file_open
nt create \b access=GENERIC_READ|FROBNICATE disp=FILE_CREATE
nt create \b disp=FILE_OPEN|FILE_CREATE
nt create \b wrong
nt create \b colour=blue
nt handles
nt close 7
nt frob
nt read 1 x 10
nt write 1 0 "two words\x21\n" repeat=2
nt read 1 0 100 text
nt close all
nt handles
EOF
check_out "numbers are flags too, and handles count from 1" \
    'nt create \a: STATUS_SUCCESS FILE_CREATED handle=1'
check_out "names are taken in any case; share=0 denies the second open" \
    'nt create \a: STATUS_SHARING_VIOLATION'
check_contains "an unknown flag name is named" \
    "'FROBNICATE' is not a name or number of access" "$ERR"
check_contains "a disposition is one value, not a set" "is not a name or number of disposition" "$ERR"
check_contains "an argument without = is refused" "'wrong' is not KEY=VALUE" "$ERR"
check_contains "an unknown key is refused" "unknown key in 'colour=blue'" "$ERR"
check_out "nt handles lists the handle with its access by name" \
    '1  \a  access=GENERIC_WRITE|GENERIC_READ opts=FILE_NON_DIRECTORY_FILE'
check_contains "a handle that does not exist" "no handle 7" "$ERR"
check_contains "an unknown nt call" "unknown call 'frob'" "$ERR"
check_contains "a bad offset gets the usage" "usage: nt read H OFFSET LENGTH" "$ERR"
check_out "quoted TEXT with escapes, repeated" 'nt write 1: STATUS_SUCCESS 22 bytes size=22'
check_out "read back as text" '"two words!\ntwo words!\n"'
check_eq "after close all no handle is left" 1 "$(grep -c '^   1  ' "$OUT")"

finish
