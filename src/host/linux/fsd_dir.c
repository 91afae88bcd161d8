/* fsd_dir.c — the FSD stand-in's NtQueryDirectoryFile, with its per-handle scan state. */
#include "fsd_internal.h"

#include <stdlib.h>
#include <string.h>

#include "winfuse/mappings.h"
#include "winfuse/nt_constants.h"

/* A handle's NtQueryDirectoryFile state (WinFsp keeps it in the FSP_FILE_DESC): the
   pattern, where the scan is, and the records of the last response not consumed yet. */
typedef struct wf_fsd_dir {
    /* First, so that it has malloc's alignment: records are 8-aligned within it. */
    uint64_t buffer[WF_FSD_DIR_BUFFER_SIZE / sizeof(uint64_t)];
    uint32_t used, pos;         /* bytes of records in buffer; the next one to consume */
    bool started;               /* a pattern is set */
    bool match_all, wild;
    bool has_such_file;         /* an entry was returned since the scan (re)started */
    bool have_marker;
    uint64_t marker;            /* NextOffset of the last record consumed */
    bool ended;                 /* the file system reported the end of the directory */
    uint16_t pattern[WF_FSD_MAX_PATH_UNITS];
    size_t pattern_units;
    bool states[2][WF_FSD_MAX_PATH_UNITS + 1];
    /* The UTF-8 of the longest name a buffer can hold: 3 bytes per UTF-16 unit at most. */
    char name[WF_FSD_DIR_BUFFER_SIZE / 2 * 3 + 1];
} wf_fsd_dir;

/* The scan starts over: from the first entry, nothing returned yet. */
static void wf_fsd_dir_rewind(wf_fsd_dir *dir)
{
    dir->used = dir->pos = 0;
    dir->has_such_file = false;
    dir->have_marker = false;
    dir->marker = 0;
    dir->ended = false;
}

/* One QueryDirectory request, resuming after the last record consumed. Leaves the records
   in dir->buffer; a file system that reports the end in a status is taken at its word. */
static NTSTATUS wf_fsd_dir_fetch(wf_fsd_file *file, wf_fsd_dir *dir)
{
    FSP_FSCTL_TRANSACT_REQ head = { 0 };
    FSP_FSCTL_TRANSACT_RSP rsp;
    NTSTATUS status;

    dir->used = dir->pos = 0;
    head.Req.QueryDirectory.Address = (uint64_t)(uintptr_t)dir->buffer;
    head.Req.QueryDirectory.Length = WF_FSD_DIR_BUFFER_SIZE;
    head.Req.QueryDirectory.CaseSensitive = 1;
    /* The volume sets DirectoryMarkerAsNextOffset: the marker is the NextOffset of the last
       entry consumed, 8 bytes; absent at the start of a scan. */
    status = wf_fsd_send(file->fsd, &(wf_fsd_request){
        .kind = FspFsctlTransactQueryDirectoryKind, .head = &head, .file = file,
        .append = { { &dir->marker, dir->have_marker ? sizeof dir->marker : 0, false,
            &head.Req.QueryDirectory.Marker } } }, &rsp);

    if (status == STATUS_NO_MORE_FILES || status == STATUS_NO_SUCH_FILE) {
        dir->ended = true;
        return STATUS_SUCCESS;
    }
    if (status != STATUS_SUCCESS)
        return status;
    if (rsp.IoStatus.Information > WF_FSD_DIR_BUFFER_SIZE)
        return STATUS_INTERNAL_ERROR;
    /* A byte that cannot hold a record would repeat forever. */
    if (rsp.IoStatus.Information == 1)
        return STATUS_INTERNAL_ERROR;
    if (rsp.IoStatus.Information == 0)
        dir->ended = true;
    dir->used = rsp.IoStatus.Information;
    return STATUS_SUCCESS;
}

/* Consumes records for one NtQueryDirectoryFile call: every match left in the buffered
   response (at least one, asking the file system for more while none matched), or one with
   single; entry returning false ends the call too. */
static NTSTATUS wf_fsd_dir_next(wf_fsd_file *file, wf_fsd_dir *dir, bool single,
    wf_fsd_dir_entry_fn *entry, void *ctx)
{
    const uint8_t *buffer = (const uint8_t *)dir->buffer;
    uint32_t delivered = 0;
    bool fetched = false, had_marker = false;
    uint64_t sent_marker = 0;
    NTSTATUS status;

    /* WinFsp: a name without wildcards matches once at most. */
    if (!dir->wild && dir->has_such_file)
        return STATUS_NO_MORE_FILES;

    for (;;) {
        while (dir->pos + sizeof(uint16_t) <= dir->used) {
            FSP_FSCTL_DIR_INFO info;
            size_t units, name_len;
            const uint16_t *name;

            memcpy(&info.Size, buffer + dir->pos, sizeof info.Size);
            if (info.Size == 0) {
                dir->ended = true;      /* the end of the directory */
                dir->used = dir->pos;
                break;
            }
            if (info.Size < sizeof info || dir->pos + info.Size > dir->used) {
                dir->used = dir->pos = 0;
                return STATUS_INTERNAL_ERROR;
            }
            memcpy(&info, buffer + dir->pos, sizeof info);
            name = (const uint16_t *)(const void *)(buffer + dir->pos + sizeof info);
            units = (info.Size - sizeof info) / sizeof(uint16_t);
            dir->pos += (uint32_t)WF_FSD_ALIGN_UP(info.Size);
            dir->marker = info.NextOffset;
            dir->have_marker = true;

            if (!dir->match_all && !wf_fsd_name_in_expression(dir->pattern,
                    dir->pattern_units, name, units, file->fsd->case_insensitive,
                    dir->states[0], dir->states[1]))
                continue;
            if (wf_utf16_to_utf8(name, units, dir->name, sizeof dir->name - 1, &name_len) !=
                STATUS_SUCCESS)
                return STATUS_OBJECT_NAME_INVALID;
            dir->name[name_len] = '\0';
            dir->has_such_file = true;
            delivered++;
            if (!entry(ctx, dir->name, &info.FileInfo) || single)
                return STATUS_SUCCESS;
        }
        if (delivered != 0)
            return STATUS_SUCCESS;
        if (dir->ended)
            return dir->has_such_file ? STATUS_NO_MORE_FILES : STATUS_NO_SUCH_FILE;
        /* A response that led back to the marker it was asked to resume from would
           repeat forever. */
        if (fetched && had_marker && dir->marker == sent_marker)
            return STATUS_INTERNAL_ERROR;
        had_marker = dir->have_marker;
        sent_marker = dir->marker;
        fetched = true;
        status = wf_fsd_dir_fetch(file, dir);
        if (status != STATUS_SUCCESS)
            return status;
    }
}

NTSTATUS wf_fsd_query_directory_once(wf_fsd_file *file, const char *pattern, uint32_t flags,
    wf_fsd_dir_entry_fn *entry, void *ctx)
{
    uint16_t new_pattern[WF_FSD_MAX_PATH_UNITS];
    size_t new_units = 0;
    bool have_pattern = pattern != NULL && pattern[0] != '\0';
    bool restart = (flags & WF_FSD_RESTART_SCAN) != 0;
    wf_fsd_dir *dir;
    NTSTATUS status;

    if (flags & ~(WF_FSD_RESTART_SCAN | WF_FSD_RETURN_SINGLE_ENTRY))
        return STATUS_INVALID_PARAMETER;
    if (!file->is_directory)
        return STATUS_INVALID_PARAMETER;
    if (!(file->granted_access & FILE_LIST_DIRECTORY))
        return STATUS_ACCESS_DENIED;
    /* The pattern is checked on every call, even one that will ignore it. */
    if (have_pattern) {
        status = wf_fsd_parse_pattern(pattern, new_pattern, &new_units);
        if (status != STATUS_SUCCESS)
            return status;
    }

    pthread_mutex_lock(&file->dir_lock);
    if (file->dir == NULL) {
        file->dir = malloc(sizeof *file->dir);
        if (file->dir == NULL) {
            status = STATUS_INSUFFICIENT_RESOURCES;
            goto exit;
        }
        file->dir->started = false;
    }
    dir = file->dir;
    /* The pattern of the first call holds until a restart that names another one. */
    if (!dir->started || (restart && have_pattern)) {
        dir->started = true;
        dir->match_all = !have_pattern ||
            (new_units == 1 && new_pattern[0] == '*');
        dir->wild = dir->match_all;
        memcpy(dir->pattern, new_pattern, new_units * sizeof(uint16_t));
        dir->pattern_units = new_units;
        for (size_t i = 0; i < new_units; i++)
            dir->wild |= new_pattern[i] == '*' || new_pattern[i] == '?' ||
                new_pattern[i] == '<' || new_pattern[i] == '>' || new_pattern[i] == '"';
        wf_fsd_dir_rewind(dir);
    } else if (restart) {
        wf_fsd_dir_rewind(dir);
    }
    status = wf_fsd_dir_next(file, dir, (flags & WF_FSD_RETURN_SINGLE_ENTRY) != 0, entry, ctx);
exit:
    pthread_mutex_unlock(&file->dir_lock);
    return status;
}

/* The whole listing: a restarted scan, then calls until the end. */
typedef struct wf_fsd_listing {
    wf_fsd_dir_entry_fn *entry;
    void *ctx;
    bool stopped;
} wf_fsd_listing;

static bool wf_fsd_listing_entry(void *ctx, const char *name, const FSP_FSCTL_FILE_INFO *info)
{
    wf_fsd_listing *listing = ctx;
    if (!listing->entry(listing->ctx, name, info)) {
        listing->stopped = true;
        return false;
    }
    return true;
}

NTSTATUS wf_fsd_query_directory(wf_fsd_file *file, const char *pattern,
    wf_fsd_dir_entry_fn *entry, void *ctx)
{
    wf_fsd_listing listing = { .entry = entry, .ctx = ctx, .stopped = false };
    uint32_t flags = WF_FSD_RESTART_SCAN;
    NTSTATUS status;

    /* A restart keeps the old pattern unless given one: "*" says all. */
    if (pattern == NULL || pattern[0] == '\0')
        pattern = "*";
    for (;;) {
        status = wf_fsd_query_directory_once(file, pattern, flags, wf_fsd_listing_entry,
            &listing);
        flags = 0;
        pattern = NULL;
        if (status == STATUS_NO_MORE_FILES)
            return STATUS_SUCCESS;
        if (status != STATUS_SUCCESS || listing.stopped)
            return status;
    }
}
