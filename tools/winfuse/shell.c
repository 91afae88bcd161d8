/* shell.c — `winfuse shell`: mounts a file system and runs the commands read from stdin. */
#define _POSIX_C_SOURCE 200809L
#include "shell.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_options.h"
#include "path.h"
#include "shell_line.h"
#include "signals.h"

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
    { "attrib", wf_cmd_attrib, "attrib [+R|-R] [+A|-A] [+H|-H] [+S|-S] [+I|-I] [PATH]",
        "show attributes (PATH may be a pattern), or set and clear them" },
    { "cd", wf_cmd_cd, "cd [PATH]", "change the current directory, or show it" },
    { "md", wf_cmd_md, "md PATH", "make a directory, and the missing ones above it" },
    { "mkdir", wf_cmd_md, "mkdir PATH", "the same as md" },
    { "rd", wf_cmd_rd, "rd PATH", "remove an empty directory" },
    { "rmdir", wf_cmd_rd, "rmdir PATH", "the same as rd" },
    { "del", wf_cmd_del, "del [/F] PATH",
        "delete files; a pattern or a directory deletes the files it matches or holds; "
        "/F deletes read-only files too" },
    { "erase", wf_cmd_del, "erase [/F] PATH", "the same as del" },
    { "ren", wf_cmd_ren, "ren PATH NEWNAME", "rename a file or directory in its directory" },
    { "rename", wf_cmd_ren, "rename PATH NEWNAME", "the same as ren" },
    { "move", wf_cmd_move, "move [/Y] OLD NEW",
        "move or rename (into NEW when it is a directory); /Y replaces an existing NEW" },
    { "copy", wf_cmd_copy, "copy [/Y] SRC DST",
        "copy a file within the volume (into DST when it is a directory); "
        "/Y replaces an existing DST" },
    { "put", wf_cmd_put, "put LOCAL PATH",
        "copy a local (Linux) file in, creating or replacing PATH (into it when a directory)" },
    { "get", wf_cmd_get, "get PATH LOCAL",
        "copy a file out to a local (Linux) file, created or replaced" },
    { "echo", wf_cmd_echo, "echo TEXT [>|>> PATH]",
        "print TEXT, or write it with CRLF to PATH: > replaces the file, >> appends" },
    { "vol", wf_cmd_vol, "vol", "show the volume, and what FUSE INIT negotiated" },
    { "label", wf_cmd_label, "label [TEXT]", "set the volume label; without TEXT remove it" },
    { "reads", wf_cmd_reads, "reads N PATH [LENGTH] [cancel=MS]",
        "issue N concurrent reads of LENGTH bytes (4096) at offset 0; report the outcomes" },
    { "ea", wf_cmd_ea, "ea PATH [NAME=VALUE|NAME=]...",
        "show a file's extended attributes, or set them (an empty value deletes)" },
    { "streams", wf_cmd_streams, "streams PATH",
        "list a file's streams (::$DATA and each named stream) with their sizes" },
    { "mklink", wf_cmd_mklink, "mklink [/D] LINK TARGET",
        "make a symbolic link (/D: to a directory); TARGET is kept as given" },
    { "icacls", wf_cmd_icacls,
        "icacls PATH [/setsddl SDDL|/setowner SID|/grant|/deny SID:(R,W,X)...]",
        "show a file's security descriptor (SDDL, owner, group, ACEs), or change it" },
    { "nt", wf_cmd_nt, "nt CALL ARGS...", "the raw NT calls, every flag (listed below)" },
    { "help", wf_cmd_help, "help", "show this list" },
    { "exit", wf_cmd_exit, "exit", "leave the shell (so does end of input)" },
};

#define WF_SHELL_COMMAND_COUNT (sizeof wf_shell_commands / sizeof wf_shell_commands[0])

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
    fprintf(stderr, "%s: %s\n", what, wf_ntstatus_text(status, hex));
    if (status == STATUS_CONNECTION_DISCONNECTED && !shell->disconnect_reported) {
        fprintf(stderr, "file system disconnected\n");
        shell->disconnect_reported = true;
    }
    return false;
}

bool wf_shell_resolve(wf_shell *shell, const char *command, const char *argument, char *path,
    size_t size)
{
    if (wf_path_resolve(shell->cwd, argument != NULL ? argument : ".", path, size))
        return true;
    fflush(stdout);
    fprintf(stderr, "%s: path too long\n", command);
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
        "Names are case-sensitive. Quote a path that has spaces: type \"\\a b\"; within\n"
        "quotes \"\" is a literal quote, the DOS_DOT wildcard: dir \"name\"\"\".\n"
        "A failing command prints \"COMMAND PATH: STATUS_...\" on stderr.\n\n");
    wf_cmd_nt_help();
    return true;
}

static bool wf_cmd_exit(wf_shell *shell, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    shell->quit = true;
    return true;
}

static bool wf_shell_run_line(wf_shell *shell, char *line)
{
    char *argv[WF_SHELL_MAX_ARGS + 1];
    size_t i = strlen(line);
    int argc;

    /* The line's end is no part of a word, even inside an unclosed quote. */
    while (i > 0 && (line[i - 1] == '\n' || line[i - 1] == '\r'))
        line[--i] = '\0';
    argc = wf_shell_line_split(line, argv, WF_SHELL_MAX_ARGS);

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
        ssize_t length = getline(&line, &capacity, stdin);
        if (length < 0) {
            if (interactive)
                putchar('\n');
            break;
        }
        /* A NUL would end the line early as a C string and silently cut a path short:
           the whole line is refused instead. */
        if (memchr(line, '\0', (size_t)length) != NULL) {
            fflush(stdout);
            fprintf(stderr, "line refused: it holds a NUL byte\n");
            shell->failures++;
            continue;
        }
        wf_signals_command_begin();
        if (!wf_shell_run_line(shell, line))
            shell->failures++;
        wf_signals_command_end();
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
    wf_identity identity;
    wf_id_map id_map;
    int i;

    memset(&id_map, 0, sizeof id_map);
    memset(&shell, 0, sizeof shell);
    memset(&options, 0, sizeof options);
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--debug") == 0) {
            options.debug = true;
        } else if (strcmp(argv[i], "--destroy") == 0) {
            options.send_destroy = true;
        } else if (strcmp(argv[i], "--as") == 0 || strncmp(argv[i], "--as=", 5) == 0) {
            const char *value = argv[i][4] == '=' ? argv[i] + 5 :
                i + 1 < argc ? argv[++i] : "";
            if (!wf_cli_parse_identity(value, &identity)) {
                fprintf(stderr, "winfuse shell: --as needs UID:GID[:GROUP,...]\n");
                return 2;
            }
            options.identity = &identity;
        } else if (strcmp(argv[i], "--case-insensitive") == 0) {
            options.case_insensitive = true;
        } else if (strcmp(argv[i], "--timeout") == 0 || strncmp(argv[i], "--timeout=", 10) == 0) {
            const char *value = argv[i][9] == '=' ? argv[i] + 10 :
                i + 1 < argc ? argv[++i] : "";
            if (!wf_cli_parse_timeout(value, &options.request_timeout_ms)) {
                fprintf(stderr, "winfuse shell: --timeout needs SECONDS (0: none)\n");
                return 2;
            }
        } else if (strncmp(argv[i], "-o", 2) == 0) {
            const char *value = argv[i][2] ? argv[i] + 2 : i + 1 < argc ? argv[++i] : "";
            if (!wf_cli_parse_map_options("shell", value, &id_map,
                    &options.no_dosattrib, &options.no_streams, &options.no_spin,
                    &options.spin_us))
                return 2;
            options.id_map = &id_map;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: winfuse shell [--debug] [--destroy] [--as UID:GID[:GROUP,...]] "
                "[--case-insensitive] [--timeout SECONDS] "
                "[-o uid=N,gid=N,umask=OOO,uidmap=UID:SID;...,dosattrib=off,streams=off,spin=off|US] "
                "[-- FS-COMMAND [ARGS...]]\n");
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
        if (!wf_cli_default_fs(memfs, sizeof memfs)) {
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
    /* Before any thread: the signals go to the watcher alone. */
    wf_signals_block();

    shell.volume = wf_volume_mount(&options, error, sizeof error);
    if (shell.volume == NULL) {
        fprintf(stderr, "winfuse shell: %s\n", error);
        return 2;
    }
    if (!wf_signals_start(shell.volume, true)) {
        fprintf(stderr, "winfuse shell: cannot watch for signals\n");
        wf_volume_unmount(shell.volume);
        return 2;
    }
    shell.fsd = wf_volume_fsd(shell.volume);
    snprintf(shell.cwd, sizeof shell.cwd, "\\");

    wf_shell_loop(&shell);

    wf_shell_close_handles(&shell);
    wf_shell_check_disconnect(&shell);
    wf_signals_stop();
    if (!wf_volume_unmount_checked(shell.volume, error, sizeof error)) {
        fflush(stdout);
        fprintf(stderr, "winfuse shell: the file system crashed: it %s\n", error);
        return 3;
    }
    return shell.failures ? 1 : 0;
}
