/* main.c — the `winfuse` command: options and subcommand dispatch. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "check.h"
#include "mount.h"
#include "volume.h"
#include "shell.h"
#include "signals.h"

#ifndef WF_VERSION
#define WF_VERSION "unknown"
#endif

static void wf_usage(FILE *out)
{
    fputs(
        "usage: winfuse --help | --version\n"
        "       winfuse shell [--debug] [--mount=MODE] [--as UID:GID[:GROUP,...]]\n"
        "                     [--case-insensitive] [-o MAP] [--timeout SECONDS] [--destroy]\n"
        "                     [-- FS-COMMAND [ARGS...]]\n"
        "       winfuse check [--json] [--only PATTERN]... [--list] [--debug] [--mount=MODE]\n"
        "                     [--as UID:GID[:GROUP,...]] [--case-insensitive] [-o MAP]\n"
        "                     [--timeout SECONDS] [-- FS-COMMAND [ARGS...]]\n"
        "       winfuse mount [-f] [--case-insensitive] [--as UID:GID[:GROUP,...]] [-o OPTIONS]\n"
        "                     [--mount=MODE] MOUNTPOINT [-- FS-COMMAND [ARGS...]]\n"
        "       winfuse abort PID\n"
        "\n"
        "shell   Start a FUSE file system on WinFuse and run Windows-style file commands\n"
        "        on it, read from standard input (type `help` in the shell for the list).\n"
        "        FS-COMMAND is any FUSE file system; its mount point (/dev/fd/N or a\n"
        "        directory, see --mount) is put in place of an argument that is exactly\n"
        "        {}, or else appended. Without one, the memfs next to this\n"
        "        program runs (or the one WINFUSE_MEMFS names), as `memfs -f`.\n"
        "        --debug prints every FUSE request and reply on stderr.\n"
        "        --as UID:GID[:GROUP,...] acts as that caller (with those supplementary\n"
        "        groups): requests carry it and WinFuse checks its access as Linux's\n"
        "        default_permissions would. Without it, the caller is this process.\n"
        "        -o uid=N,gid=N,umask=OOO,uidmap=UID:SID[;UID:SID...] as WinFsp-FUSE: show\n"
        "        every file with that owner, group or umask (-1: this process's), and map\n"
        "        those uids to those SIDs (security descriptors, icacls).\n"
        "        --case-insensitive makes the volume case-insensitive, as NTFS: a name\n"
        "        matches whatever its case, and keeps the case the file system stores.\n"
        "        --mount=auto|devfd|fusermount: how the file system gets WinFuse's channel\n"
        "        (docs/channel.md). devfd: /dev/fd/N as its mount point. fusermount: an empty\n"
        "        directory, mounted through WinFuse's fusermount3 stand-in in a private\n"
        "        mount namespace (libfuse 2, Go file systems). auto (the default): devfd for\n"
        "        a program linked with libfuse 3, else fusermount. Nothing is ever mounted\n"
        "        in the kernel. mount also has mountpoint: the file system gets MOUNTPOINT\n"
        "        itself and asks through the helper for the kernel mount there (auto's\n"
        "        choice for Go programs under mount: go-fuse opens its mount point).\n"
        "        --timeout SECONDS gives up on a FUSE request the file system has not\n"
        "        answered in that time (INTERRUPT, then STATUS_IO_TIMEOUT); default: none.\n"
        "        Ctrl-C cancels the running command (INTERRUPT, then STATUS_CANCELLED after\n"
        "        a second); a second Ctrl-C, or one at the prompt, ends the shell.\n"
        "        SIGTERM, SIGHUP and SIGINT end the file system with the shell.\n"
        "        Exit status: 0, 1 when a command failed, 2 when the file system could\n"
        "        not be mounted.\n"
        "\n"
        "check   Run the Windows-semantics battery (docs/check.md) against a FUSE file\n"
        "        system, with FS-COMMAND, --mount, --as, --case-insensitive, -o and --debug\n"
        "        as for shell: one line per case, PASS, FAIL, READ-ONLY or SKIP. --json\n"
        "        prints one JSON document instead; --only PATTERN (a glob, repeatable)\n"
        "        picks cases; --list names them without mounting. A read-only file system\n"
        "        runs the read-side cases only. Exit status: 0 when no case failed, 1 when\n"
        "        one did, 2 when the file system could not be mounted.\n"
        "\n"
        "mount   Mount a FUSE file system at MOUNTPOINT in the Linux kernel, through\n"
        "        WinFuse's NT translation, as WSL1's LXCORE does (docs/mount.md): every\n"
        "        POSIX call becomes NT calls on the volume. `winfuse mount --help`.\n"
        "\n"
        "abort   Abort the file system of the `winfuse shell` or `check` with that PID, as\n"
        "        Linux's /sys/fs/fuse/connections/N/abort does: every request fails with\n"
        "        STATUS_CONNECTION_DISCONNECTED, the channel is closed and the file system\n"
        "        ended. The shell stays, to be left as usual.\n",
        out);
}

/* The commands' options that take their value as the next argument. */
static const char *const wf_options_with_value[] = { "--as", "--only", "-o", "--timeout" };

/* Takes --mount=MODE (or --mount MODE) out of a command's options, before its `--` or its
   FS-COMMAND, and makes it the process's default for every volume. Returns the new argc,
   or -1 after a message. */
static int wf_take_mount_option(int argc, char **argv)
{
    int out = 0;
    for (int i = 0; i < argc; i++) {
        const char *value = NULL;
        bool takes_value = false;
        for (size_t k = 0; k < sizeof wf_options_with_value / sizeof *wf_options_with_value; k++)
            takes_value = takes_value || strcmp(argv[i], wf_options_with_value[k]) == 0;
        if (i > 0 && takes_value && i + 1 < argc) {
            argv[out++] = argv[i++];
            argv[out++] = argv[i];
            continue;
        }
        if (i > 0 && strcmp(argv[i], "--") == 0) {
            while (i < argc)
                argv[out++] = argv[i++];
            break;
        }
        if (i > 0 && argv[i][0] != '-') {
            while (i < argc)
                argv[out++] = argv[i++];
            break;
        }
        if (strncmp(argv[i], "--mount=", 8) == 0) {
            value = argv[i] + 8;
        } else if (strcmp(argv[i], "--mount") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "winfuse: --mount needs auto, devfd or fusermount (mount: or mountpoint)\n");
                return -1;
            }
            value = argv[++i];
        } else {
            argv[out++] = argv[i];
            continue;
        }
        wf_mount_mode mode;
        if (!wf_mount_mode_parse(value, &mode)) {
            fprintf(stderr, "winfuse: unknown --mount '%s' (auto, devfd or fusermount; mount: or "
                "mountpoint)\n",
                value);
            return -1;
        }
        wf_volume_set_default_mount(mode);
    }
    argv[out] = NULL;
    return out;
}

/* `winfuse abort PID`: SIGUSR1 to that process, once it is seen to be this program (the
   signal's default action would kill anything else). */
static int wf_abort_main(int argc, char **argv)
{
    char self[PATH_MAX], other[PATH_MAX], link[64];
    char *end;
    long pid;
    ssize_t n;

    if (argc != 3) {
        fprintf(stderr, "usage: winfuse abort PID\n");
        return 2;
    }
    pid = strtol(argv[2], &end, 10);
    if (*end != '\0' || pid <= 1 || pid > INT_MAX) {
        fprintf(stderr, "winfuse abort: '%s' is not a process id\n", argv[2]);
        return 2;
    }
    n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = '\0';
    snprintf(link, sizeof link, "/proc/%ld/exe", pid);
    n = readlink(link, other, sizeof other - 1);
    other[n > 0 ? n : 0] = '\0';
    if (n <= 0 || strcmp(self, other) != 0 || pid == (long)getpid()) {
        fprintf(stderr, "winfuse abort: process %ld is not a winfuse shell or check%s%s\n",
            pid, n <= 0 ? ": " : "", n <= 0 ? strerror(errno) : "");
        return 1;
    }
    if (kill((pid_t)pid, WF_SIGNAL_ABORT) != 0) {
        fprintf(stderr, "winfuse abort: %ld: %s\n", pid, strerror(errno));
        return 1;
    }
    return 0;
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
    if (strcmp(argv[1], "shell") == 0) {
        int count = wf_take_mount_option(argc - 1, argv + 1);
        return count < 0 ? 2 : wf_shell_main(count, argv + 1);
    }
    if (strcmp(argv[1], "check") == 0) {
        int count = wf_take_mount_option(argc - 1, argv + 1);
        return count < 0 ? 2 : wf_check_main(count, argv + 1);
    }
    if (strcmp(argv[1], "mount") == 0) {
        int count = wf_take_mount_option(argc - 1, argv + 1);
        return count < 0 ? 2 : wf_mount_main(count, argv + 1);
    }
    if (strcmp(argv[1], "abort") == 0)
        return wf_abort_main(argc, argv);
    fprintf(stderr, "winfuse: unknown command '%s'\n", argv[1]);
    wf_usage(stderr);
    return 2;
}
