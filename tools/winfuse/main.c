/* main.c — the `winfuse` command: options and subcommand dispatch. */
#include <stdio.h>
#include <string.h>

#include "shell.h"

#ifndef WF_VERSION
#define WF_VERSION "unknown"
#endif

static void wf_usage(FILE *out)
{
    fputs(
        "usage: winfuse --help | --version\n"
        "       winfuse shell [--debug] [-- FS-COMMAND [ARGS...]]\n"
        "\n"
        "shell   Start a FUSE file system on WinFuse and run Windows-style file commands\n"
        "        on it, read from standard input (type `help` in the shell for the list).\n"
        "        FS-COMMAND is any FUSE file system that accepts /dev/fd/N as its mount\n"
        "        point (libfuse 3.3 or later); /dev/fd/N is put in place of an argument\n"
        "        that is exactly {}, or else appended. Without one, the memfs next to this\n"
        "        program runs (or the one WINFUSE_MEMFS names), as `memfs -f`.\n"
        "        --debug prints every FUSE request and reply on stderr.\n"
        "        Exit status: 0, 1 when a command failed, 2 when the file system could\n"
        "        not be mounted.\n",
        out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        wf_usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        wf_usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("winfuse %s\n", WF_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "shell") == 0)
        return wf_shell_main(argc - 1, argv + 1);
    fprintf(stderr, "winfuse: unknown command '%s'\n", argv[1]);
    wf_usage(stderr);
    return 2;
}
