/* shell.h — the interactive shell of `winfuse shell`: its state, and what commands share. */
#ifndef WINFUSE_TOOLS_SHELL_H
#define WINFUSE_TOOLS_SHELL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsd.h"
#include "volume.h"

/* Longest path the shell handles, in UTF-8 bytes (a WinFsp path is at most 1023 UTF-16
   units, each at most 3 UTF-8 bytes). */
#define WF_SHELL_PATH_MAX 4096

/* A handle the `nt` family opened: shown to the user as its index + 1. */
typedef struct wf_shell_handle {
    wf_fsd_file *file;                  /* NULL: the slot is free */
    char *path;
    uint32_t access, options;           /* as asked of NtCreateFile */
} wf_shell_handle;

typedef struct wf_shell {
    wf_volume *volume;
    wf_fsd *fsd;
    char cwd[WF_SHELL_PATH_MAX];        /* absolute, "\" or "\a\b" (no trailing backslash) */
    bool disconnect_reported;
    bool quit;
    unsigned failures;                  /* commands that failed */
    wf_shell_handle *handles;
    size_t handle_slots;
} wf_shell;

/* A command: argv[0] is its name. Returns true on success. */
typedef bool wf_shell_command_fn(wf_shell *shell, int argc, char **argv);

/* Runs `winfuse shell [--debug] [-- FS-COMMAND ARGS...]`; argv[0] is "shell".
   Returns the process exit status: 0, 1 (a command failed), 2 (no mount). */
int wf_shell_main(int argc, char **argv);

/* Prints "what: STATUS_NAME" on stderr and notes a disconnection. Returns false, so that a
   command can `return wf_shell_fail(...)`. */
bool wf_shell_fail(wf_shell *shell, const char *what, NTSTATUS status);
/* Prints a usage or argument error for a command on stderr. Returns false. */
bool wf_shell_usage(const char *usage);
/* Resolves argument (NULL: the current directory) against the current directory into
   path; says "COMMAND: path too long" and returns false when it does not fit. */
bool wf_shell_resolve(wf_shell *shell, const char *command, const char *argument, char *path,
    size_t size);
/* Tells once that the file system is gone, when it is. */
void wf_shell_check_disconnect(wf_shell *shell);

/* The commands (cmd_*.c). */
wf_shell_command_fn wf_cmd_dir, wf_cmd_type, wf_cmd_stat, wf_cmd_cd, wf_cmd_vol, wf_cmd_reads;
wf_shell_command_fn wf_cmd_label;
wf_shell_command_fn wf_cmd_md, wf_cmd_rd, wf_cmd_del, wf_cmd_ren, wf_cmd_move;
wf_shell_command_fn wf_cmd_put, wf_cmd_get, wf_cmd_copy, wf_cmd_echo, wf_cmd_attrib;
wf_shell_command_fn wf_cmd_nt;
wf_shell_command_fn wf_cmd_ea;      /* cmd_ea.c */
wf_shell_command_fn wf_cmd_streams; /* cmd_streams.c */
wf_shell_command_fn wf_cmd_mklink;  /* cmd_link.c */
wf_shell_command_fn wf_cmd_icacls;  /* cmd_security.c */
/* SDDL text → a self-relative descriptor (*sd malloc'ed, *len bytes); on failure says on
   stderr, as "COMMAND: bad SDDL at character N …", where and why, and returns false. */
bool wf_shell_parse_sddl(const char *command, const char *text, uint8_t **sd, size_t *len);
/* A symbolic link's target, as dir shows it beside the link (cmd_link.c). */
bool wf_shell_link_target(wf_fsd *fsd, const char *path, char *target, size_t size);
/* The usage lines of the nt family, for help (cmd_nt.c). */
void wf_cmd_nt_help(void);
/* Closes every handle the nt family left open (before unmounting). */
void wf_shell_close_handles(wf_shell *shell);

#endif
