/* cmd_namespace.c — the shell's namespace commands, as cmd.exe has them: md, rd, del, ren,
   move. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "path.h"
#include "shell.h"
#include "win32ops.h"
#include "winfuse/nt_constants.h"

/* Takes a leading switch such as /Y (any case) off argv; returns whether it was there. */
static bool wf_take_switch(int *argc, char ***argv, const char *name)
{
    if (*argc > 1 && strcasecmp((*argv)[1], name) == 0) {
        (*argv)[1] = (*argv)[0];
        (*argv)++;
        (*argc)--;
        return true;
    }
    return false;
}

/* ---- md -------------------------------------------------------------------------------- */

bool wf_cmd_md(wf_shell *shell, int argc, char **argv)
{
    char path[WF_SHELL_PATH_MAX], what[WF_SHELL_PATH_MAX + 8];
    NTSTATUS status;
    size_t i;

    if (argc != 2)
        return wf_shell_usage("md PATH");
    if (!wf_shell_resolve(shell, "md", argv[1], path, sizeof path))
        return false;
    snprintf(what, sizeof what, "md %s", path);

    status = wf_win_create_directory(shell->fsd, path);
    /* As cmd.exe does: the missing directories above it are made too, then it. */
    if (status == STATUS_OBJECT_PATH_NOT_FOUND) {
        for (i = 1; path[i] != '\0'; i++) {
            if (path[i] != '\\')
                continue;
            path[i] = '\0';
            status = wf_win_create_directory(shell->fsd, path);
            path[i] = '\\';
            if (status != STATUS_SUCCESS && status != STATUS_OBJECT_NAME_COLLISION)
                return wf_shell_fail(shell, what, status);
        }
        status = wf_win_create_directory(shell->fsd, path);
    }
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);
    return true;
}

/* ---- rd -------------------------------------------------------------------------------- */

bool wf_cmd_rd(wf_shell *shell, int argc, char **argv)
{
    char path[WF_SHELL_PATH_MAX], what[WF_SHELL_PATH_MAX + 8];
    NTSTATUS status;

    if (argc != 2)
        return wf_shell_usage("rd PATH");
    if (!wf_shell_resolve(shell, "rd", argv[1], path, sizeof path))
        return false;
    snprintf(what, sizeof what, "rd %s", path);
    status = wf_win_remove_directory(shell->fsd, path);
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);
    return true;
}

/* ---- del ------------------------------------------------------------------------------- */

/* Deletes the files (not the directories) of directory that match pattern. */
static bool wf_del_matches(wf_shell *shell, const char *what, const char *directory,
    const char *pattern, bool force)
{
    char path[WF_SHELL_PATH_MAX], file_what[WF_SHELL_PATH_MAX + 8];
    wf_win_listing listing;
    NTSTATUS status;
    bool ok = true;
    size_t i, files = 0;

    status = wf_win_list(shell->fsd, directory, pattern, &listing);
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);
    for (i = 0; i < listing.count; i++) {
        if (listing.entries[i].info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY)
            continue;
        files++;
        if (!wf_win_join(directory, listing.entries[i].name, path, sizeof path)) {
            fprintf(stderr, "%s: path too long\n", what);
            ok = false;
            continue;
        }
        snprintf(file_what, sizeof file_what, "del %s", path);
        status = wf_win_delete_file(shell->fsd, path, force);
        if (status != STATUS_SUCCESS)
            ok = wf_shell_fail(shell, file_what, status);
    }
    wf_win_listing_free(&listing);
    /* Only directories matched: no file to delete ("Could Not Find"). */
    if (files == 0)
        return wf_shell_fail(shell, what, STATUS_NO_SUCH_FILE);
    return ok;
}

bool wf_cmd_del(wf_shell *shell, int argc, char **argv)
{
    char path[WF_SHELL_PATH_MAX], directory[WF_SHELL_PATH_MAX], what[WF_SHELL_PATH_MAX + 8];
    const char *name;
    bool force = wf_take_switch(&argc, &argv, "/F");
    NTSTATUS status;

    if (argc != 2)
        return wf_shell_usage("del [/F] PATH");
    if (!wf_shell_resolve(shell, "del", argv[1], path, sizeof path))
        return false;
    snprintf(what, sizeof what, "del %s", path);

    wf_path_split(path, directory, sizeof directory, &name);
    if (wf_path_has_wildcards(name))
        return wf_del_matches(shell, what, directory, name, force);
    status = wf_win_delete_file(shell->fsd, path, force);
    /* `del DIRECTORY` deletes the files in it, as cmd.exe does. */
    if (status == STATUS_FILE_IS_A_DIRECTORY)
        return wf_del_matches(shell, what, path, "*", force);
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);
    return true;
}

/* ---- ren, move ------------------------------------------------------------------------- */

bool wf_cmd_ren(wf_shell *shell, int argc, char **argv)
{
    char path[WF_SHELL_PATH_MAX], directory[WF_SHELL_PATH_MAX], new_path[WF_SHELL_PATH_MAX];
    char what[WF_SHELL_PATH_MAX + 8];
    const char *name;
    NTSTATUS status;

    /* The new name is a name, not a path: it stays in the same directory. */
    if (argc != 3 || argv[2][0] == '\0' || strpbrk(argv[2], "\\/") != NULL)
        return wf_shell_usage("ren PATH NEWNAME (NEWNAME without \\)");
    if (!wf_shell_resolve(shell, "ren", argv[1], path, sizeof path))
        return false;
    snprintf(what, sizeof what, "ren %s", path);
    wf_path_split(path, directory, sizeof directory, &name);
    if (!wf_win_join(directory, argv[2], new_path, sizeof new_path)) {
        fprintf(stderr, "%s: path too long\n", what);
        return false;
    }
    status = wf_win_move(shell->fsd, path, new_path, false);
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);
    return true;
}

bool wf_cmd_move(wf_shell *shell, int argc, char **argv)
{
    char old_path[WF_SHELL_PATH_MAX], new_path[WF_SHELL_PATH_MAX], into[WF_SHELL_PATH_MAX];
    char directory[WF_SHELL_PATH_MAX], what[WF_SHELL_PATH_MAX + 8];
    bool replace = wf_take_switch(&argc, &argv, "/Y");
    FSP_FSCTL_FILE_INFO info;
    const char *name;
    NTSTATUS status;

    if (argc != 3)
        return wf_shell_usage("move [/Y] OLD NEW");
    if (!wf_shell_resolve(shell, "move", argv[1], old_path, sizeof old_path) ||
        !wf_shell_resolve(shell, "move", argv[2], new_path, sizeof new_path))
        return false;
    snprintf(what, sizeof what, "move %s", old_path);

    /* Into NEW when it is another, existing directory: under the same name. */
    if (strcmp(old_path, new_path) != 0 &&
        wf_win_get_info(shell->fsd, new_path, &info) == STATUS_SUCCESS &&
        (info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
        wf_path_split(old_path, directory, sizeof directory, &name);
        if (!wf_win_join(new_path, name, into, sizeof into)) {
            fprintf(stderr, "%s: path too long\n", what);
            return false;
        }
        snprintf(new_path, sizeof new_path, "%s", into);
    }
    status = wf_win_move(shell->fsd, old_path, new_path, replace);
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);
    return true;
}
