/* check_fs.c — what the cases of `winfuse check` share: paths in the case's directory,
   tracked handles, making and reading files, listings, and removing a scratch tree. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "win32ops.h"
#include "winfuse/nt_constants.h"

/* Deeper than any tree a case makes: a file system that loops stops here. */
#define WF_CHECK_REMOVE_DEPTH 16

const char *wf_check_path(wf_check *check, const char *name)
{
    char *path = check->paths[check->next_path++ % 4];

    if (name == NULL || name[0] == '\0')
        snprintf(path, WF_CHECK_PATH_MAX, "%s", check->dir[0] != '\0' ? check->dir : "\\");
    else if (name[0] == '\\')
        snprintf(path, WF_CHECK_PATH_MAX, "%s", name);      /* already absolute */
    else if ((size_t)snprintf(path, WF_CHECK_PATH_MAX, "%s\\%s", check->dir, name) >=
             WF_CHECK_PATH_MAX)
        path[0] = '\0';        /* too long: an empty path, which no open accepts */
    return path;
}

static void wf_check_track(wf_check *check, wf_fsd_file *file)
{
    for (size_t i = 0; i < WF_CHECK_MAX_FILES; i++) {
        if (check->files[i] == NULL) {
            check->files[i] = file;
            return;
        }
    }
    /* More handles than any case holds: keep it untracked rather than lose it; the case
       closes it itself. */
}

NTSTATUS wf_check_create(wf_check *check, const char *name, uint32_t access, uint32_t share,
    uint32_t disposition, uint32_t options, uint32_t attributes, wf_fsd_file **file,
    uint32_t *information)
{
    wf_fsd_file *opened = NULL;
    uint32_t ignored;
    NTSTATUS status;

    status = wf_fsd_create_file(check->fsd, &(wf_fsd_create_params){
        .path = wf_check_path(check, name), .desired_access = access, .file_attributes = attributes,
        .share_access = share, .create_disposition = disposition, .create_options = options },
        &opened, information != NULL ? information : &ignored);
    if (status == STATUS_SUCCESS)
        wf_check_track(check, opened);
    *file = opened;
    return status;
}

NTSTATUS wf_check_open(wf_check *check, const char *name, uint32_t access, uint32_t options,
    wf_fsd_file **file)
{
    return wf_check_create(check, name, access | SYNCHRONIZE, WF_SHARE_ALL, FILE_OPEN,
        options, 0, file, NULL);
}

NTSTATUS wf_check_close(wf_check *check, wf_fsd_file **file)
{
    NTSTATUS status;

    if (*file == NULL)
        return STATUS_SUCCESS;
    for (size_t i = 0; i < WF_CHECK_MAX_FILES; i++)
        if (check->files[i] == *file)
            check->files[i] = NULL;
    status = wf_fsd_close(*file);
    *file = NULL;
    return status;
}

void wf_check_close_all(wf_check *check)
{
    for (size_t i = 0; i < WF_CHECK_MAX_FILES; i++) {
        if (check->files[i] != NULL) {
            wf_fsd_close(check->files[i]);
            check->files[i] = NULL;
        }
    }
}

NTSTATUS wf_check_make_file(wf_check *check, const char *name, const void *data, size_t size)
{
    wf_fsd_file *file = NULL;
    uint32_t written = 0;
    NTSTATUS status;

    status = wf_check_create(check, name, FILE_GENERIC_READ | FILE_GENERIC_WRITE,
        WF_SHARE_ALL, FILE_CREATE, FILE_NON_DIRECTORY_FILE, FILE_ATTRIBUTE_NORMAL, &file,
        NULL);
    if (status == STATUS_SUCCESS && size > 0) {
        status = wf_fsd_write(file, data, 0, (uint32_t)size, false, &written, NULL);
        if (status == STATUS_SUCCESS && written != size)
            status = STATUS_DISK_FULL;      /* a short write: the file system took less */
    }
    if (file != NULL) {
        NTSTATUS closed = wf_check_close(check, &file);
        if (status == STATUS_SUCCESS)
            status = closed;
    }
    return status;
}

NTSTATUS wf_check_make_dir(wf_check *check, const char *name)
{
    wf_fsd_file *file = NULL;
    NTSTATUS status;

    status = wf_check_create(check, name, FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES |
        SYNCHRONIZE, WF_SHARE_ALL, FILE_CREATE, FILE_DIRECTORY_FILE, FILE_ATTRIBUTE_NORMAL,
        &file, NULL);
    if (file != NULL) {
        NTSTATUS closed = wf_check_close(check, &file);
        if (status == STATUS_SUCCESS)
            status = closed;
    }
    return status;
}

NTSTATUS wf_check_stat(wf_check *check, const char *name, FSP_FSCTL_FILE_INFO *info)
{
    wf_fsd_file *file = NULL;
    NTSTATUS status;

    memset(info, 0, sizeof *info);
    status = wf_check_open(check, name, FILE_READ_ATTRIBUTES, FILE_OPEN_REPARSE_POINT, &file);
    if (status == STATUS_SUCCESS)
        status = wf_fsd_query_info(file, info);
    wf_check_close(check, &file);
    return status;
}

NTSTATUS wf_check_read_file(wf_fsd_file *file, uint64_t offset, void *buffer, size_t size,
    size_t *length)
{
    uint8_t *out = buffer;
    size_t done = 0;
    NTSTATUS status = STATUS_SUCCESS;

    while (done < size) {
        uint32_t chunk = size - done > (1u << 20) ? (1u << 20) : (uint32_t)(size - done);
        uint32_t got = 0;

        status = wf_fsd_read(file, out + done, offset + done, chunk, &got);
        if (status == STATUS_END_OF_FILE) {
            status = STATUS_SUCCESS;
            break;
        }
        if (status != STATUS_SUCCESS || got == 0)
            break;
        done += got;
    }
    *length = done;
    return status;
}

NTSTATUS wf_check_read_name(wf_check *check, const char *name, void *buffer, size_t size,
    size_t *length)
{
    wf_fsd_file *file = NULL;
    NTSTATUS status;

    *length = 0;
    status = wf_check_open(check, name, FILE_GENERIC_READ, FILE_NON_DIRECTORY_FILE, &file);
    if (status == STATUS_SUCCESS)
        status = wf_check_read_file(file, 0, buffer, size, length);
    wf_check_close(check, &file);
    return status;
}

/* ---- listings --------------------------------------------------------------------------- */

void wf_check_list_free(wf_check_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->entries[i].name);
    free(list->entries);
    memset(list, 0, sizeof *list);
}

size_t wf_check_list_count(const wf_check_list *list, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < list->count; i++)
        n += strcmp(list->entries[i].name, name) == 0;
    return n;
}

const wf_check_entry *wf_check_list_find(const wf_check_list *list, const char *name)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->entries[i].name, name) == 0)
            return &list->entries[i];
    return NULL;
}

void wf_check_list_format(const wf_check_list *list, char *buffer, size_t size)
{
    size_t used = 0;

    buffer[0] = '\0';
    if (list->count == 0) {
        snprintf(buffer, size, "(none)");
        return;
    }
    for (size_t i = 0; i < list->count && used < size; i++) {
        int n = snprintf(buffer + used, size - used, "%s%s", i ? ", " : "",
            list->entries[i].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    /* Cut short: say so rather than end in the middle of a name. */
    if (used >= size && size > 4)
        memcpy(buffer + size - 4, "...", 4);
}

bool wf_check_list_add(void *ctx, const char *name, const FSP_FSCTL_FILE_INFO *info)
{
    wf_check_list *list = ctx;

    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 16;
        wf_check_entry *entries = realloc(list->entries, capacity * sizeof *entries);
        if (entries == NULL) {
            list->overflow = true;
            return false;
        }
        list->entries = entries;
        list->capacity = capacity;
    }
    list->entries[list->count].name = strdup(name);
    if (list->entries[list->count].name == NULL) {
        list->overflow = true;
        return false;
    }
    list->entries[list->count].info = *info;
    list->count++;
    return true;
}

NTSTATUS wf_check_list_dir(wf_check *check, const char *dir, const char *pattern,
    wf_check_list *list)
{
    wf_fsd_file *file = NULL;
    uint32_t flags = WF_FSD_RESTART_SCAN;
    NTSTATUS status;

    status = wf_check_open(check, dir, FILE_LIST_DIRECTORY | FILE_TRAVERSE |
        FILE_READ_ATTRIBUTES, FILE_DIRECTORY_FILE, &file);
    if (status != STATUS_SUCCESS)
        return status;
    for (;;) {
        list->calls++;
        status = wf_fsd_query_directory_once(file, pattern != NULL ? pattern : "*", flags,
            wf_check_list_add, list);
        flags = 0;
        if (status != STATUS_SUCCESS || list->overflow)
            break;
    }
    if (status == STATUS_NO_MORE_FILES)
        status = STATUS_SUCCESS;
    if (status == STATUS_SUCCESS && list->overflow)
        status = STATUS_NO_MEMORY;
    wf_check_close(check, &file);
    return status;
}

/* ---- removing a scratch tree ------------------------------------------------------------ */

static NTSTATUS wf_check_remove_at(wf_fsd *fsd, const char *path, unsigned depth)
{
    wf_fsd_file *file = NULL;
    wf_check_list list = { 0 };
    FSP_FSCTL_FILE_INFO info;
    NTSTATUS status, first = STATUS_SUCCESS;
    uint32_t information;

    if (depth > WF_CHECK_REMOVE_DEPTH)
        return STATUS_NAME_TOO_LONG;
    status = wf_fsd_create_file(fsd, &(wf_fsd_create_params){ .path = path,
        .desired_access = DELETE | FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
        .share_access = WF_SHARE_ALL, .create_disposition = FILE_OPEN,
        .create_options = FILE_OPEN_REPARSE_POINT }, &file, &information);
    if (status != STATUS_SUCCESS)
        return status == STATUS_OBJECT_NAME_NOT_FOUND ? STATUS_SUCCESS : status;
    status = wf_fsd_query_info(file, &info);
    if (status == STATUS_SUCCESS && (info.FileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
        /* The children first, listed whole before any goes: deleting while listing would
           move the resume point under the scan. */
        status = wf_fsd_query_directory(file, "*", wf_check_list_add, &list);
        for (size_t i = 0; status == STATUS_SUCCESS && i < list.count; i++) {
            char child[WF_CHECK_PATH_MAX];
            const char *name = list.entries[i].name;
            NTSTATUS removed;

            if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                continue;
            if ((size_t)snprintf(child, sizeof child, "%s\\%s", path, name) >= sizeof child) {
                first = first != STATUS_SUCCESS ? first : STATUS_NAME_TOO_LONG;
                continue;
            }
            removed = wf_check_remove_at(fsd, child, depth + 1);
            if (first == STATUS_SUCCESS)
                first = removed;
        }
        wf_check_list_free(&list);
    }
    if (status == STATUS_SUCCESS) {
        /* A read-only file goes too, as `del /F` does it. */
        status = wf_fsd_set_disposition(file,
            FILE_DISPOSITION_DELETE | FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE, true);
        if (status != STATUS_SUCCESS && status != STATUS_DIRECTORY_NOT_EMPTY)
            status = wf_fsd_set_disposition(file, FILE_DISPOSITION_DELETE, false);
    }
    wf_fsd_close(file);
    return first != STATUS_SUCCESS ? first : status;
}

NTSTATUS wf_check_remove_tree(wf_fsd *fsd, const char *path)
{
    return wf_check_remove_at(fsd, path, 0);
}
