# fuzz-targets.sh — what each fuzz target (tests/fuzz/fuzz_TARGET.c) is built from, sourced
# by scripts/fuzz.sh and scripts/fuzz-coverage.sh so that the two build the same programs.
# shellcheck shell=bash

all_fuzz_targets="engine sddl devfuse fsd shell"

# Input size bound.
max_len() {
    case $1 in
        engine) echo 4096 ;; devfuse) echo 2048 ;; fsd) echo 1024 ;; sddl) echo 1024 ;;
        shell) echo 512 ;;
    esac
}
# The sources beside the engine and the POSIX platform.
extra_sources() {
    case $1 in
        engine|sddl) echo src/sddl/sddl.c ;;
        devfuse) echo src/host/linux/devfuse.c ;;
        fsd) echo src/host/linux/fsd*.c ;;
        shell) echo tools/winfuse/shell_line.c tools/winfuse/path.c tools/winfuse/nt_names.c \
            tools/winfuse/cli_options.c ;;
    esac
}
