#!/usr/bin/env bash
# test_check.sh — `winfuse check`: every case passes on memfs and passthrough_ll, --json says
# the same, hello_ll's write cases are READ-ONLY and nothing fails, a file system that
# ignores SETATTR of times fails the times cases (exit 1) while its ignored RENAME_NOREPLACE,
# which the engine hides, passes, and no mount is exit 2.
. "${E2E_LIB:-$(dirname "$0")/lib.sh}"
require WINFUSE MEMFS HELLO_LL PASSTHROUGH_LL FLAWED_FS

# run_check [CHECK-ARGS...]: $OUT, $ERR, $STATUS as run_shell leaves them.
run_check() {
    timeout 120 "$WINFUSE" check "$@" >"$OUT" 2>"$ERR"
    STATUS=$?
}

# The case list, without mounting: "NAME read|write" per line.
"$WINFUSE" check --list >"$E2E_TMP/list" 2>&1 || die "check --list" "$(cat "$E2E_TMP/list")"
awk '{ print $1 }' "$E2E_TMP/list" >"$E2E_TMP/names"
awk '$2 == "write" { print $1 }' "$E2E_TMP/list" >"$E2E_TMP/write_names"
awk '$2 == "read" { print $1 }' "$E2E_TMP/list" >"$E2E_TMP/read_names"
TOTAL=$(wc -l <"$E2E_TMP/names")
WRITES=$(wc -l <"$E2E_TMP/write_names")
READS=$(wc -l <"$E2E_TMP/read_names")
[ "$TOTAL" -ge 60 ] && pass "--list names $TOTAL cases" || fail "--list names $TOTAL cases"
check_eq "every case is read or write" "$TOTAL" "$((WRITES + READS))"

# results NAME...: the result word of each line "RESULT NAME ..." in $OUT, as "RESULT NAME".
results() {
    awk '$1 ~ /^(PASS|FAIL|READ-ONLY|SKIP)$/ { print $1 " " $2 }' "$OUT"
}

# ---- memfs: every case passes ---------------------------------------------------------------
run_check
check_eq "memfs: exit status 0" 0 "$STATUS"
results >"$E2E_TMP/memfs_results"
check_eq "memfs: one line per case" "$TOTAL" "$(wc -l <"$E2E_TMP/memfs_results")"
check_eq "memfs: no case other than PASS" "" "$(grep -v '^PASS ' "$E2E_TMP/memfs_results")"
check_contains "memfs: the summary" "$TOTAL passed, 0 failed, 0 read-only, 0 skipped" "$OUT"
check_eq "memfs: the cases in --list order" "$(cat "$E2E_TMP/names")" \
    "$(awk '{ print $2 }' "$E2E_TMP/memfs_results")"
check_lacks "memfs: every scratch directory removed" "could not remove" "$ERR"

# ---- --json: well-formed, the same totals -----------------------------------------------
run_check --json
check_eq "memfs --json: exit status 0" 0 "$STATUS"
if python3 -m json.tool "$OUT" >/dev/null 2>"$E2E_TMP/json_error"; then
    pass "memfs --json: python3 -m json.tool parses it"
else
    fail "memfs --json: python3 -m json.tool parses it" "$(cat "$E2E_TMP/json_error")" \
        "$(head -c 1000 "$OUT")"
fi
check_eq "memfs --json: totals and results" \
    "passed=$TOTAL failed=0 read_only=0 skipped=0 total=$TOTAL results=$TOTAL" \
    "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = d["totals"]
print("passed=%d failed=%d read_only=%d skipped=%d total=%d results=%d" % (
    t["passed"], t["failed"], t["read_only"], t["skipped"], t["total"],
    sum(1 for c in d["cases"] if c["result"] == "pass")))' "$OUT" 2>&1)"
check_eq "memfs --json: the case names" "$(cat "$E2E_TMP/names")" \
    "$(python3 -c '
import json, sys
for c in json.load(open(sys.argv[1]))["cases"]: print(c["name"])' "$OUT" 2>&1)"

# A file system command whose path holds a quote, a backslash and a tab: escaped properly.
WEIRD="$E2E_TMP/we\"ird\\na	me"
ln -s "$(readlink -f "$MEMFS")" "$WEIRD" || die "make the odd symlink"
run_check --json --only read.open_root -- "$WEIRD" -f
check_eq "odd command --json: exit status 0" 0 "$STATUS"
check_eq "odd command --json: the filesystem string round trips" "$WEIRD -f" \
    "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["filesystem"])' \
        "$OUT" 2>&1)"

# A file system that prints on its stdout (fuse2fs warns there at unmount): --json's stdout
# still holds only the document, and what the file system printed goes to stderr.
NOISY=$E2E_TMP/noisy_fs
printf '#!/bin/sh\necho "noise from the file system"\ntrap "echo noise at the end" EXIT\n"%s" "$@"\n' \
    "$(readlink -f "$MEMFS")" >"$NOISY" && chmod +x "$NOISY" || die "make the noisy wrapper"
run_check --json --only read.open_root -- "$NOISY" -f
check_eq "noisy file system --json: exit status 0" 0 "$STATUS"
if python3 -m json.tool "$OUT" >/dev/null 2>"$E2E_TMP/json_error"; then
    pass "noisy file system --json: stdout parses as JSON"
else
    fail "noisy file system --json: stdout parses as JSON" "$(cat "$E2E_TMP/json_error")" \
        "$(head -c 1000 "$OUT")"
fi
check_contains "noisy file system --json: its output went to stderr" "noise from the file system" \
    "$ERR"
check_contains "noisy file system --json: its output at the end too" "noise at the end" "$ERR"

# ---- --only picks cases by glob ---------------------------------------------------------
run_check --only 'rename.*' --only link.create
check_eq "--only: exit status 0" 0 "$STATUS"
check_eq "--only: exactly the rename cases and link.create" \
    "$(grep -E '^(rename\.|link\.create$)' "$E2E_TMP/names")" \
    "$(results | awk '{ print $2 }')"
run_check --only 'no-such-case'
check_eq "--only matching nothing: exit status 2" 2 "$STATUS"

# ---- hello_ll: read-only, reported as such, nothing fails ---------------------------------
run_check -- "$HELLO_LL" -f
check_eq "hello_ll: exit status 0" 0 "$STATUS"
results >"$E2E_TMP/hello_results"
check_eq "hello_ll: no FAIL" "" "$(grep '^FAIL ' "$E2E_TMP/hello_results")"
check_eq "hello_ll: every write case READ-ONLY" "$(sed 's/^/READ-ONLY /' \
    "$E2E_TMP/write_names")" "$(grep '^READ-ONLY ' "$E2E_TMP/hello_results")"
check_eq "hello_ll: every read case PASS" "$(sed 's/^/PASS /' "$E2E_TMP/read_names")" \
    "$(grep '^PASS ' "$E2E_TMP/hello_results")"
check_contains "hello_ll: the summary counts the read-only cases" \
    "$READS passed, 0 failed, $WRITES read-only, 0 skipped" "$OUT"
check_contains "hello_ll: the summary says why" \
    "read-only for this check: a new directory in the root gave STATUS_" "$OUT"
check_contains "hello_ll: the file read is hello" "read.file_contents  hello: 13 bytes" "$OUT"
check_lacks "hello_ll: no crash or disconnection" "disconnected" "$ERR"

# ---- passthrough_ll: every case passes, and nothing is left in the real directory ----------
SOURCE=$E2E_TMP/pt_source
mkdir "$SOURCE" || die "make the passthrough_ll source"
# (-o xattr: the DOS attributes, streams and EAs need xattrs to be kept in.)
run_check -- "$PASSTHROUGH_LL" -f -o source="$SOURCE" -o xattr
check_eq "passthrough_ll: exit status 0" 0 "$STATUS"
check_contains "passthrough_ll: the summary" "$TOTAL passed, 0 failed, 0 read-only, 0 skipped" \
    "$OUT"
check_eq "passthrough_ll: the real directory is empty again" "" "$(ls -A "$SOURCE")"
# Without xattrs neither the DOS attributes, nor named streams, nor EAs can be kept: the file
# system's limit (SKIP), not a failure.
run_check -- "$PASSTHROUGH_LL" -f -o source="$SOURCE"
check_eq "passthrough_ll without xattrs: exit status 0" 0 "$STATUS"
check_eq "passthrough_ll without xattrs: the dos.*, two stream and EA-name cases skip, no others" \
    "$( ("$WINFUSE" check --list | awk '$1 ~ /^dos\./ { print $1 }'
         printf 'streams.beside_data\nstreams.listed_deleted\nntfs.ea_names_upper_case\n') |
        sed 's/^/SKIP /' | sort)" \
    "$(results | grep '^SKIP ' | sort)"
check_contains "passthrough_ll without xattrs: the reason" \
    "SKIP       dos.attributes_persist  no xattrs on this file system to keep them in" "$OUT"
check_eq "passthrough_ll without xattrs: the real directory is empty again" "" \
    "$(ls -A "$SOURCE")"

# ---- a flawed file system: the flaw is a FAIL, exit status 1 ------------------------------
# fs_flawed ignores SETATTR of times (nothing can hide that) and RENAME_NOREPLACE (the engine
# looks the target up first, as the kernel does, so no Windows program sees it).
SOURCE=$E2E_TMP/flawed_source
mkdir "$SOURCE" || die "make the flawed file system's source"
run_check -- "$FLAWED_FS" "$SOURCE" -f
check_eq "ignores times: exit status 1" 1 "$STATUS"
check_contains "ignores times: info.times_round_trip fails, saying why" \
    "FAIL       info.times_round_trip  expected 2021-03-04T05:06:08.0000000Z, got " "$OUT"
check_eq "ignores times: the times cases fail, the attribute case passes" \
    "FAIL info.times_round_trip
FAIL info.times_subsecond
PASS info.times_keep_attributes" \
    "$(results | grep -E ' info\.times_')"
check_eq "ignores RENAME_NOREPLACE: hidden by the engine, every rename case passes" \
    "$(grep '^rename\.' "$E2E_TMP/names" | sed 's/^/PASS /')" \
    "$(results | grep -E ' rename\.')"
# Only the flaw: whatever fails here and not on memfs is one of the times cases.
check_eq "ignores times: no other case fails that passes on memfs" \
    "info.times_round_trip
info.times_subsecond" \
    "$(results | awk '$1 == "FAIL" { print $2 }' | grep -vxF -f <(awk '$1 == "FAIL" {
        print $2 }' "$E2E_TMP/memfs_results"; echo '#'))"
run_check --json -- "$FLAWED_FS" "$SOURCE" -f
check_eq "ignores times --json: exit status 1, the case and its result" \
    "fail 2021-03-04T05:06:08.0000000Z failed" \
    "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = [c for c in d["cases"] if c["name"] == "info.times_round_trip"][0]
print(c["result"], c["expected"], "failed" if d["totals"]["failed"] else "none")' \
        "$OUT" 2>&1)"
check_eq "ignores times: scratch directories removed" "" "$(ls -A "$SOURCE")"

# ---- no mount: exit status 2 --------------------------------------------------------------
run_check -- /bin/false
check_eq "a file system that exits at once: exit status 2" 2 "$STATUS"
check_eq "a file system that exits at once: no case ran" "" "$(results)"

finish
