/* cmd_ea.c — the shell's ea command: show a file's extended attributes (NtQueryEaFile), or
   set and delete them (NtSetEaFile). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "winfuse/ea_map.h"
#include "shell.h"
#include "win32ops.h"
#include "winfuse/nt_constants.h"

/* Room for every EA a query can return (WinFsp's response buffer is smaller). */
#define WF_EA_QUERY_BUFFER (64u * 1024u)

/* One EA as NAME=VALUE; bytes that are not printable ASCII as \xHH. */
static void wf_ea_print(const wf_ea_view *ea)
{
    uint16_t i;
    printf("%.*s=", (int)ea->name_len, ea->name);
    for (i = 0; i < ea->value_len; i++) {
        uint8_t c = ea->value[i];
        if (c >= 0x20 && c < 0x7F && c != '\\')
            putchar(c);
        else
            printf("\\x%02X", c);
    }
    putchar('\n');
}

static bool wf_ea_show(wf_shell *shell, const char *path, const char *what)
{
    wf_fsd_file *file = NULL;
    uint8_t *buffer = malloc(WF_EA_QUERY_BUFFER);
    uint32_t bytes = 0, pos = 0;
    wf_ea_view ea;
    NTSTATUS status;

    if (buffer == NULL)
        return wf_shell_fail(shell, what, STATUS_INSUFFICIENT_RESOURCES);
    status = wf_fsd_create_file(shell->fsd, &(wf_fsd_create_params){ .path = path,
        .desired_access = FILE_READ_EA | SYNCHRONIZE, .share_access = WF_SHARE_ALL,
        .create_disposition = FILE_OPEN }, &file, NULL);
    if (status == STATUS_SUCCESS) {
        status = wf_fsd_query_ea(file, buffer, WF_EA_QUERY_BUFFER, &bytes);
        wf_fsd_close(file);
    }
    if (status == STATUS_NO_EAS_ON_FILE) {
        printf("%s: no extended attributes\n", path);
        status = STATUS_SUCCESS;
    } else if (status == STATUS_SUCCESS) {
        while (wf_ea_next(buffer, bytes, &pos, &ea))
            wf_ea_print(&ea);
    }
    free(buffer);
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);
    return true;
}

/* Builds the list NtSetEaFile takes from NAME=VALUE arguments (NAME= deletes NAME). */
static bool wf_ea_build(int argc, char **argv, uint8_t *list, uint32_t cap, uint32_t *used)
{
    uint32_t last = WF_EA_NONE, entry, value_at, room;
    int i;

    *used = 0;
    for (i = 0; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        size_t name_len = eq ? (size_t)(eq - argv[i]) : 0;
        size_t value_len = eq ? strlen(eq + 1) : 0;
        if (eq == NULL || name_len == 0 || name_len > WF_EA_NAME_MAX ||
            !wf_ea_begin(list, cap, *used, argv[i], (uint32_t)name_len, &entry, &value_at,
                &room) ||
            value_len > room) {
            fprintf(stderr, "ea: '%s' is not NAME=VALUE, or too long\n", argv[i]);
            return false;
        }
        memcpy(list + value_at, eq + 1, value_len);
        wf_ea_end(list, entry, (uint32_t)name_len, (uint32_t)value_len, used, &last);
    }
    return true;
}

static bool wf_ea_set(wf_shell *shell, const char *path, const char *what, int argc,
    char **argv)
{
    wf_fsd_file *file = NULL;
    uint8_t list[FSP_FSCTL_TRANSACT_REQ_BUFFER_SIZEMAX];
    uint32_t used;
    NTSTATUS status;

    if (!wf_ea_build(argc, argv, list, sizeof list, &used))
        return false;
    status = wf_fsd_create_file(shell->fsd, &(wf_fsd_create_params){ .path = path,
        .desired_access = FILE_WRITE_EA | SYNCHRONIZE, .share_access = WF_SHARE_ALL,
        .create_disposition = FILE_OPEN }, &file, NULL);
    if (status == STATUS_SUCCESS) {
        status = wf_fsd_set_ea(file, list, used, NULL);
        wf_fsd_close(file);
    }
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);
    return true;
}

bool wf_cmd_ea(wf_shell *shell, int argc, char **argv)
{
    char path[WF_SHELL_PATH_MAX], what[WF_SHELL_PATH_MAX + 8];

    if (argc < 2)
        return wf_shell_usage("ea PATH [NAME=VALUE|NAME=]...");
    if (!wf_shell_resolve(shell, "ea", argv[1], path, sizeof path))
        return false;
    snprintf(what, sizeof what, "ea %s", path);
    if (argc == 2)
        return wf_ea_show(shell, path, what);
    return wf_ea_set(shell, path, what, argc - 2, argv + 2);
}
