/* cmd_attrib.c — the shell's attrib command: show file attributes, set and clear them. */
#include <stdio.h>
#include <string.h>

#include "path.h"
#include "shell.h"
#include "win32ops.h"
#include "winfuse/nt_constants.h"

typedef struct wf_attrib_letter {
    char letter;
    uint32_t attribute;
} wf_attrib_letter;

/* The letters attrib accepts, as cmd.exe's attrib spells them. */
static const wf_attrib_letter wf_attrib_letters[] = {
    { 'R', FILE_ATTRIBUTE_READONLY }, { 'A', FILE_ATTRIBUTE_ARCHIVE },
    { 'S', FILE_ATTRIBUTE_SYSTEM }, { 'H', FILE_ATTRIBUTE_HIDDEN },
    { 'I', FILE_ATTRIBUTE_NOT_CONTENT_INDEXED },
};

/* One line as attrib shows it: A, then S H R, then I, then the path. */
static void wf_attrib_show(const char *path, uint32_t attributes)
{
    printf("%c    %c%c%c    %c    %s\n",
        (attributes & FILE_ATTRIBUTE_ARCHIVE) ? 'A' : ' ',
        (attributes & FILE_ATTRIBUTE_SYSTEM) ? 'S' : ' ',
        (attributes & FILE_ATTRIBUTE_HIDDEN) ? 'H' : ' ',
        (attributes & FILE_ATTRIBUTE_READONLY) ? 'R' : ' ',
        (attributes & FILE_ATTRIBUTE_NOT_CONTENT_INDEXED) ? 'I' : ' ', path);
}

/* Shows or changes one file. */
static bool wf_attrib_one(wf_shell *shell, const char *path, uint32_t set, uint32_t clear,
    const FSP_FSCTL_FILE_INFO *known)
{
    char what[WF_SHELL_PATH_MAX + 8];
    FSP_FSCTL_FILE_INFO info;
    NTSTATUS status;

    snprintf(what, sizeof what, "attrib %s", path);
    if (known != NULL) {
        info = *known;
    } else {
        status = wf_win_get_info(shell->fsd, path, &info);
        if (status != STATUS_SUCCESS)
            return wf_shell_fail(shell, what, status);
    }
    if (set == 0 && clear == 0) {
        wf_attrib_show(path, info.FileAttributes);
        return true;
    }
    status = wf_win_set_attributes(shell->fsd, path, (info.FileAttributes | set) & ~clear);
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);
    return true;
}

bool wf_cmd_attrib(wf_shell *shell, int argc, char **argv)
{
    static const char usage[] = "attrib [+R|-R] [+A|-A] [+H|-H] [+S|-S] [+I|-I] [PATH]";
    char path[WF_SHELL_PATH_MAX], directory[WF_SHELL_PATH_MAX], file[WF_SHELL_PATH_MAX];
    const char *argument = NULL, *name;
    uint32_t set = 0, clear = 0;
    wf_win_listing listing;
    NTSTATUS status;
    bool ok = true;
    size_t i, j;
    int a;

    for (a = 1; a < argc; a++) {
        const char *word = argv[a];
        if ((word[0] == '+' || word[0] == '-') && word[1] != '\0' && word[2] == '\0') {
            for (j = 0; j < sizeof wf_attrib_letters / sizeof wf_attrib_letters[0]; j++)
                if (wf_attrib_letters[j].letter == (word[1] & ~0x20))
                    break;
            if (j == sizeof wf_attrib_letters / sizeof wf_attrib_letters[0])
                return wf_shell_usage(usage);
            if (word[0] == '+')
                set |= wf_attrib_letters[j].attribute;
            else
                clear |= wf_attrib_letters[j].attribute;
        } else if (argument == NULL) {
            argument = word;
        } else {
            return wf_shell_usage(usage);
        }
    }
    if ((set & clear) != 0)
        return wf_shell_usage(usage);
    /* Without a path: the files of the current directory. */
    if (!wf_shell_resolve(shell, "attrib", argument != NULL ? argument : "*", path,
            sizeof path))
        return false;

    wf_path_split(path, directory, sizeof directory, &name);
    if (!wf_path_has_wildcards(name))
        return wf_attrib_one(shell, path, set, clear, NULL);
    status = wf_win_list(shell->fsd, directory, name, &listing);
    if (status != STATUS_SUCCESS) {
        char what[WF_SHELL_PATH_MAX + 8];
        snprintf(what, sizeof what, "attrib %s", path);
        return wf_shell_fail(shell, what, status);
    }
    /* A pattern names files, as attrib without /D takes it. */
    for (i = 0; i < listing.count; i++) {
        if (listing.entries[i].info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY)
            continue;
        if (!wf_win_join(directory, listing.entries[i].name, file, sizeof file)) {
            ok = false;
            continue;
        }
        ok &= wf_attrib_one(shell, file, set, clear, &listing.entries[i].info);
    }
    wf_win_listing_free(&listing);
    return ok;
}
