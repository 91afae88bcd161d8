# lib.sh — helpers for the end-to-end tests: checks that count, a temp dir removed on exit,
# running `winfuse shell` with given input, and a closing "N passed, M failed" line.
# Sourced by tests/e2e/test_*.sh; ctest sets WINFUSE, MEMFS, HELLO_LL, PASSTHROUGH_LL.

set -u

E2E_PASSED=0
E2E_FAILED=0
E2E_NAME=$(basename "$0" .sh)
E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/winfuse-$E2E_NAME.XXXXXX")
E2E_PIDS=()

e2e_cleanup() {
    local pid
    for pid in "${E2E_PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null
    done
    rm -rf "$E2E_TMP"
}
trap e2e_cleanup EXIT

pass() {
    E2E_PASSED=$((E2E_PASSED + 1))
    echo "ok - $1"
}

# fail NAME [DETAIL...]: counts a failure and shows why.
fail() {
    local name=$1
    shift
    E2E_FAILED=$((E2E_FAILED + 1))
    echo "FAIL - $name"
    local line
    for line in "$@"; do
        printf '    %s\n' "$line"
    done
}

# Stops the test at once (a prerequisite is missing); the closing line still appears.
die() {
    fail "$@"
    finish
}

check_eq() {            # check_eq NAME EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "expected: $2" "actual:   $3"; fi
}

check_contains() {      # check_contains NAME NEEDLE FILE
    if grep -qF -- "$2" "$3"; then
        pass "$1"
    else
        fail "$1" "no '$2' in $(basename "$3"):" "$(head -c 2000 "$3")"
    fi
}

check_lacks() {         # check_lacks NAME NEEDLE FILE
    if grep -qF -- "$2" "$3"; then
        fail "$1" "unexpected '$2' in $(basename "$3"):" "$(head -c 2000 "$3")"
    else
        pass "$1"
    fi
}

check_files_equal() {   # check_files_equal NAME EXPECTED_FILE ACTUAL_FILE
    if cmp -s "$2" "$3"; then
        pass "$1"
    else
        fail "$1" "$(cmp "$2" "$3" 2>&1 | head -1)" \
            "expected $(wc -c <"$2") bytes, got $(wc -c <"$3")" \
            "$(diff "$2" "$3" 2>/dev/null | grep -a '^[<>]' | head -5 | cut -c1-120)"
    fi
}

# require VAR...: each names an executable the test needs.
require() {
    local var
    for var in "$@"; do
        if [ -z "${!var:-}" ] || [ ! -x "${!var}" ]; then
            die "prerequisite $var" "$var='${!var:-}' is not an executable"
        fi
    done
}

# run_shell INPUT [SHELL-ARGS...]: feeds INPUT (printf-style escapes are NOT applied) to
# `winfuse shell SHELL-ARGS`; leaves stdout in $OUT, stderr in $ERR, exit status in $STATUS.
OUT=$E2E_TMP/stdout
ERR=$E2E_TMP/stderr
STATUS=0
run_shell() {
    local input=$1
    shift
    printf '%s' "$input" | timeout 60 "$WINFUSE" shell "$@" >"$OUT" 2>"$ERR"
    STATUS=$?
}

# wait_for PATTERN FILE SECONDS: polls until FILE has a line with PATTERN (fixed string).
wait_for() {
    local deadline=$((SECONDS + $3))
    while ! grep -qF -- "$1" "$2" 2>/dev/null; do
        [ "$SECONDS" -ge "$deadline" ] && return 1
        sleep 0.01
    done
}

# dir_listing FILE: the entries of `dir` output in FILE, one "SIZE NAME" line each
# ("<DIR> NAME" for a directory). dir prints a 17-column date, 4 spaces, the size or <DIR>
# in 14 columns, a space, the name.
dir_listing() {
    awk 'length($0) > 36 && substr($0, 18, 4) == "    " {
        f = substr($0, 22, 14); gsub(/ /, "", f)
        if (f == "<DIR>" || f ~ /^[0-9]+$/) print f " " substr($0, 37)
    }' "$1"
}

# ---- suites that run on memfs and on passthrough_ll ------------------------------------
# use_fs memfs|passthrough_ll: FS names the file system (a prefix for check names), FS_ARGS
# are the shell's arguments for it, SRC is passthrough_ll's real directory (new and empty
# at each call) or "" on memfs (which starts empty too).
FS=""
SRC=""
FS_ARGS=()
use_fs() {
    FS=$1
    case $1 in
    memfs)
        SRC=""
        FS_ARGS=(-- "$MEMFS" -f) ;;
    passthrough_ll)
        SRC=$(mktemp -d "$E2E_TMP/source.XXXXXX")
        FS_ARGS=(-- "$PASSTHROUGH_LL" -f -o source="$SRC") ;;
    *)
        die "use_fs: no file system '$1'" ;;
    esac
}

# fs_script [SHELL-OPTIONS...] <<'EOF' ... EOF: runs the commands on stdin in one shell on
# the file system use_fs chose; $OUT, $ERR, $STATUS as run_shell leaves them.
fs_script() {
    local input
    input=$(cat)
    run_shell "$input"$'\n' "$@" "${FS_ARGS[@]}"
}

# A shell kept running between steps, so that the real directory can be examined while
# handles are open: session_start [SHELL-OPTIONS...], then session_send COMMAND... (returns
# once they have run; their output accumulates in $OUT and $ERR), then session_end (leaves
# the exit status in $STATUS).
SESSION_PID=""
SESSION_FD=""
SESSION_STEP=0
session_start() {
    rm -f "$E2E_TMP/session.in"
    mkfifo "$E2E_TMP/session.in" || die "mkfifo"
    timeout 120 "$WINFUSE" shell "$@" "${FS_ARGS[@]}" <"$E2E_TMP/session.in" >"$OUT" 2>"$ERR" &
    SESSION_PID=$!
    E2E_PIDS+=("$SESSION_PID")
    exec {SESSION_FD}>"$E2E_TMP/session.in"
}

session_send() {
    SESSION_STEP=$((SESSION_STEP + 1))
    printf '%s\n' "$@" "echo ==step $SESSION_STEP==" >&"$SESSION_FD"
    wait_for "==step $SESSION_STEP==" "$OUT" 30 || fail "$FS: session step $SESSION_STEP" \
        "no answer to: $*" "$(tail -n 5 "$ERR")"
}

session_end() {
    exec {SESSION_FD}>&-
    wait "$SESSION_PID"
    STATUS=$?
}

# check_out NAME TEXT: stdout has TEXT (a fixed string, within a line); the name is
# prefixed with the file system's.
check_out() {
    check_contains "$FS: $1" "$2" "$OUT"
}

# check_last NAME TEXT: the last result of the nt family so far (the last stdout line that
# begins with "nt ") has TEXT.
check_last() {
    local line
    line=$(grep '^nt ' "$OUT" | tail -n 1)
    case $line in
    *"$2"*) pass "$FS: $1" ;;
    *) fail "$FS: $1" "expected a line with: $2" "last nt line:        $line" ;;
    esac
}

# check_out_lacks NAME TEXT: stdout has no TEXT.
check_out_lacks() {
    check_lacks "$FS: $1" "$2" "$OUT"
}

# check_fs_eq NAME EXPECTED ACTUAL: check_eq with the file system's name as a prefix.
check_fs_eq() {
    check_eq "$FS: $1" "$2" "$3"
}

# requests OPCODE: how many OPCODE requests `winfuse shell --debug` logged in $ERR.
requests() {
    grep -c -- "^devfuse: -> $1 " "$ERR"
}

# section_of START END: the lines of $OUT from the first line containing START up to the
# next one containing END (both fixed strings), the marks excluded. With `echo MARK`
# lines in a script this cuts one step's output out of a session.
section_of() {
    SECTION_START=$1 SECTION_END=$2 awk '
        index($0, ENVIRON["SECTION_START"]) { inside = 1; next }
        inside && index($0, ENVIRON["SECTION_END"]) { exit }
        inside { print }' "$OUT"
}

now_ms() {
    echo $(($(date +%s%N) / 1000000))
}

finish() {
    echo "$E2E_PASSED passed, $E2E_FAILED failed"
    [ "$E2E_FAILED" -eq 0 ] && exit 0
    exit 1
}
