/* win32ops.c — what the Win32 file functions do with NT calls (CreateDirectoryW, DeleteFileW,
   MoveFileExW, CopyFileW, …), built on the FSD stand-in for the shell's commands. The
   access, share and option values are the ones those functions pass to NtCreateFile. */
#define _POSIX_C_SOURCE 200809L
#include "win32ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "winfuse/nt_constants.h"

#define WF_COPY_CHUNK (1024u * 1024u)

NTSTATUS wf_win_create_directory(wf_fsd *fsd, const char *path)
{
    wf_fsd_file *file = NULL;
    NTSTATUS status = wf_fsd_create_file(fsd, &(wf_fsd_create_params){ .path = path,
        .desired_access = FILE_LIST_DIRECTORY | SYNCHRONIZE,
        .file_attributes = FILE_ATTRIBUTE_NORMAL,
        .share_access = FILE_SHARE_READ | FILE_SHARE_WRITE, .create_disposition = FILE_CREATE,
        .create_options = FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT |
        FILE_OPEN_FOR_BACKUP_INTENT },
        &file, NULL);
    if (status == STATUS_SUCCESS)
        status = wf_fsd_close(file);
    return status;
}

/* Opens path for deletion and sets its disposition; the Cleanup of close deletes. */
static NTSTATUS wf_win_delete(wf_fsd *fsd, const char *path, uint32_t options, uint32_t flags,
    bool ex)
{
    wf_fsd_file *file = NULL;
    NTSTATUS status, close_status;

    status = wf_fsd_create_file(fsd, &(wf_fsd_create_params){ .path = path,
        .desired_access = DELETE | FILE_READ_ATTRIBUTES | SYNCHRONIZE, .share_access = WF_SHARE_ALL,
        .create_disposition = FILE_OPEN,
        .create_options = options | FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT |
        FILE_OPEN_REPARSE_POINT },
        &file, NULL);
    if (status != STATUS_SUCCESS)
        return status;
    status = wf_fsd_set_disposition(file, flags, ex);
    close_status = wf_fsd_close(file);
    return status != STATUS_SUCCESS ? status : close_status;
}

NTSTATUS wf_win_remove_directory(wf_fsd *fsd, const char *path)
{
    return wf_win_delete(fsd, path, FILE_DIRECTORY_FILE, FILE_DISPOSITION_DELETE, false);
}

NTSTATUS wf_win_delete_file(wf_fsd *fsd, const char *path, bool ignore_readonly)
{
    if (ignore_readonly)
        return wf_win_delete(fsd, path, FILE_NON_DIRECTORY_FILE,
            FILE_DISPOSITION_DELETE | FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE, true);
    return wf_win_delete(fsd, path, FILE_NON_DIRECTORY_FILE, FILE_DISPOSITION_DELETE, false);
}

NTSTATUS wf_win_move(wf_fsd *fsd, const char *old_path, const char *new_path, bool replace)
{
    wf_fsd_file *file = NULL;
    NTSTATUS status, close_status;

    status = wf_fsd_create_file(fsd, &(wf_fsd_create_params){ .path = old_path,
        .desired_access = DELETE | FILE_READ_ATTRIBUTES | SYNCHRONIZE, .share_access = WF_SHARE_ALL,
        .create_disposition = FILE_OPEN,
        .create_options = FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_FOR_BACKUP_INTENT |
        FILE_OPEN_REPARSE_POINT },
        &file, NULL);
    if (status != STATUS_SUCCESS)
        return status;
    status = wf_fsd_rename(file, new_path, replace ? FILE_RENAME_REPLACE_IF_EXISTS : 0);
    close_status = wf_fsd_close(file);
    return status != STATUS_SUCCESS ? status : close_status;
}

NTSTATUS wf_win_copy(wf_fsd *fsd, const char *src_path, const char *dst_path, bool replace)
{
    wf_fsd_file *src = NULL, *dst = NULL;
    FSP_FSCTL_FILE_INFO info;
    uint8_t *buffer = NULL;
    uint64_t offset = 0;
    uint32_t attributes;
    NTSTATUS status, close_status;

    status = wf_fsd_create_file(fsd, &(wf_fsd_create_params){ .path = src_path,
        .desired_access = GENERIC_READ, .share_access = FILE_SHARE_READ,
        .create_disposition = FILE_OPEN,
        .create_options = FILE_NON_DIRECTORY_FILE | FILE_SEQUENTIAL_ONLY |
        FILE_SYNCHRONOUS_IO_NONALERT },
        &src, NULL);
    if (status != STATUS_SUCCESS)
        goto exit;
    status = wf_fsd_query_info(src, &info);
    if (status != STATUS_SUCCESS)
        goto exit;
    /* Created writable; the source's attributes (READONLY among them) are set at the end,
       as CopyFileW does once the data is in. */
    status = wf_fsd_create_file(fsd, &(wf_fsd_create_params){ .path = dst_path,
        .desired_access = GENERIC_WRITE | FILE_READ_ATTRIBUTES | FILE_WRITE_ATTRIBUTES |
        SYNCHRONIZE,
        .file_attributes = FILE_ATTRIBUTE_NORMAL,
        .create_disposition = replace ? FILE_OVERWRITE_IF : FILE_CREATE,
        .create_options = FILE_NON_DIRECTORY_FILE | FILE_SEQUENTIAL_ONLY |
        FILE_SYNCHRONOUS_IO_NONALERT,
        .allocation_size = info.FileSize }, &dst, NULL);
    if (status != STATUS_SUCCESS)
        goto exit;
    buffer = malloc(WF_COPY_CHUNK);
    if (buffer == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto exit;
    }
    /* To the size the source was said to have, as CopyFileW copies what its size says. */
    while (offset < info.FileSize) {
        uint32_t got = 0;
        uint32_t want = info.FileSize - offset < WF_COPY_CHUNK ?
            (uint32_t)(info.FileSize - offset) : WF_COPY_CHUNK;
        status = wf_fsd_read(src, buffer, offset, want, &got);
        if (status == STATUS_END_OF_FILE || (status == STATUS_SUCCESS && got == 0)) {
            status = STATUS_SUCCESS;
            break;
        }
        if (status != STATUS_SUCCESS)
            goto exit;
        status = wf_win_write_all(dst, buffer, offset, got);
        if (status != STATUS_SUCCESS)
            goto exit;
        offset += got;
    }
    attributes = info.FileAttributes & ~(FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_NORMAL |
        FILE_ATTRIBUTE_REPARSE_POINT);
    status = wf_fsd_set_basic_info(dst, attributes ? attributes : FILE_ATTRIBUTE_NORMAL, 0, 0,
        info.LastWriteTime, 0, NULL);
exit:
    free(buffer);
    if (dst != NULL) {
        close_status = wf_fsd_close(dst);
        if (status == STATUS_SUCCESS)
            status = close_status;
    }
    if (src != NULL)
        wf_fsd_close(src);
    return status;
}

NTSTATUS wf_win_open_read(wf_fsd *fsd, const char *path, wf_fsd_file **file)
{
    return wf_fsd_create_file(fsd, &(wf_fsd_create_params){ .path = path,
        .desired_access = GENERIC_READ, .share_access = FILE_SHARE_READ | FILE_SHARE_WRITE,
        .create_disposition = FILE_OPEN,
        .create_options = FILE_NON_DIRECTORY_FILE | FILE_SEQUENTIAL_ONLY |
        FILE_SYNCHRONOUS_IO_NONALERT },
        file, NULL);
}

NTSTATUS wf_win_read_all(wf_fsd_file *file, uint8_t *buffer, uint32_t size, FILE *out,
    bool *written)
{
    FSP_FSCTL_FILE_INFO info;
    uint64_t offset = 0;
    NTSTATUS status;

    *written = true;
    /* GetFileSizeEx first: the loop ends there whatever the reads say, so a file system
       that answers every read in full cannot keep it going. */
    status = wf_fsd_query_info(file, &info);
    if (status != STATUS_SUCCESS)
        return status;
    while (offset < info.FileSize) {
        uint32_t got = 0;
        uint32_t want = info.FileSize - offset < size ? (uint32_t)(info.FileSize - offset) : size;
        status = wf_fsd_read(file, buffer, offset, want, &got);
        if (status == STATUS_END_OF_FILE || (status == STATUS_SUCCESS && got == 0))
            return STATUS_SUCCESS;
        if (status != STATUS_SUCCESS)
            return status;
        if (fwrite(buffer, 1, got, out) != got) {
            *written = false;
            return STATUS_SUCCESS;
        }
        offset += got;
    }
    return STATUS_SUCCESS;
}

NTSTATUS wf_win_write_all(wf_fsd_file *file, const uint8_t *buffer, uint64_t offset,
    uint32_t length)
{
    uint32_t done, put = 0;
    NTSTATUS status;

    for (done = 0; done < length; done += put) {
        status = wf_fsd_write(file, buffer + done,
            offset == WF_FSD_WRITE_TO_END ? offset : offset + done, length - done, false,
            &put, NULL);
        if (status == STATUS_SUCCESS && put == 0)
            status = STATUS_DISK_FULL;      /* no progress: not forever */
        if (status != STATUS_SUCCESS)
            return status;
    }
    return STATUS_SUCCESS;
}

NTSTATUS wf_win_get_info(wf_fsd *fsd, const char *path, FSP_FSCTL_FILE_INFO *info)
{
    wf_fsd_file *file = NULL;
    NTSTATUS status;

    memset(info, 0, sizeof *info);
    status = wf_fsd_create_file(fsd, &(wf_fsd_create_params){ .path = path,
        .desired_access = FILE_READ_ATTRIBUTES | SYNCHRONIZE, .share_access = WF_SHARE_ALL,
        .create_disposition = FILE_OPEN,
        .create_options = FILE_OPEN_REPARSE_POINT | FILE_SYNCHRONOUS_IO_NONALERT }, &file, NULL);
    if (status != STATUS_SUCCESS)
        return status;
    status = wf_fsd_query_info(file, info);
    wf_fsd_close(file);
    return status;
}

NTSTATUS wf_win_set_attributes(wf_fsd *fsd, const char *path, uint32_t attributes)
{
    wf_fsd_file *file = NULL;
    NTSTATUS status, close_status;

    status = wf_fsd_create_file(fsd, &(wf_fsd_create_params){ .path = path,
        .desired_access = FILE_WRITE_ATTRIBUTES | SYNCHRONIZE, .share_access = WF_SHARE_ALL,
        .create_disposition = FILE_OPEN,
        .create_options = FILE_OPEN_REPARSE_POINT | FILE_SYNCHRONOUS_IO_NONALERT }, &file, NULL);
    if (status != STATUS_SUCCESS)
        return status;
    attributes &= ~(FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT);
    status = wf_fsd_set_basic_info(file, attributes ? attributes : FILE_ATTRIBUTE_NORMAL,
        0, 0, 0, 0, NULL);
    close_status = wf_fsd_close(file);
    return status != STATUS_SUCCESS ? status : close_status;
}

/* ---- listings -------------------------------------------------------------------------- */

typedef struct wf_win_collect {
    wf_win_listing *listing;
    bool failed;
} wf_win_collect;

static bool wf_win_collect_entry(void *ctx, const char *name, const FSP_FSCTL_FILE_INFO *info)
{
    wf_win_collect *collect = ctx;
    wf_win_listing *listing = collect->listing;

    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return true;
    if (listing->count == listing->capacity) {
        size_t capacity = listing->capacity ? listing->capacity * 2 : 16;
        wf_win_entry *entries = realloc(listing->entries, capacity * sizeof *entries);
        if (entries == NULL) {
            collect->failed = true;
            return false;
        }
        listing->entries = entries;
        listing->capacity = capacity;
    }
    listing->entries[listing->count].name = strdup(name);
    if (listing->entries[listing->count].name == NULL) {
        collect->failed = true;
        return false;
    }
    listing->entries[listing->count].info = *info;
    listing->count++;
    return true;
}

NTSTATUS wf_win_list(wf_fsd *fsd, const char *directory, const char *pattern,
    wf_win_listing *listing)
{
    wf_win_collect collect = { listing, false };
    wf_fsd_file *file = NULL;
    NTSTATUS status;

    memset(listing, 0, sizeof *listing);
    status = wf_fsd_create_file(fsd, &(wf_fsd_create_params){ .path = directory,
        .desired_access = FILE_LIST_DIRECTORY | FILE_TRAVERSE | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
        .share_access = WF_SHARE_ALL, .create_disposition = FILE_OPEN,
        .create_options = FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT }, &file, NULL);
    if (status != STATUS_SUCCESS)
        return status;
    status = wf_fsd_query_directory(file, pattern, wf_win_collect_entry, &collect);
    wf_fsd_close(file);
    if (collect.failed)
        status = STATUS_INSUFFICIENT_RESOURCES;
    /* "." and ".." alone are no match for a pattern, as FindFirstFileW sees them neither
       for one that names files. */
    if (status == STATUS_SUCCESS && listing->count == 0 && pattern != NULL)
        status = STATUS_NO_SUCH_FILE;
    if (status != STATUS_SUCCESS)
        wf_win_listing_free(listing);
    return status;
}

void wf_win_listing_free(wf_win_listing *listing)
{
    size_t i;
    for (i = 0; i < listing->count; i++)
        free(listing->entries[i].name);
    free(listing->entries);
    memset(listing, 0, sizeof *listing);
}

bool wf_win_join(const char *directory, const char *name, char *path, size_t size)
{
    int n = snprintf(path, size, "%s%s%s", directory,
        directory[0] != '\0' && directory[strlen(directory) - 1] == '\\' ? "" : "\\", name);
    return n >= 0 && (size_t)n < size;
}
