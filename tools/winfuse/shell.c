/* shell.c — `winfuse shell`: mounts a file system and runs the commands read from stdin. */
#define _POSIX_C_SOURCE 200809L
#include "shell.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WF_SHELL_MAX_ARGS 64

typedef struct wf_shell_command {
    const char *name;
    wf_shell_command_fn *run;
    const char *usage;
    const char *help;
} wf_shell_command;

static wf_shell_command_fn wf_cmd_help, wf_cmd_exit;

static const wf_shell_command wf_shell_commands[] = {
    { "dir", wf_cmd_dir, "dir [PATH]",
        "list a directory; the last component of PATH may be a pattern (* ? < > \")" },
    { "type", wf_cmd_type, "type PATH", "write a file's contents to stdout" },
    { "stat", wf_cmd_stat, "stat PATH", "show a file's information" },
    { "cd", wf_cmd_cd, "cd [PATH]", "change the current directory, or show it" },
    { "vol", wf_cmd_vol, "vol", "show the volume, and what FUSE INIT negotiated" },
    { "reads", wf_cmd_reads, "reads N PATH [LENGTH]",
        "issue N concurrent reads of LENGTH bytes (4096) at offset 0; report the outcomes" },
    { "help", wf_cmd_help, "help", "show this list" },
    { "exit", wf_cmd_exit, "exit", "leave the shell (so does end of input)" },
};

#define WF_SHELL_COMMAND_COUNT (sizeof wf_shell_commands / sizeof wf_shell_commands[0])

const char *wf_status_text(NTSTATUS status, char buffer[16])
{
    const char *name = wf_ntstatus_name(status);
    if (name != NULL)
        return name;
    snprintf(buffer, 16, "0x%08X", (unsigned)status);
    return buffer;
}

void wf_shell_check_disconnect(wf_shell *shell)
{
    if (!shell->disconnect_reported && wf_volume_disconnected(shell->volume)) {
        fflush(stdout);
        fprintf(stderr, "file system disconnected\n");
        shell->disconnect_reported = true;
    }
}

bool wf_shell_fail(wf_shell *shell, const char *what, NTSTATUS status)
{
    char hex[16];

    fflush(stdout);
    fprintf(stderr, "%s: %s\n", what, wf_status_text(status, hex));
    if (status == STATUS_CONNECTION_DISCONNECTED && !shell->disconnect_reported) {
        fprintf(stderr, "file system disconnected\n");
        shell->disconnect_reported = true;
    }
    return false;
}

bool wf_shell_usage(const char *usage)
{
    fflush(stdout);
    fprintf(stderr, "usage: %s\n", usage);
    return false;
}

static bool wf_cmd_help(wf_shell *shell, int argc, char **argv)
{
    size_t i;

    (void)shell;
    (void)argc;
    (void)argv;
    for (i = 0; i < WF_SHELL_COMMAND_COUNT; i++)
        printf("  %-22s %s\n", wf_shell_commands[i].usage, wf_shell_commands[i].help);
    printf("Paths are Windows style (\\dir\\file); / is a separator too. A path that does\n"
        "not begin with \\ or / is relative to the current directory; . and .. work.\n"
        "Names are case-sensitive. Quote a path that has spaces: type \"\\a b\".\n");
    return true;
}

static bool wf_cmd_exit(wf_shell *shell, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    shell->quit = true;
    return true;
}

/* Splits line in place into words: blanks separate, double quotes group (and are
   dropped); backslashes are ordinary characters, as paths are full of them. */
static int wf_shell_split(char *line, char **argv, int max)
{
    int argc = 0;
    char *in = line;

    while (*in != '\0') {
        char *out;
        bool quoted = false;

        while (*in == ' ' || *in == '\t' || *in == '\r' || *in == '\n')
            in++;
        if (*in == '\0')
            break;
        if (argc == max)
            return -1;
        argv[argc++] = out = in;
        for (; *in != '\0'; in++) {
            if (*in == '"') {
                quoted = !quoted;
                continue;
            }
            if (!quoted && (*in == ' ' || *in == '\t' || *in == '\r' || *in == '\n')) {
                in++;
                break;
            }
            *out++ = *in;
        }
        *out = '\0';
    }
    return argc;
}

static bool wf_shell_run_line(wf_shell *shell, char *line)
{
    char *argv[WF_SHELL_MAX_ARGS + 1];
    int argc = wf_shell_split(line, argv, WF_SHELL_MAX_ARGS);
    size_t i;

    if (argc < 0) {
        fprintf(stderr, "too many arguments\n");
        return false;
    }
    if (argc == 0 || argv[0][0] == '#')
        return true;
    argv[argc] = NULL;
    for (i = 0; i < WF_SHELL_COMMAND_COUNT; i++)
        if (strcmp(argv[0], wf_shell_commands[i].name) == 0)
            return wf_shell_commands[i].run(shell, argc, argv);
    fflush(stdout);
    fprintf(stderr, "unknown command '%s' (try help)\n", argv[0]);
    return false;
}

/* The memfs beside this program (or $WINFUSE_MEMFS), as the embedded default. */
static bool wf_shell_default_fs(char *path, size_t size)
{
    const char *env = getenv("WINFUSE_MEMFS");
    ssize_t n;
    char *slash;

    if (env != NULL && env[0] != '\0') {
        snprintf(path, size, "%s", env);
        return true;
    }
    n = readlink("/proc/self/exe", path, size - 1);
    if (n <= 0 || (size_t)n >= size - sizeof "memfs")
        return false;
    path[n] = '\0';
    slash = strrchr(path, '/');
    if (slash == NULL)
        return false;
    snprintf(slash + 1, size - (size_t)(slash + 1 - path), "memfs");
    return true;
}

static void wf_shell_loop(wf_shell *shell)
{
    bool interactive = isatty(STDIN_FILENO);
    char *line = NULL;
    size_t capacity = 0;

    while (!shell->quit) {
        wf_shell_check_disconnect(shell);
        if (interactive) {
            printf("%s> ", shell->cwd);
            fflush(stdout);
        }
        if (getline(&line, &capacity, stdin) < 0) {
            if (interactive)
                putchar('\n');
            break;
        }
        if (!wf_shell_run_line(shell, line))
            shell->failures++;
        fflush(stdout);
    }
    free(line);
}

int wf_shell_main(int argc, char **argv)
{
    wf_shell shell;
    wf_volume_options options;
    char memfs[WF_SHELL_PATH_MAX], error[512];
    char *default_argv[3];
    int i;

    memset(&shell, 0, sizeof shell);
    memset(&options, 0, sizeof options);
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--debug") == 0) {
            options.debug = true;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: winfuse shell [--debug] [-- FS-COMMAND [ARGS...]]\n");
            return 0;
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "winfuse shell: unknown option '%s'\n", argv[i]);
            return 2;
        } else {
            break;      /* the file system command begins */
        }
    }
    if (i < argc) {
        options.fs_argv = argv + i;
    } else {
        if (!wf_shell_default_fs(memfs, sizeof memfs)) {
            fprintf(stderr, "winfuse shell: cannot find memfs; give a FS-COMMAND\n");
            return 2;
        }
        default_argv[0] = memfs;
        default_argv[1] = "-f";     /* stay in the foreground: our child, reaped by us */
        default_argv[2] = NULL;
        options.fs_argv = default_argv;
    }

    /* A reader that goes away (type … | head) must end a command, not the shell. */
    signal(SIGPIPE, SIG_IGN);

    shell.volume = wf_volume_mount(&options, error, sizeof error);
    if (shell.volume == NULL) {
        fprintf(stderr, "winfuse shell: %s\n", error);
        return 2;
    }
    shell.fsd = wf_volume_fsd(shell.volume);
    snprintf(shell.cwd, sizeof shell.cwd, "\\");

    wf_shell_loop(&shell);

    wf_shell_check_disconnect(&shell);
    wf_volume_unmount(shell.volume);
    return shell.failures ? 1 : 0;
}
