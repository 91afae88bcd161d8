# lib.sh — shared by the compatibility tests: the file operations every writable file system
# of the matrix must carry, the writes a read-only one must refuse, the door and the clean end.
# Sourced by tests/e2e/compat/test_*.sh after the end-to-end helpers (tests/e2e/lib.sh).

. "${E2E_LIB:-$(dirname "${BASH_SOURCE[0]}")/../lib.sh}"

# Each compatibility test must end well within this many seconds (CI runs them all).
COMPAT_BUDGET=55
# The shell gets this long; a file system that hangs fails the test instead of stalling CI.
COMPAT_SHELL_TIMEOUT=45

# What the fixtures hold: seed.txt and keep/inner.txt exist in the file system's storage
# before it starts (each test puts them there in its own way).
SEED_TEXT="seed file, made before the mount"
INNER_TEXT="a file in a directory"

# compat_fixture_dir DIR: writes the fixtures into DIR.
compat_fixture_dir() {
    mkdir -p "$1/keep" &&
        printf '%s\n' "$SEED_TEXT" >"$1/seed.txt" &&
        printf '%s\n' "$INNER_TEXT" >"$1/keep/inner.txt"
}

# A local file to copy in: 300,000 random bytes, three WRITEs where the file system caps
# writes at 128 KiB (libfuse 2), one where it takes 1 MiB.
BIG_LOCAL=$E2E_TMP/big.local
BIG_BACK=$E2E_TMP/big.back
head -c 300000 /dev/urandom >"$BIG_LOCAL" || die "make the local test file"

# compat_require PROGRAM...: each must be installed (scripts/install-deps.sh installs them).
# A missing one fails the test: a compatibility row that cannot run is not a pass.
compat_require() {
    local program
    for program in "$@"; do
        command -v "$program" >/dev/null 2>&1 ||
            die "prerequisite $program" "$program is not installed (scripts/install-deps.sh)"
    done
}

# compat_shell INPUT [SHELL-ARGS...]: runs `winfuse shell --debug SHELL-ARGS` on INPUT, bounded
# in time; $OUT, $ERR, $STATUS as run_shell leaves them; $SHELL_MS how long it took.
SHELL_MS=0
compat_shell() {
    local input=$1 start
    shift
    start=$(now_ms)
    printf '%s' "$input" | timeout "$COMPAT_SHELL_TIMEOUT" "$WINFUSE" shell --debug "$@" \
        >"$OUT" 2>"$ERR"
    STATUS=$?
    SHELL_MS=$(($(now_ms) - start))
    [ "$STATUS" -ne 124 ] || fail "$FS: the shell ended within ${COMPAT_SHELL_TIMEOUT}s" \
        "$(grep -v '^devfuse:' "$ERR" | tail -n 5)"
}

# compat_door devfd|fusermount: how the file system got its channel, from the --debug line.
compat_door() {
    local line
    line=$(grep -m1 'gets its channel as' "$ERR")
    case $1 in
    devfd) case $line in *"as /dev/fd/"*) pass "$FS: mounted through /dev/fd/N" ;;
        *) fail "$FS: mounted through /dev/fd/N" "door: ${line:-none reported}" ;; esac ;;
    fusermount) case $line in *"fusermount helper"*) pass "$FS: mounted through the fusermount helper" ;;
        *) fail "$FS: mounted through the fusermount helper" "door: ${line:-none reported}" ;; esac ;;
    esac
}

# compat_errors: the commands' own error lines (the debug trace left out).
compat_errors() {
    grep -v -e '^devfuse:' -e '^winfuse:' "$ERR" | grep 'STATUS_' || true
}

# compat_section START END FILE: the lines of $OUT between two echo marks, into FILE.
compat_section() {
    section_of "$1" "$2" >"$3"
}

# compat_vol_summary: what INIT negotiated, for the log (docs/compatibility.md quotes it).
compat_vol_summary() {
    grep -E '^(FUSE protocol|max_write|INIT flags|Misbehaviour):' "$OUT" | sed "s/^/    $FS: /"
}

# ---- the writable battery ---------------------------------------------------------------
# compat_writable_battery SHELL-ARGS...: one shell session over a file system whose storage
# holds the fixtures: lists, reads, copies a file in and out, makes a directory, renames,
# moves, writes and deletes with the shell's commands, then creates, writes, reads, renames
# and deletes with the raw NT calls, and lists again. Checks what the shell showed; the
# caller then checks the storage (compat_check_storage) after the unmount.
# COMPAT_PRELUDE: commands run first in the same session (memfs makes its fixtures so).
COMPAT_PRELUDE=""
# COMPAT_ROOT_EXTRA: an entry of the root that the file system makes itself, as dir_listing
# shows it ("<DIR> lost+found"); the final listing leaves it out.
COMPAT_ROOT_EXTRA=""
# COMPAT_SETTLING: names a file system that deletes and renames in the background (rclone's
# VFS cache) may still list for a moment after the shell removed them; the final listing
# leaves them out, and compat_check_storage proves they are gone from the storage.
COMPAT_SETTLING=""
compat_without_settling() {
    local name pattern=()
    for name in $COMPAT_SETTLING; do
        pattern+=(-e " $name\$")
    done
    if [ ${#pattern[@]} -eq 0 ]; then cat; else grep -v "${pattern[@]}"; fi
}

compat_writable_battery() {
    local input
    input="${COMPAT_PRELUDE}echo ==list==
dir \\
echo ==seed==
type \\seed.txt
echo ==inner==
type \\keep\\inner.txt
echo ==put==
put $BIG_LOCAL \\data.bin
get \\data.bin $BIG_BACK
md \\sub
ren \\data.bin renamed.bin
move \\renamed.bin \\sub
echo written by winfuse > \\sub\\note.txt
echo ==note==
type \\sub\\note.txt
echo ==doomed==
echo doomed > \\doomed.txt
del \\doomed.txt
echo ==nt==
nt create \\nt.txt access=GENERIC_READ|GENERIC_WRITE|DELETE disp=FILE_CREATE
nt write 1 0 hello_from_nt
nt read 1 0 13 text
nt setinfo 1 rename nt-renamed.txt
nt close 1
nt create \\nt-renamed.txt access=GENERIC_READ
nt read 1 0 13 text
nt close 1
nt create \\nt-renamed.txt access=DELETE
nt setinfo 1 disposition delete
nt close 1
echo ==root==
dir \\
echo ==sub==
dir \\sub
echo ==vol==
vol
echo ==end==
"
    compat_shell "$input" "$@"
    check_eq "$FS: the shell exits 0 (every command succeeded)" 0 "$STATUS"
    check_eq "$FS: no command failed" "" "$(compat_errors)"

    compat_section ==list== ==seed== "$E2E_TMP/list"
    check_eq "$FS: dir lists seed.txt with its size" "$(( ${#SEED_TEXT} + 1 )) seed.txt" \
        "$(dir_listing "$E2E_TMP/list" | grep ' seed.txt$')"
    check_eq "$FS: dir lists the directory keep" "<DIR> keep" \
        "$(dir_listing "$E2E_TMP/list" | grep ' keep$')"
    check_eq "$FS: type reads seed.txt" "$SEED_TEXT" "$(section_of ==seed== ==inner==)"
    check_eq "$FS: type reads keep\\inner.txt" "$INNER_TEXT" "$(section_of ==inner== ==put==)"
    check_files_equal "$FS: get gives back what put wrote (300,000 bytes)" "$BIG_LOCAL" "$BIG_BACK"
    check_eq "$FS: type reads the file echo wrote" "written by winfuse"$'\r' \
        "$(section_of ==note== ==doomed==)"

    compat_section ==nt== ==root== "$E2E_TMP/nt"
    check_contains "$FS: nt create makes a new file" \
        'nt create \nt.txt: STATUS_SUCCESS FILE_CREATED handle=1' "$E2E_TMP/nt"
    check_contains "$FS: nt write writes 13 bytes" 'STATUS_SUCCESS 13 bytes size=13' "$E2E_TMP/nt"
    check_eq "$FS: nt read reads them back, twice (before and after the rename)" 2 \
        "$(grep -c 'hello_from_nt' "$E2E_TMP/nt")"
    check_contains "$FS: nt setinfo renames the open file" \
        'nt setinfo 1 rename: STATUS_SUCCESS' "$E2E_TMP/nt"
    check_contains "$FS: nt setinfo marks the file for deletion" \
        'nt setinfo 1 disposition: STATUS_SUCCESS' "$E2E_TMP/nt"

    compat_section ==root== ==sub== "$E2E_TMP/root"
    dir_listing "$E2E_TMP/root" | grep -v -x -F -e "${COMPAT_ROOT_EXTRA:-<none>}" |
        compat_without_settling | sort >"$E2E_TMP/root.entries"
    printf '%s\n' "$(( ${#SEED_TEXT} + 1 )) seed.txt" "<DIR> keep" "<DIR> sub" | sort \
        >"$E2E_TMP/root.expected"
    check_files_equal "$FS: the root lists seed.txt, keep and sub, and nothing deleted or renamed away" \
        "$E2E_TMP/root.expected" "$E2E_TMP/root.entries"
    compat_section ==sub== ==vol== "$E2E_TMP/sub"
    dir_listing "$E2E_TMP/sub" | grep -v -e ' \.$' -e ' \.\.$' | sort >"$E2E_TMP/sub.entries"
    printf '%s\n' "300000 renamed.bin" "20 note.txt" | sort >"$E2E_TMP/sub.expected"
    check_files_equal "$FS: sub lists the renamed, moved file and the note with their sizes" \
        "$E2E_TMP/sub.expected" "$E2E_TMP/sub.entries"
    compat_vol_summary
}

# compat_check_storage: after the unmount, what the battery did is in the storage. The test
# defines store_cat PATH (the file's bytes on stdout; fails when it is absent) and
# store_dir_has PATH (succeeds when PATH is a directory).
compat_check_storage() {
    local what
    check_eq "$FS: storage: seed.txt is unchanged" "$SEED_TEXT" "$(store_cat seed.txt)"
    store_cat sub/renamed.bin >"$E2E_TMP/stored.bin" 2>/dev/null
    check_files_equal "$FS: storage: sub/renamed.bin holds the bytes put wrote" \
        "$BIG_LOCAL" "$E2E_TMP/stored.bin"
    check_eq "$FS: storage: sub/note.txt holds what echo wrote" \
        "written by winfuse"$'\r' "$(store_cat sub/note.txt)"
    if store_dir_has sub; then pass "$FS: storage: sub is a directory"
    else fail "$FS: storage: sub is a directory"; fi
    for what in data.bin renamed.bin doomed.txt nt.txt nt-renamed.txt; do
        if store_cat "$what" >/dev/null 2>&1; then
            fail "$FS: storage: $what is gone" "it is still there"
        else
            pass "$FS: storage: $what is gone"
        fi
    done
}

# ---- the read-only battery --------------------------------------------------------------
# compat_readonly_battery FILE CONTENT-FILE SHELL-ARGS...: reads FILE (its bytes are in
# CONTENT-FILE), then tries every kind of write; each must fail with a status that says
# the volume or file cannot be written, and FILE must read the same afterwards.
compat_readonly_battery() {
    local file=$1 content=$2 input status what
    shift 2
    input="echo ==type==
type \\$file
echo ==get==
get \\$file $E2E_TMP/ro.back
echo ==writes==
nt create \\new.txt access=GENERIC_READ|GENERIC_WRITE disp=FILE_CREATE
nt create \\$file access=GENERIC_WRITE
put $BIG_LOCAL \\$file
md \\newdir
ren \\$file renamed
del \\$file
echo ==after==
dir \\
echo ==again==
type \\$file
echo ==end==
"
    compat_shell "$input" "$@"
    check_eq "$FS: the shell exits 1 (the writes failed)" 1 "$STATUS"
    check_files_equal "$FS: type reads $file" "$content" \
        <(section_of ==type== ==get==)
    check_files_equal "$FS: get copies $file out" "$content" "$E2E_TMP/ro.back"

    # What each write got: nt create prints its status on stdout, the commands on stderr.
    compat_section ==writes== ==after== "$E2E_TMP/writes"
    for what in 'nt create \new.txt' "nt create \\$file"; do
        status=$(grep -F -- "$what:" "$E2E_TMP/writes" | sed 's/.*: //; s/ .*//')
        compat_refusal "$what" "$status"
    done
    for what in "put \\$file" 'md \newdir' "ren \\$file"; do
        status=$(grep -F -- "$what:" "$ERR" | grep -v '^devfuse:' | sed 's/.*: //')
        compat_refusal "$what" "$status"
    done
    # A delete happens at the last close, where Windows has no way to report a failure: a
    # file system that answers UNLINK with an error leaves del looking successful (the
    # file stays, as checked below). Logged, not asserted.
    status=$(grep -F -- "del \\$file:" "$ERR" | grep -v '^devfuse:' | sed 's/.*: //')
    echo "    $FS: del \\$file -> ${status:-STATUS_SUCCESS (the delete at close failed unseen)}"
    compat_section ==after== ==again== "$E2E_TMP/after"
    check_eq "$FS: after the writes, dir still lists $file with its size" \
        "$(wc -c <"$content") $file" "$(dir_listing "$E2E_TMP/after" | grep " $file\$")"
    check_eq "$FS: after the writes, nothing new or renamed is listed" "" \
        "$(dir_listing "$E2E_TMP/after" | grep -e ' new.txt$' -e ' newdir$' -e ' renamed$')"
    check_files_equal "$FS: after the writes, $file reads the same" "$content" \
        <(section_of ==again== ==end==)
}

# compat_refusal WHAT STATUS: a write refused as Windows refuses writes to a read-only volume
# or file: STATUS_MEDIA_WRITE_PROTECTED or STATUS_ACCESS_DENIED. The statuses seen are
# logged for docs/compatibility.md.
compat_refusal() {
    echo "    $FS: $1 -> ${2:-none}"
    case $2 in
    STATUS_MEDIA_WRITE_PROTECTED | STATUS_ACCESS_DENIED) pass "$FS: $1 is refused ($2)" ;;
    *) fail "$FS: $1 is refused with STATUS_MEDIA_WRITE_PROTECTED or STATUS_ACCESS_DENIED" \
        "got: ${2:-no error}" ;;
    esac
}

# compat_gone PATTERN WHAT: no process whose command line has PATTERN (a fixed string unique
# to this test, e.g. its temp dir) is left, within 5 s: the file system ended at unmount.
compat_gone() {
    local deadline=$((SECONDS + 5))
    while pgrep -f -- "$1" >/dev/null 2>&1; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            fail "$FS: $2 has ended after the unmount" "$(pgrep -af -- "$1")"
            return
        fi
        sleep 0.05
    done
    pass "$FS: $2 has ended after the unmount"
}

# compat_finish: the closing line, after checking the test kept to its time budget.
compat_finish() {
    if [ "$SECONDS" -le "$COMPAT_BUDGET" ]; then
        pass "the test took ${SECONDS}s (budget ${COMPAT_BUDGET}s)"
    else
        fail "the test took ${SECONDS}s, over its budget of ${COMPAT_BUDGET}s"
    fi
    finish
}

# ---- winfuse check ----------------------------------------------------------------------
# compat_check CHECK-ARGS...: runs `winfuse check --json` (80 Windows behaviours,
# docs/check.md) on the row's file system. FAILs are not this test's failures: the result of
# every case goes to $COMPAT_RESULTS/ROW.json (ROW: the script's name without test_), which
# scripts/compat-table.py turns into the table of docs/compatibility.md, and ctest's
# compat/table_current fails when that table no longer says what the check found. The
# check must run to its end (exit 0 or 1: mounted, not crashed) and leave no scratch
# directory behind. CHECK_MS: how long it took.
compat_check() {
    local start row=${E2E_NAME#test_} out=$E2E_TMP/check.json
    start=$(now_ms)
    timeout "$COMPAT_SHELL_TIMEOUT" "$WINFUSE" check --json "$@" >"$out" 2>"$E2E_TMP/check.err"
    local status=$?
    CHECK_MS=$(($(now_ms) - start))
    case $status in
    0 | 1) pass "$FS: winfuse check ran every case (exit $status, ${CHECK_MS} ms)" ;;
    *) fail "$FS: winfuse check ran every case" "exit $status" \
        "$(grep -v '^devfuse:' "$E2E_TMP/check.err" | tail -n 5)"
        return ;;
    esac
    # fuse2fs left one or two behind a run while the engine sent UNLINK before the
    # deleting handle's RELEASE (libfuse 2 hid the open file as .fuse_hiddenN). A file
    # system that deletes in the background (COMPAT_SETTLING: rclone) may still hold a
    # name at the directory's removal: logged there, not failed.
    if [ -n "$COMPAT_SETTLING" ]; then
        grep 'could not remove' "$E2E_TMP/check.err" | sed "s/^/    $FS: /"
    else
        check_lacks "$FS: winfuse check removed its scratch directories" "could not remove" \
            "$E2E_TMP/check.err"
    fi
    # The summary for the log: "passed failed read-only skipped" and each FAIL's name.
    grep -o '"totals": *{[^}]*}' "$out" | sed "s/^/    $FS: check /"
    grep -o '"name": *"[^"]*", *"result": *"fail"' "$out" | sed "s/^/    $FS: check FAIL /"
    if [ -n "${COMPAT_RESULTS:-}" ]; then
        mkdir -p "$COMPAT_RESULTS" && cp "$out" "$COMPAT_RESULTS/$row.json" &&
            printf '%s\n' "$FS" >"$COMPAT_RESULTS/$row.name" ||
            fail "$FS: the check's results are kept in $COMPAT_RESULTS"
    fi
}
