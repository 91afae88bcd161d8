/* cmd_link.c — the shell's symbolic links: mklink, and the target `dir` shows beside one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "winfuse/mappings.h"
#include "winfuse/reparse_map.h"
#include "shell.h"
#include "winfuse/nt_constants.h"

#define WF_LINK_USAGE "mklink [/D] LINK TARGET"

bool wf_shell_link_target(wf_fsd *fsd, const char *path, char *target, size_t size)
{
    wf_fsd_file *file = NULL;
    uint8_t *buffer = malloc(WF_REPARSE_DATA_MAX);
    uint16_t *units = malloc(WF_REPARSE_DATA_MAX);
    uint32_t bytes = 0, flags;
    size_t n, len;
    bool ok = false;

    if (buffer == NULL || units == NULL || size == 0)
        goto exit;
    /* As dir does on Windows: the link itself, opened for its reparse data. */
    if (wf_fsd_create_file(fsd, &(wf_fsd_create_params){ .path = path,
            .desired_access = FILE_READ_ATTRIBUTES | SYNCHRONIZE,
            .share_access = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
            .create_disposition = FILE_OPEN,
            .create_options = FILE_OPEN_REPARSE_POINT | FILE_SYNCHRONOUS_IO_NONALERT }, &file,
            NULL) !=
        STATUS_SUCCESS)
        goto exit;
    if (wf_fsd_get_reparse_point(file, buffer, WF_REPARSE_DATA_MAX, &bytes) == STATUS_SUCCESS &&
        wf_reparse_get_symlink(buffer, bytes, units, WF_REPARSE_DATA_MAX / sizeof(uint16_t), &n,
            &flags) == STATUS_SUCCESS &&
        wf_utf16_to_utf8(units, n, target, size - 1, &len) == STATUS_SUCCESS) {
        target[len] = '\0';
        ok = true;
    }
    wf_fsd_close(file);
exit:
    free(units);
    free(buffer);
    return ok;
}

/* A drive path (C:\x, c:x) or a UNC path (\\server\share): what CreateSymbolicLinkW makes
   an absolute link of. */
static bool wf_link_target_is_absolute(const char *target)
{
    char letter = (char)(target[0] | 0x20);
    if (letter >= 'a' && letter <= 'z' && target[1] == ':')
        return true;
    return (target[0] == '\\' || target[0] == '/') && (target[1] == '\\' || target[1] == '/');
}

/* What CreateSymbolicLinkW does: make the link's name (a file, or a directory for /D) with
   FILE_OPEN_REPARSE_POINT, set the symbolic link data on it, and delete it again if that
   fails. A relative target is stored as given (a path from the volume's root when it
   begins with one \); a drive or UNC path becomes an absolute NT path (\??\C:\x,
   \??\UNC\server\share), which a FUSE volume refuses (docs/nt-semantics.md). */
bool wf_cmd_mklink(wf_shell *shell, int argc, char **argv)
{
    char path[WF_SHELL_PATH_MAX], what[WF_SHELL_PATH_MAX + 16];
    char nt_target[WF_SHELL_PATH_MAX + 8];
    const char *target;
    uint32_t flags = SYMLINK_FLAG_RELATIVE;
    bool directory = false;
    wf_fsd_file *file = NULL;
    uint16_t *units = NULL;
    uint8_t *buffer = NULL;
    size_t n, size;
    NTSTATUS status;
    bool ok = false;

    if (argc == 4 && (strcmp(argv[1], "/D") == 0 || strcmp(argv[1], "/d") == 0)) {
        directory = true;
        argc--;
        argv++;
    }
    if (argc != 3 || argv[1][0] == '/' || argv[2][0] == '\0')
        return wf_shell_usage(WF_LINK_USAGE);
    if (!wf_shell_resolve(shell, "mklink", argv[1], path, sizeof path))
        return false;
    target = argv[2];
    snprintf(what, sizeof what, "mklink %s", path);
    if (wf_link_target_is_absolute(target)) {
        bool unc = target[1] != ':';
        snprintf(nt_target, sizeof nt_target, "\\??\\%s%s", unc ? "UNC\\" : "",
            unc ? target + 2 : target);
        flags = 0;
    } else {
        snprintf(nt_target, sizeof nt_target, "%s", target);
    }

    units = malloc(WF_REPARSE_DATA_MAX);
    buffer = malloc(WF_REPARSE_DATA_MAX);
    if (units == NULL || buffer == NULL) {
        wf_shell_fail(shell, what, STATUS_NO_MEMORY);
        goto exit;
    }
    status = wf_utf8_to_utf16(nt_target, strlen(nt_target), units,
        WF_REPARSE_DATA_MAX / sizeof(uint16_t), &n);
    if (status == STATUS_SUCCESS)
        status = wf_reparse_build_symlink(units, n, flags, buffer,
            WF_REPARSE_DATA_MAX, &size);
    if (status != STATUS_SUCCESS) {
        wf_shell_fail(shell, what, STATUS_IO_REPARSE_DATA_INVALID);
        goto exit;
    }

    status = wf_fsd_create_file(shell->fsd, &(wf_fsd_create_params){ .path = path,
        .desired_access = FILE_WRITE_ATTRIBUTES | DELETE | SYNCHRONIZE,
        .create_disposition = FILE_CREATE,
        .create_options = FILE_OPEN_REPARSE_POINT | FILE_SYNCHRONOUS_IO_NONALERT |
        (directory ? FILE_DIRECTORY_FILE : FILE_NON_DIRECTORY_FILE) },
        &file, NULL);
    if (status != STATUS_SUCCESS) {
        wf_shell_fail(shell, what, status);
        goto exit;
    }
    status = wf_fsd_set_reparse_point(file, buffer, (uint32_t)size);
    if (status != STATUS_SUCCESS) {
        /* Nothing half made stays behind. */
        wf_fsd_set_disposition(file, FILE_DISPOSITION_DELETE, false);
        wf_shell_fail(shell, what, status);
        goto exit;
    }
    printf("symbolic link created for %s <<===>> %s\n", argv[1], target);
    ok = true;
exit:
    if (file != NULL)
        wf_fsd_close(file);
    free(buffer);
    free(units);
    return ok;
}
