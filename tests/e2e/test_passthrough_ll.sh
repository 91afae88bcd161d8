#!/usr/bin/env bash
# test_passthrough_ll.sh — libfuse's passthrough_ll over a directory of 1,000 files: dir
# must list every one with its real size (several QueryDirectory rounds, many READDIRs).
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE PASSTHROUGH_LL

SOURCE=$E2E_TMP/source
mkdir "$SOURCE" || die "make the source directory"
# File i is named f0000..f0999 and holds 7*i + 3 bytes: every size distinct.
perl -e 'for my $i (0 .. 999) {
    open(my $f, ">", sprintf("%s/f%04d", $ARGV[0], $i)) or die "$!";
    print $f "x" x (7 * $i + 3); close($f) }' "$SOURCE" || die "populate $SOURCE"

(cd "$SOURCE" && stat -c '%s %n' -- *) | sort >"$E2E_TMP/expected"
check_eq "the source holds 1000 files" 1000 "$(wc -l <"$E2E_TMP/expected")"

run_shell $'dir \\\n' -- "$PASSTHROUGH_LL" -f -o source="$SOURCE"
check_eq "dir \\ exits 0" 0 "$STATUS"
dir_listing "$OUT" | grep -v '^<DIR> ' | sort >"$E2E_TMP/listed"
check_files_equal "dir \\ lists all 1000 files with their sizes" "$E2E_TMP/expected" \
    "$E2E_TMP/listed"
check_contains "dir \\ counts 1000 files" "1000 File(s)" "$OUT"
check_lacks "dir \\ reports no error" "STATUS_" "$ERR"

# A file read through passthrough_ll is the file on disk.
run_shell $'type \\f0123\n' -- "$PASSTHROUGH_LL" -f -o source="$SOURCE"
check_eq "type \\f0123 exits 0" 0 "$STATUS"
check_files_equal "type \\f0123 gives the file's bytes" "$SOURCE/f0123" "$OUT"

finish
