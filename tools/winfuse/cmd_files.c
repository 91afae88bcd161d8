/* cmd_files.c — the shell's file commands: dir, type, stat, cd. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "path.h"
#include "shell.h"
#include "win32ops.h"
#include "winfuse/nt_constants.h"

#define WF_TYPE_CHUNK (64u * 1024u)

static NTSTATUS wf_open_directory(wf_shell *shell, const char *path, wf_fsd_file **file)
{
    return wf_fsd_create_file(shell->fsd, &(wf_fsd_create_params){ .path = path,
        .desired_access = FILE_LIST_DIRECTORY | FILE_TRAVERSE | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
        .share_access = WF_SHARE_ALL, .create_disposition = FILE_OPEN,
        .create_options = FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT }, file, NULL);
}

/* ---- dir ------------------------------------------------------------------------------- */

typedef struct wf_dir_totals {
    unsigned files, dirs;
    unsigned long long bytes;
    wf_fsd *fsd;                /* for the targets of symbolic links */
    const char *directory;
} wf_dir_totals;

static bool wf_dir_entry(void *ctx, const char *name, const FSP_FSCTL_FILE_INFO *info)
{
    wf_dir_totals *totals = ctx;
    char date[32];

    wf_format_time_dir(info->LastWriteTime, date, sizeof date);
    if ((info->FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) &&
        info->ReparseTag == IO_REPARSE_TAG_SYMLINK) {
        /* As Windows' dir: <SYMLINKD> or <SYMLINK>, the target in brackets. */
        char path[WF_SHELL_PATH_MAX], target[WF_SHELL_PATH_MAX];
        bool dir = info->FileAttributes & FILE_ATTRIBUTE_DIRECTORY;
        if (!wf_win_join(totals->directory, name, path, sizeof path) ||
            !wf_shell_link_target(totals->fsd, path, target, sizeof target))
            snprintf(target, sizeof target, "...");
        printf("%s    %-14s %s [%s]\n", date, dir ? "<SYMLINKD>" : "<SYMLINK>", name, target);
        if (dir)
            totals->dirs++;
        else
            totals->files++;
    } else if (info->FileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
        printf("%s    %-14s %s\n", date, "<DIR>", name);
        totals->dirs++;
    } else {
        printf("%s    %14llu %s\n", date, (unsigned long long)info->FileSize, name);
        totals->files++;
        /* Sizes are the file system's word: their sum stops at the largest, never wraps. */
        totals->bytes = info->FileSize > ULLONG_MAX - totals->bytes ? ULLONG_MAX :
            totals->bytes + info->FileSize;
    }
    return true;
}

bool wf_cmd_dir(wf_shell *shell, int argc, char **argv)
{
    char path[WF_SHELL_PATH_MAX], directory[WF_SHELL_PATH_MAX], what[WF_SHELL_PATH_MAX + 8];
    const char *pattern = NULL;
    wf_fsd_file *file = NULL;
    wf_dir_totals totals = { 0, 0, 0, shell->fsd, directory };
    NTSTATUS status;

    if (argc > 2)
        return wf_shell_usage("dir [PATH]");
    if (!wf_shell_resolve(shell, "dir", argc == 2 ? argv[1] : NULL, path, sizeof path))
        return false;
    snprintf(what, sizeof what, "dir %s", path);

    wf_path_split(path, directory, sizeof directory, &pattern);
    if (!wf_path_has_wildcards(pattern)) {
        snprintf(directory, sizeof directory, "%s", path);
        pattern = NULL;
    }
    status = wf_open_directory(shell, directory, &file);
    /* `dir FILE` lists that one file, as Windows does: its directory, with its name as
       the pattern. */
    if (status == STATUS_NOT_A_DIRECTORY && pattern == NULL && strcmp(path, "\\") != 0) {
        wf_path_split(path, directory, sizeof directory, &pattern);
        status = wf_open_directory(shell, directory, &file);
    }
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);

    printf(" Directory of %s\n\n", directory);
    status = wf_fsd_query_directory(file, pattern, wf_dir_entry, &totals);
    wf_fsd_close(file);
    /* An empty directory (one without . and ..) is no error; a pattern that matched
       nothing is, as in Windows ("File Not Found"). */
    if (status == STATUS_NO_SUCH_FILE && pattern == NULL)
        status = STATUS_SUCCESS;
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);
    printf("%16u File(s) %14llu bytes\n", totals.files, totals.bytes);
    printf("%16u Dir(s)\n", totals.dirs);
    return true;
}

/* ---- type ------------------------------------------------------------------------------ */

bool wf_cmd_type(wf_shell *shell, int argc, char **argv)
{
    char path[WF_SHELL_PATH_MAX], what[WF_SHELL_PATH_MAX + 8];
    wf_fsd_file *file = NULL;
    uint8_t *buffer = NULL;
    NTSTATUS status;
    bool ok = false, written;

    if (argc != 2)
        return wf_shell_usage("type PATH");
    if (!wf_shell_resolve(shell, "type", argv[1], path, sizeof path))
        return false;
    snprintf(what, sizeof what, "type %s", path);

    status = wf_win_open_read(shell->fsd, path, &file);
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);
    buffer = malloc(WF_TYPE_CHUNK);
    if (buffer == NULL) {
        wf_shell_fail(shell, what, STATUS_NO_MEMORY);
        goto exit;
    }
    status = wf_win_read_all(file, buffer, WF_TYPE_CHUNK, stdout, &written);
    if (status != STATUS_SUCCESS) {
        wf_shell_fail(shell, what, status);
        goto exit;
    }
    if (!written) {
        fprintf(stderr, "%s: cannot write to stdout\n", what);
        goto exit;
    }
    ok = fflush(stdout) == 0;
exit:
    free(buffer);
    wf_fsd_close(file);
    return ok;
}

/* ---- stat ------------------------------------------------------------------------------ */

bool wf_cmd_stat(wf_shell *shell, int argc, char **argv)
{
    char path[WF_SHELL_PATH_MAX], what[WF_SHELL_PATH_MAX + 8];
    wf_fsd_file *file = NULL;
    FSP_FSCTL_FILE_INFO info;
    NTSTATUS status;

    if (argc != 2)
        return wf_shell_usage("stat PATH");
    if (!wf_shell_resolve(shell, "stat", argv[1], path, sizeof path))
        return false;
    snprintf(what, sizeof what, "stat %s", path);

    /* FILE_OPEN_REPARSE_POINT: a symbolic link is shown, not followed (like lstat). */
    status = wf_fsd_create_file(shell->fsd, &(wf_fsd_create_params){ .path = path,
        .desired_access = FILE_READ_ATTRIBUTES | SYNCHRONIZE, .share_access = WF_SHARE_ALL,
        .create_disposition = FILE_OPEN, .create_options = FILE_OPEN_REPARSE_POINT }, &file, NULL);
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);
    status = wf_fsd_query_info(file, &info);
    wf_fsd_close(file);
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);

    printf("File:           %s\n", path);
    wf_print_file_info(&info);
    return true;
}

/* ---- cd -------------------------------------------------------------------------------- */

bool wf_cmd_cd(wf_shell *shell, int argc, char **argv)
{
    char path[WF_SHELL_PATH_MAX], what[WF_SHELL_PATH_MAX + 8];
    wf_fsd_file *file = NULL;
    NTSTATUS status;

    if (argc > 2)
        return wf_shell_usage("cd [PATH]");
    if (argc == 1) {
        printf("%s\n", shell->cwd);
        return true;
    }
    if (!wf_shell_resolve(shell, "cd", argv[1], path, sizeof path))
        return false;
    snprintf(what, sizeof what, "cd %s", path);
    status = wf_open_directory(shell, path, &file);
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);
    wf_fsd_close(file);
    snprintf(shell->cwd, sizeof shell->cwd, "%s", path);
    return true;
}
