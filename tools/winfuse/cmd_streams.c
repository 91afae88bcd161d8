/* cmd_streams.c — the shell's streams command: a file's streams as
   NtQueryInformationFile(FileStreamInformation) lists them (what `dir /r` shows). */
#include <inttypes.h>
#include <stdio.h>

#include "shell.h"
#include "win32ops.h"
#include "winfuse/nt_constants.h"

/* One stream: its size, then its name as NTFS spells it (::$DATA, :name:$DATA). */
static bool wf_streams_print(void *ctx, const char *name, uint64_t size, uint64_t allocation)
{
    (void)ctx;
    (void)allocation;
    printf("%14" PRIu64 " %s\n", size, name);
    return true;
}

bool wf_cmd_streams(wf_shell *shell, int argc, char **argv)
{
    char path[WF_SHELL_PATH_MAX], what[WF_SHELL_PATH_MAX + 16];
    wf_fsd_file *file = NULL;
    NTSTATUS status;

    if (argc != 2)
        return wf_shell_usage("streams PATH");
    if (!wf_shell_resolve(shell, "streams", argv[1], path, sizeof path))
        return false;
    snprintf(what, sizeof what, "streams %s", path);
    status = wf_fsd_create_file(shell->fsd, &(wf_fsd_create_params){ .path = path,
        .desired_access = FILE_READ_ATTRIBUTES | SYNCHRONIZE, .share_access = WF_SHARE_ALL,
        .create_disposition = FILE_OPEN }, &file, NULL);
    if (status == STATUS_SUCCESS) {
        status = wf_fsd_query_streams(file, wf_streams_print, NULL);
        wf_fsd_close(file);
    }
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);
    return true;
}
