/* cmd_transfer.c — the shell's commands that move file data: put and get (between Linux and
   the volume), copy (within the volume), echo (text into a file). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "path.h"
#include "shell.h"
#include "win32ops.h"
#include "winfuse/nt_constants.h"

/* Data goes in chunks of this size: larger than most max_write values, so that the
   engine's split of a write by the negotiated size is exercised. */
#define WF_TRANSFER_CHUNK (1024u * 1024u)

/* The last component of a Linux or Windows path. */
static const char *wf_base_name(const char *path)
{
    const char *slash = strrchr(path, '/'), *backslash = strrchr(path, '\\');
    const char *last = slash > backslash ? slash : backslash;
    return last != NULL ? last + 1 : path;
}

/* Opens path for writing as CreateFileW(CREATE_ALWAYS) does; the file goes into path
   when path is a directory, under name. */
static NTSTATUS wf_create_always(wf_shell *shell, char *path, size_t size, const char *name,
    uint64_t allocation_size, wf_fsd_file **file)
{
    char into[WF_SHELL_PATH_MAX];
    NTSTATUS status;
    int attempt;

    for (attempt = 0;; attempt++) {
        status = wf_fsd_create_file(shell->fsd, &(wf_fsd_create_params){ .path = path,
            .desired_access = GENERIC_WRITE | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
            .file_attributes = FILE_ATTRIBUTE_NORMAL, .share_access = FILE_SHARE_READ,
            .create_disposition = FILE_OVERWRITE_IF,
            .create_options = FILE_NON_DIRECTORY_FILE | FILE_SEQUENTIAL_ONLY |
            FILE_SYNCHRONOUS_IO_NONALERT,
            .allocation_size = allocation_size }, file, NULL);
        if (status != STATUS_FILE_IS_A_DIRECTORY || attempt == 1 || name == NULL)
            return status;
        if (!wf_win_join(path, name, into, sizeof into))
            return STATUS_NAME_TOO_LONG;
        snprintf(path, size, "%s", into);
    }
}

/* ---- put ------------------------------------------------------------------------------- */

bool wf_cmd_put(wf_shell *shell, int argc, char **argv)
{
    char path[WF_SHELL_PATH_MAX], what[WF_SHELL_PATH_MAX + 8];
    wf_fsd_file *file = NULL;
    uint8_t *buffer = NULL;
    uint64_t offset = 0;
    struct stat st;
    FILE *local;
    NTSTATUS status;
    bool ok = false;

    if (argc != 3)
        return wf_shell_usage("put LOCAL PATH");
    if (!wf_shell_resolve(shell, "put", argv[2], path, sizeof path))
        return false;
    local = fopen(argv[1], "rb");
    if (local == NULL || fstat(fileno(local), &st) != 0 || S_ISDIR(st.st_mode)) {
        fflush(stdout);
        fprintf(stderr, "put %s: %s\n", argv[1], local == NULL ? strerror(errno) :
            S_ISDIR(st.st_mode) ? "is a directory" : strerror(errno));
        if (local != NULL)
            fclose(local);
        return false;
    }
    /* The size it will have, as CopyFileW gives it: the file system may reserve it. */
    status = wf_create_always(shell, path, sizeof path, wf_base_name(argv[1]),
        S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0, &file);
    snprintf(what, sizeof what, "put %s", path);
    if (status != STATUS_SUCCESS) {
        wf_shell_fail(shell, what, status);
        goto exit;
    }
    buffer = malloc(WF_TRANSFER_CHUNK);
    if (buffer == NULL) {
        wf_shell_fail(shell, what, STATUS_NO_MEMORY);
        goto exit;
    }
    for (;;) {
        size_t got = fread(buffer, 1, WF_TRANSFER_CHUNK, local);
        if (got == 0)
            break;
        status = wf_win_write_all(file, buffer, offset, (uint32_t)got);
        if (status != STATUS_SUCCESS) {
            wf_shell_fail(shell, what, status);
            goto exit;
        }
        offset += got;
    }
    if (ferror(local)) {
        fprintf(stderr, "put %s: cannot read\n", argv[1]);
        goto exit;
    }
    ok = true;
exit:
    if (file != NULL) {
        status = wf_fsd_close(file);
        if (ok && status != STATUS_SUCCESS)
            ok = wf_shell_fail(shell, what, status);
    }
    free(buffer);
    fclose(local);
    return ok;
}

/* ---- get ------------------------------------------------------------------------------- */

bool wf_cmd_get(wf_shell *shell, int argc, char **argv)
{
    char path[WF_SHELL_PATH_MAX], what[WF_SHELL_PATH_MAX + 8], local_path[WF_SHELL_PATH_MAX];
    wf_fsd_file *file = NULL;
    uint8_t *buffer = NULL;
    FILE *local = NULL;
    struct stat st;
    NTSTATUS status;
    bool ok = false, written;

    if (argc != 3)
        return wf_shell_usage("get PATH LOCAL");
    if (!wf_shell_resolve(shell, "get", argv[1], path, sizeof path))
        return false;
    snprintf(what, sizeof what, "get %s", path);
    status = wf_win_open_read(shell->fsd, path, &file);
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);

    /* Into LOCAL when it is a directory, under the file's name. */
    if (stat(argv[2], &st) == 0 && S_ISDIR(st.st_mode)) {
        int n = snprintf(local_path, sizeof local_path, "%s/%s", argv[2], wf_base_name(path));
        if (n < 0 || (size_t)n >= sizeof local_path) {
            fprintf(stderr, "get %s: path too long\n", argv[2]);
            goto exit;
        }
    } else {
        snprintf(local_path, sizeof local_path, "%s", argv[2]);
    }
    local = fopen(local_path, "wb");
    buffer = malloc(WF_TRANSFER_CHUNK);
    if (local == NULL || buffer == NULL) {
        fflush(stdout);
        fprintf(stderr, "get %s: %s\n", local_path, strerror(errno));
        goto exit;
    }
    status = wf_win_read_all(file, buffer, WF_TRANSFER_CHUNK, local, &written);
    if (status != STATUS_SUCCESS) {
        wf_shell_fail(shell, what, status);
        goto exit;
    }
    if (!written) {
        fprintf(stderr, "get %s: %s\n", local_path, strerror(errno));
        goto exit;
    }
    ok = true;
exit:
    if (local != NULL && fclose(local) != 0 && ok) {
        fprintf(stderr, "get %s: %s\n", local_path, strerror(errno));
        ok = false;
    }
    free(buffer);
    wf_fsd_close(file);
    return ok;
}

/* ---- copy ------------------------------------------------------------------------------ */

bool wf_cmd_copy(wf_shell *shell, int argc, char **argv)
{
    char src[WF_SHELL_PATH_MAX], dst[WF_SHELL_PATH_MAX], into[WF_SHELL_PATH_MAX];
    char what[WF_SHELL_PATH_MAX + 8];
    bool replace = false;
    FSP_FSCTL_FILE_INFO info;
    NTSTATUS status;

    if (argc > 1 && strcasecmp(argv[1], "/Y") == 0) {
        replace = true;
        argv++;
        argc--;
    }
    if (argc != 3)
        return wf_shell_usage("copy [/Y] SRC DST");
    if (!wf_shell_resolve(shell, "copy", argv[1], src, sizeof src) ||
        !wf_shell_resolve(shell, "copy", argv[2], dst, sizeof dst))
        return false;
    snprintf(what, sizeof what, "copy %s", src);

    if (wf_win_get_info(shell->fsd, dst, &info) == STATUS_SUCCESS &&
        (info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
        if (!wf_win_join(dst, wf_base_name(src), into, sizeof into)) {
            fprintf(stderr, "%s: path too long\n", what);
            return false;
        }
        snprintf(dst, sizeof dst, "%s", into);
    }
    status = wf_win_copy(shell->fsd, src, dst, replace);
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);
    printf("        1 file(s) copied.\n");
    return true;
}

/* ---- echo ------------------------------------------------------------------------------ */

bool wf_cmd_echo(wf_shell *shell, int argc, char **argv)
{
    char path[WF_SHELL_PATH_MAX], what[WF_SHELL_PATH_MAX + 8];
    const char *target = NULL;
    wf_fsd_file *file = NULL;
    bool append = false;
    char *text = NULL;
    size_t len = 0, cap = 0;
    NTSTATUS status, close_status;
    int i, end = argc;

    /* "> PATH", ">> PATH", or the same without the blank. */
    for (i = 1; i < argc; i++) {
        int words;
        if (argv[i][0] != '>')
            continue;
        append = argv[i][1] == '>';
        target = argv[i] + (append ? 2 : 1);
        words = 1;
        if (*target == '\0') {
            target = argv[i + 1];       /* argv[argc] is NULL */
            words = 2;
        }
        if (target == NULL || i + words != argc)
            return wf_shell_usage("echo TEXT [>|>> PATH]");
        end = i;
        break;
    }
    for (i = 1; i < end; i++)
        cap += strlen(argv[i]) + 1;
    text = malloc(cap + 2);
    if (text == NULL)
        return wf_shell_fail(shell, "echo", STATUS_NO_MEMORY);
    for (i = 1; i < end; i++) {
        size_t n = strlen(argv[i]);
        if (i > 1)
            text[len++] = ' ';
        memcpy(text + len, argv[i], n);
        len += n;
    }
    if (target == NULL) {
        text[len] = '\0';
        printf("%s\n", text);
        free(text);
        return true;
    }
    text[len++] = '\r';     /* cmd.exe ends the line as Windows does */
    text[len++] = '\n';

    if (!wf_shell_resolve(shell, "echo", target, path, sizeof path)) {
        free(text);
        return false;
    }
    snprintf(what, sizeof what, "echo %s", path);
    /* >> opens for appending only: every write goes to the end of the file. */
    if (append)
        status = wf_fsd_create_file(shell->fsd, &(wf_fsd_create_params){ .path = path,
            .desired_access = FILE_APPEND_DATA | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
            .file_attributes = FILE_ATTRIBUTE_NORMAL,
            .share_access = FILE_SHARE_READ | FILE_SHARE_WRITE, .create_disposition = FILE_OPEN_IF,
            .create_options = FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT }, &file,
            NULL);
    else
        status = wf_create_always(shell, path, sizeof path, NULL, 0, &file);
    if (status == STATUS_SUCCESS) {
        status = wf_win_write_all(file, (const uint8_t *)text, append ? WF_FSD_WRITE_TO_END : 0,
            (uint32_t)len);
        close_status = wf_fsd_close(file);
        if (status == STATUS_SUCCESS)
            status = close_status;
    }
    free(text);
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, what, status);
    return true;
}
