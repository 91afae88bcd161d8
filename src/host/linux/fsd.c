/* fsd.c — the FSD stand-in: builds WinFsp transact requests as WinFsp's FSD and the NT I/O
   manager would (name checks, access mapping, share access, pattern matching), and waits for
   each response. */
#define _POSIX_C_SOURCE 200809L
#include "host/linux/fsd.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine/mappings.h"
#include "winfuse/nt_constants.h"

/* The buffer QueryDirectory hands the file system, as WinFsp's FSD does per request. */
#define WF_FSD_DIR_BUFFER_SIZE (16u * 1024u)
/* NTFS's component limit in UTF-16 units; the volume does not tell the stand-in its own. */
#define WF_FSD_MAX_COMPONENT 255u
/* UTF-16 units of a path without its terminating NUL, so that the NUL still fits. */
#define WF_FSD_MAX_PATH_UNITS (FSP_FSCTL_TRANSACT_PATH_SIZEMAX / sizeof(uint16_t) - 1u)
#define WF_FSD_ALIGN_UP(x) (((x) + 7u) & ~(size_t)7u)

/* One request waiting for its response; lives on the waiting caller's stack. */
typedef struct wf_fsd_call {
    struct wf_fsd_call *next;
    uint64_t hint;
    bool done;
    pthread_cond_t done_cond;
    FSP_FSCTL_TRANSACT_RSP response;
} wf_fsd_call;

/* The share access state of one file (by path), as IoCheckShareAccess keeps it in an FCB. */
typedef struct wf_fsd_share {
    struct wf_fsd_share *next;
    uint32_t handles;           /* file objects on this path, with or without data access */
    uint32_t open_count;        /* those that asked for read, write or delete access */
    uint32_t readers, writers, deleters;
    uint32_t shared_read, shared_write, shared_delete;
    bool delete_on_close;       /* a handle asked for it: the last Cleanup deletes */
    size_t name_units;
    uint16_t name[];
} wf_fsd_share;

struct wf_fsd {
    wf_fsd_submit_fn *submit;
    void *ctx;
    pthread_mutex_t lock;
    uint64_t last_hint;
    wf_fsd_call *calls;
    wf_fsd_share *shares;
    uint32_t open_files;
};

struct wf_fsd_file {
    wf_fsd *fsd;
    uint64_t user_context, user_context2;
    uint32_t granted_access;
    bool is_directory;
    /* What this handle counted in its share record (read, write, delete access; shares). */
    bool share_counted;
    bool access_read, access_write, access_delete;
    bool share_read, share_write, share_delete;
    wf_fsd_share *share;
    size_t name_units;          /* the open path in UTF-16, without the trailing backslash */
    uint16_t name[];
};

/* ---- requests and responses ------------------------------------------------------------ */

static FSP_FSCTL_TRANSACT_REQ *wf_fsd_request_new(uint32_t kind)
{
    FSP_FSCTL_TRANSACT_REQ *req = calloc(1, FSP_FSCTL_TRANSACT_REQ_SIZEMAX);
    if (req == NULL)
        return NULL;
    req->Version = sizeof(FSP_FSCTL_TRANSACT_REQ);
    req->Size = sizeof(FSP_FSCTL_TRANSACT_REQ);
    req->Kind = kind;
    return req;
}

/* Appends data to the request's Buffer at the next 8-byte boundary, as WinFsp lays it out. */
static FSP_FSCTL_TRANSACT_BUF wf_fsd_request_append(FSP_FSCTL_TRANSACT_REQ *req,
    const void *data, size_t size)
{
    FSP_FSCTL_TRANSACT_BUF buf;
    size_t offset = req->Size - sizeof(FSP_FSCTL_TRANSACT_REQ);
    memcpy(req->Buffer + offset, data, size);
    buf.Offset = (uint16_t)offset;
    buf.Size = (uint16_t)size;
    req->Size = (uint16_t)(req->Size + WF_FSD_ALIGN_UP(size));
    return buf;
}

/* The file name as WinFsp passes it: UTF-16 with a terminating NUL counted in Size. */
static void wf_fsd_request_put_name(FSP_FSCTL_TRANSACT_REQ *req, const uint16_t *name,
    size_t units)
{
    uint16_t *dst = (uint16_t *)(void *)(req->Buffer + (req->Size - sizeof *req));
    size_t size = (units + 1) * sizeof(uint16_t);
    memcpy(dst, name, units * sizeof(uint16_t));
    dst[units] = 0;
    req->FileName.Offset = (uint16_t)(req->Size - sizeof *req);
    req->FileName.Size = (uint16_t)size;
    req->Size = (uint16_t)(req->Size + WF_FSD_ALIGN_UP(size));
}

/* Submits req and waits for its response. Registers the call before submitting, since the
   response may arrive inside submit. Returns the response's status. */
static NTSTATUS wf_fsd_transact(wf_fsd *fsd, FSP_FSCTL_TRANSACT_REQ *req,
    FSP_FSCTL_TRANSACT_RSP *rsp)
{
    wf_fsd_call call;
    wf_fsd_call **link;

    memset(&call, 0, sizeof call);
    pthread_cond_init(&call.done_cond, NULL);

    pthread_mutex_lock(&fsd->lock);
    call.hint = ++fsd->last_hint;
    call.next = fsd->calls;
    fsd->calls = &call;
    pthread_mutex_unlock(&fsd->lock);

    req->Hint = call.hint;
    fsd->submit(fsd->ctx, req);

    pthread_mutex_lock(&fsd->lock);
    while (!call.done)
        pthread_cond_wait(&call.done_cond, &fsd->lock);
    for (link = &fsd->calls; *link != &call; link = &(*link)->next)
        ;
    *link = call.next;
    pthread_mutex_unlock(&fsd->lock);
    pthread_cond_destroy(&call.done_cond);

    *rsp = call.response;
    /* A response of another kind is not an answer to this request. */
    if (rsp->Kind != req->Kind)
        return STATUS_INTERNAL_ERROR;
    return (NTSTATUS)rsp->IoStatus.Status;
}

void wf_fsd_complete(wf_fsd *fsd, const FSP_FSCTL_TRANSACT_RSP *response)
{
    wf_fsd_call *call;

    pthread_mutex_lock(&fsd->lock);
    for (call = fsd->calls; call != NULL; call = call->next)
        if (call->hint == response->Hint && !call->done)
            break;
    /* A response that matches nothing waiting (a duplicate, a stray) is dropped. */
    if (call != NULL) {
        call->response = *response;
        call->done = true;
        /* Signalled under the lock: the waiter owns call and frees it once it runs. */
        pthread_cond_signal(&call->done_cond);
    }
    pthread_mutex_unlock(&fsd->lock);
}

/* ---- life cycle ------------------------------------------------------------------------ */

wf_fsd *wf_fsd_create(wf_fsd_submit_fn *submit, void *ctx)
{
    wf_fsd *fsd = calloc(1, sizeof *fsd);
    if (fsd == NULL)
        return NULL;
    fsd->submit = submit;
    fsd->ctx = ctx;
    pthread_mutex_init(&fsd->lock, NULL);
    return fsd;
}

void wf_fsd_delete(wf_fsd *fsd)
{
    if (fsd == NULL)
        return;
    while (fsd->shares != NULL) {
        wf_fsd_share *share = fsd->shares;
        fsd->shares = share->next;
        free(share);
    }
    pthread_mutex_destroy(&fsd->lock);
    free(fsd);
}

/* ---- names ----------------------------------------------------------------------------- */

static bool wf_fsd_char_is_invalid(uint16_t c)
{
    return c < 0x20 || c == '<' || c == '>' || c == ':' || c == '"' || c == '/' ||
        c == '|' || c == '?' || c == '*';
}

/* Converts a UTF-8 path to the UTF-16 name the FSD would send, and checks it as the I/O
   manager and WinFsp do: absolute, no empty, "." or ".." components, no character NT
   forbids in names, components and the whole path within their limits. A trailing
   backslash (not the root's) is removed and reported. name has WF_FSD_MAX_PATH_UNITS. */
static NTSTATUS wf_fsd_parse_path(const char *path, uint16_t *name, size_t *units,
    bool *trailing_backslash)
{
    size_t n, i, start;

    *trailing_backslash = false;
    if (path == NULL || path[0] != '\\')
        return STATUS_OBJECT_NAME_INVALID;
    /* Like fastfat and WinFsp, a name that begins with two backslashes is taken as one. */
    if (path[1] == '\\')
        path++;
    if (wf_utf8_to_utf16(path, strlen(path), name, WF_FSD_MAX_PATH_UNITS, &n) !=
        STATUS_SUCCESS)
        return STATUS_OBJECT_NAME_INVALID;
    if (n >= 2 && name[n - 1] == '\\') {
        *trailing_backslash = true;
        n--;
    }
    for (start = 1, i = 1; i <= n && n > 1; i++) {
        if (i == n || name[i] == '\\') {
            size_t len = i - start;
            if (len == 0 || len > WF_FSD_MAX_COMPONENT)
                return STATUS_OBJECT_NAME_INVALID;
            if (name[start] == '.' && (len == 1 || (len == 2 && name[start + 1] == '.')))
                return STATUS_OBJECT_NAME_INVALID;
            start = i + 1;
        } else if (wf_fsd_char_is_invalid(name[i])) {
            return STATUS_OBJECT_NAME_INVALID;
        }
    }
    *units = n;
    return STATUS_SUCCESS;
}

/* ---- share access ---------------------------------------------------------------------- */

/* IoCheckShareAccess then IoSetShareAccess, for a handle with this granted access. */
static NTSTATUS wf_fsd_share_open(wf_fsd *fsd, wf_fsd_file *file, uint32_t access,
    uint32_t share_access)
{
    wf_fsd_share *share;

    for (share = fsd->shares; share != NULL; share = share->next)
        if (share->name_units == file->name_units &&
            memcmp(share->name, file->name, file->name_units * sizeof(uint16_t)) == 0)
            break;

    file->access_read = (access & (FILE_READ_DATA | FILE_EXECUTE)) != 0;
    file->access_write = (access & (FILE_WRITE_DATA | FILE_APPEND_DATA)) != 0;
    file->access_delete = (access & DELETE) != 0;
    file->share_read = (share_access & FILE_SHARE_READ) != 0;
    file->share_write = (share_access & FILE_SHARE_WRITE) != 0;
    file->share_delete = (share_access & FILE_SHARE_DELETE) != 0;
    /* Handles that touch neither data nor existence take part in no sharing decision. */
    file->share_counted = file->access_read || file->access_write || file->access_delete;

    if (share != NULL && file->share_counted) {
        if ((file->access_read && share->shared_read < share->open_count) ||
            (file->access_write && share->shared_write < share->open_count) ||
            (file->access_delete && share->shared_delete < share->open_count) ||
            (share->readers != 0 && !file->share_read) ||
            (share->writers != 0 && !file->share_write) ||
            (share->deleters != 0 && !file->share_delete))
            return STATUS_SHARING_VIOLATION;
    }
    if (share == NULL) {
        share = calloc(1, sizeof *share + file->name_units * sizeof(uint16_t));
        if (share == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
        share->name_units = file->name_units;
        memcpy(share->name, file->name, file->name_units * sizeof(uint16_t));
        share->next = fsd->shares;
        fsd->shares = share;
    }
    share->handles++;
    if (file->share_counted) {
        share->open_count++;
        share->readers += file->access_read;
        share->writers += file->access_write;
        share->deleters += file->access_delete;
        share->shared_read += file->share_read;
        share->shared_write += file->share_write;
        share->shared_delete += file->share_delete;
    }
    file->share = share;
    return STATUS_SUCCESS;
}

/* IoRemoveShareAccess; the record goes with the path's last handle. */
static void wf_fsd_share_close(wf_fsd *fsd, wf_fsd_file *file)
{
    wf_fsd_share *share = file->share, **link;

    if (file->share_counted) {
        share->open_count--;
        share->readers -= file->access_read;
        share->writers -= file->access_write;
        share->deleters -= file->access_delete;
        share->shared_read -= file->share_read;
        share->shared_write -= file->share_write;
        share->shared_delete -= file->share_delete;
    }
    if (--share->handles == 0) {
        for (link = &fsd->shares; *link != share; link = &(*link)->next)
            ;
        *link = share->next;
        free(share);
    }
    file->share = NULL;
}

/* ---- Create ---------------------------------------------------------------------------- */

/* The I/O manager maps GENERIC_* rights to the file object's specific rights. */
static uint32_t wf_fsd_map_generic(uint32_t access)
{
    if (access & GENERIC_READ)
        access |= FILE_GENERIC_READ;
    if (access & GENERIC_WRITE)
        access |= FILE_GENERIC_WRITE;
    if (access & GENERIC_EXECUTE)
        access |= FILE_GENERIC_EXECUTE;
    if (access & GENERIC_ALL)
        access |= FILE_ALL_ACCESS;
    return access & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL);
}

/* The checks NtCreateFile and WinFsp's FSD make before any request is built. */
static NTSTATUS wf_fsd_check_create(uint32_t desired_access, uint32_t share_access,
    uint32_t disposition, uint32_t options)
{
    if (disposition > FILE_MAXIMUM_DISPOSITION || (options & ~FILE_VALID_OPTION_FLAGS) ||
        (share_access & ~FILE_SHARE_VALID_FLAGS))
        return STATUS_INVALID_PARAMETER;
    if ((options & FILE_DIRECTORY_FILE) && (options & FILE_NON_DIRECTORY_FILE))
        return STATUS_INVALID_PARAMETER;
    if ((options & FILE_DIRECTORY_FILE) && disposition != FILE_CREATE &&
        disposition != FILE_OPEN && disposition != FILE_OPEN_IF)
        return STATUS_INVALID_PARAMETER;
    if ((options & FILE_DELETE_ON_CLOSE) && !(desired_access & DELETE))
        return STATUS_INVALID_PARAMETER;
    if (options & FILE_OPEN_BY_FILE_ID)
        return STATUS_NOT_IMPLEMENTED;
    return STATUS_SUCCESS;
}

/* After a sharing violation the file system's open is undone with a Close alone, as
   WinFsp's FSD does: the handle never existed, so there is nothing to clean up. */
static void wf_fsd_post_close(wf_fsd *fsd, uint64_t user_context, uint64_t user_context2)
{
    FSP_FSCTL_TRANSACT_RSP rsp;
    FSP_FSCTL_TRANSACT_REQ *req = wf_fsd_request_new(FspFsctlTransactCloseKind);
    if (req == NULL)
        return;
    req->Req.Close.UserContext = user_context;
    req->Req.Close.UserContext2 = user_context2;
    wf_fsd_transact(fsd, req, &rsp);
    free(req);
}

NTSTATUS wf_fsd_create_file(wf_fsd *fsd, const char *path,
    uint32_t desired_access, uint32_t file_attributes, uint32_t share_access,
    uint32_t create_disposition, uint32_t create_options, uint64_t allocation_size,
    wf_fsd_file **file, uint32_t *information)
{
    uint16_t name[WF_FSD_MAX_PATH_UNITS];
    size_t units = 0;
    bool trailing;
    uint32_t access, share_extra = 0;
    FSP_FSCTL_TRANSACT_REQ *req = NULL;
    FSP_FSCTL_TRANSACT_RSP rsp;
    wf_fsd_file *f = NULL;
    NTSTATUS status;

    *file = NULL;
    if (information != NULL)
        *information = 0;

    status = wf_fsd_check_create(desired_access, share_access, create_disposition,
        create_options);
    if (status != STATUS_SUCCESS)
        goto exit;
    status = wf_fsd_parse_path(path, name, &units, &trailing);
    if (status != STATUS_SUCCESS)
        goto exit;
    if (units == 1 && create_disposition != FILE_OPEN && create_disposition != FILE_OPEN_IF) {
        status = STATUS_ACCESS_DENIED;      /* the root cannot be created or replaced */
        goto exit;
    }
    if (units == 1 && (create_options & FILE_DELETE_ON_CLOSE)) {
        status = STATUS_CANNOT_DELETE;
        goto exit;
    }

    access = wf_fsd_map_generic(desired_access);
    /* WinFsp passes only the attributes a new file can take; DIRECTORY follows the option. */
    file_attributes &= ~(FILE_ATTRIBUTE_NORMAL | FILE_ATTRIBUTE_DIRECTORY |
        FILE_ATTRIBUTE_REPARSE_POINT);
    if (create_options & FILE_DIRECTORY_FILE)
        file_attributes |= FILE_ATTRIBUTE_DIRECTORY;

    req = wf_fsd_request_new(FspFsctlTransactCreateKind);
    f = calloc(1, sizeof *f + units * sizeof(uint16_t));
    if (req == NULL || f == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto exit;
    }
    wf_fsd_request_put_name(req, name, units);
    req->Req.Create.CreateOptions = (create_disposition << 24) | (create_options & 0xffffffu);
    req->Req.Create.FileAttributes = file_attributes;
    req->Req.Create.AllocationSize = allocation_size;
    req->Req.Create.AccessToken = 0;
    req->Req.Create.DesiredAccess = access;
    req->Req.Create.GrantedAccess = 0;
    req->Req.Create.ShareAccess = share_access;
    req->Req.Create.UserMode = 1;
    req->Req.Create.CaseSensitive = 1;
    req->Req.Create.HasTrailingBackslash = trailing;

    status = wf_fsd_transact(fsd, req, &rsp);
    if (status != STATUS_SUCCESS)
        goto exit;      /* STATUS_REPARSE too: the stand-in follows no reparse points */

    f->fsd = fsd;
    f->user_context = rsp.Rsp.Create.Opened.UserContext;
    f->user_context2 = rsp.Rsp.Create.Opened.UserContext2;
    f->granted_access = rsp.Rsp.Create.Opened.GrantedAccess;
    f->is_directory = (rsp.Rsp.Create.Opened.FileInfo.FileAttributes &
        FILE_ATTRIBUTE_DIRECTORY) != 0;
    f->name_units = units;
    memcpy(f->name, name, units * sizeof(uint16_t));

    /* Overwrite and supersede change the data even without those rights (WinFsp #364). */
    if (create_disposition == FILE_OVERWRITE || create_disposition == FILE_OVERWRITE_IF)
        share_extra = FILE_WRITE_DATA;
    else if (create_disposition == FILE_SUPERSEDE)
        share_extra = DELETE;
    pthread_mutex_lock(&fsd->lock);
    status = wf_fsd_share_open(fsd, f, f->granted_access | share_extra, share_access);
    if (status == STATUS_SUCCESS) {
        f->share->delete_on_close |= (create_options & FILE_DELETE_ON_CLOSE) != 0;
        fsd->open_files++;
    }
    pthread_mutex_unlock(&fsd->lock);
    if (status != STATUS_SUCCESS) {
        wf_fsd_post_close(fsd, f->user_context, f->user_context2);
        goto exit;
    }

    if (information != NULL)
        *information = rsp.IoStatus.Information;
    *file = f;
    f = NULL;
exit:
    free(f);
    free(req);
    return status;
}

/* ---- Read, QueryInformation, QueryVolumeInformation ------------------------------------ */

NTSTATUS wf_fsd_read(wf_fsd_file *file, void *buffer, uint64_t offset, uint32_t length,
    uint32_t *bytes_read)
{
    FSP_FSCTL_TRANSACT_REQ *req;
    FSP_FSCTL_TRANSACT_RSP rsp;
    NTSTATUS status;

    *bytes_read = 0;
    if (file->is_directory)
        return STATUS_INVALID_PARAMETER;    /* WinFsp: only regular files can be read */
    if (!(file->granted_access & FILE_READ_DATA))
        return STATUS_ACCESS_DENIED;        /* NtReadFile checks the handle's access */
    if (offset > (uint64_t)INT64_MAX)
        return STATUS_INVALID_PARAMETER;
    if (length == 0)
        return STATUS_SUCCESS;

    req = wf_fsd_request_new(FspFsctlTransactReadKind);
    if (req == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    req->Req.Read.UserContext = file->user_context;
    req->Req.Read.UserContext2 = file->user_context2;
    /* The file system process is this process: the buffer is passed by address, as WinFsp
       maps the caller's buffer into the file system process. */
    req->Req.Read.Address = (uint64_t)(uintptr_t)buffer;
    req->Req.Read.Offset = offset;
    req->Req.Read.Length = length;
    req->Req.Read.Key = 0;
    status = wf_fsd_transact(file->fsd, req, &rsp);
    free(req);
    if (status == STATUS_SUCCESS) {
        if (rsp.IoStatus.Information > length)
            return STATUS_INTERNAL_ERROR;   /* more than was asked for: not believable */
        *bytes_read = rsp.IoStatus.Information;
    }
    return status;
}

NTSTATUS wf_fsd_query_info(wf_fsd_file *file, FSP_FSCTL_FILE_INFO *info)
{
    FSP_FSCTL_TRANSACT_REQ *req;
    FSP_FSCTL_TRANSACT_RSP rsp;
    NTSTATUS status;

    memset(info, 0, sizeof *info);
    req = wf_fsd_request_new(FspFsctlTransactQueryInformationKind);
    if (req == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    req->Req.QueryInformation.UserContext = file->user_context;
    req->Req.QueryInformation.UserContext2 = file->user_context2;
    status = wf_fsd_transact(file->fsd, req, &rsp);
    free(req);
    if (status == STATUS_SUCCESS)
        *info = rsp.Rsp.QueryInformation.FileInfo;
    return status;
}

NTSTATUS wf_fsd_query_volume(wf_fsd *fsd, FSP_FSCTL_VOLUME_INFO *info)
{
    FSP_FSCTL_TRANSACT_REQ *req;
    FSP_FSCTL_TRANSACT_RSP rsp;
    NTSTATUS status;

    memset(info, 0, sizeof *info);
    req = wf_fsd_request_new(FspFsctlTransactQueryVolumeInformationKind);
    if (req == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = wf_fsd_transact(fsd, req, &rsp);
    free(req);
    if (status == STATUS_SUCCESS)
        *info = rsp.Rsp.QueryVolumeInformation.VolumeInfo;
    return status;
}

/* ---- QueryDirectory -------------------------------------------------------------------- */

/* FsRtlIsNameInExpression, case-sensitive, over UTF-16 units. The expression runs as a set
   of positions (an NFA), one step per name unit: no backtracking, no recursion.
   *  zero or more units             ?  exactly one unit
   <  zero or more units, up to and including the name's last '.', never past it
   >  one unit, or nothing at a '.' or at the end of the name
   "  a '.', or nothing at the end of the name */
static bool wf_fsd_name_in_expression(const uint16_t *expr, size_t m,
    const uint16_t *name, size_t n, bool *cur, bool *next)
{
    size_t i, j, last_dot = SIZE_MAX;

    if (n == 0 || m == 0)
        return n == 0 && m == 0;
    /* "*.*" matches every name, with or without a dot ([MS-FSA] 2.1.4.4). */
    if (m == 3 && expr[0] == '*' && expr[1] == '.' && expr[2] == '*')
        return true;
    for (j = 0; j < n; j++)
        if (name[j] == '.')
            last_dot = j;

    memset(cur, 0, (m + 1) * sizeof *cur);
    cur[0] = true;
    for (j = 0;; j++) {
        bool at_end = j == n, any = false;
        uint16_t c = at_end ? 0 : name[j];

        /* Moves that consume nothing; they only go forward, so one pass closes the set. */
        for (i = 0; i < m; i++) {
            if (!cur[i])
                continue;
            if (expr[i] == '*' || expr[i] == '<' ||
                (expr[i] == '>' && (at_end || c == '.')) ||
                (expr[i] == '"' && at_end))
                cur[i + 1] = true;
        }
        if (at_end)
            return cur[m];

        memset(next, 0, (m + 1) * sizeof *next);
        for (i = 0; i < m; i++) {
            if (!cur[i])
                continue;
            switch (expr[i]) {
            case '*':
                next[i] = true;
                break;
            case '<':
                if (last_dot == SIZE_MAX || j <= last_dot)
                    next[i] = true;
                break;
            case '>':
                if (c != '.')
                    next[i + 1] = true;
                break;
            case '?':
                next[i + 1] = true;
                break;
            case '"':
                if (c == '.')
                    next[i + 1] = true;
                break;
            default:
                if (expr[i] == c)
                    next[i + 1] = true;
                break;
            }
        }
        for (i = 0; i <= m; i++) {
            cur[i] = next[i];
            any |= next[i];
        }
        if (!any)
            return false;
    }
}

/* What one QueryDirectory walk needs, kept off the stack. */
typedef struct wf_fsd_dir_walk {
    /* First, so that it has malloc's alignment: records are 8-aligned within it. */
    uint64_t buffer[WF_FSD_DIR_BUFFER_SIZE / sizeof(uint64_t)];
    uint16_t pattern[WF_FSD_MAX_PATH_UNITS];
    size_t pattern_units;
    bool match_all;
    bool states[2][WF_FSD_MAX_PATH_UNITS + 1];
    /* The UTF-8 of the longest name a buffer can hold: 3 bytes per UTF-16 unit at most. */
    char name[WF_FSD_DIR_BUFFER_SIZE / 2 * 3 + 1];
} wf_fsd_dir_walk;

static NTSTATUS wf_fsd_dir_walk_pattern(wf_fsd_dir_walk *walk, const char *pattern)
{
    size_t i;

    walk->match_all = pattern == NULL || pattern[0] == '\0' ||
        (pattern[0] == '*' && pattern[1] == '\0');
    if (walk->match_all)
        return STATUS_SUCCESS;
    if (wf_utf8_to_utf16(pattern, strlen(pattern), walk->pattern, WF_FSD_MAX_PATH_UNITS,
            &walk->pattern_units) != STATUS_SUCCESS)
        return STATUS_OBJECT_NAME_INVALID;
    /* A pattern is one name: wildcards are allowed, separators and control codes are not. */
    for (i = 0; i < walk->pattern_units; i++)
        if (walk->pattern[i] < 0x20 || walk->pattern[i] == '\\' || walk->pattern[i] == '/' ||
            walk->pattern[i] == ':' || walk->pattern[i] == '|')
            return STATUS_OBJECT_NAME_INVALID;
    return STATUS_SUCCESS;
}

NTSTATUS wf_fsd_query_directory(wf_fsd_file *file, const char *pattern,
    wf_fsd_dir_entry_fn *entry, void *ctx)
{
    wf_fsd_dir_walk *walk = NULL;
    FSP_FSCTL_TRANSACT_REQ *req = NULL;
    FSP_FSCTL_TRANSACT_RSP rsp;
    const uint8_t *buffer;
    uint64_t marker = 0;
    bool have_marker = false, matched = false, done = false;
    NTSTATUS status;

    if (!file->is_directory)
        return STATUS_INVALID_PARAMETER;
    if (!(file->granted_access & FILE_LIST_DIRECTORY))
        return STATUS_ACCESS_DENIED;

    walk = malloc(sizeof *walk);
    req = wf_fsd_request_new(FspFsctlTransactQueryDirectoryKind);
    if (walk == NULL || req == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto exit;
    }
    status = wf_fsd_dir_walk_pattern(walk, pattern);
    if (status != STATUS_SUCCESS)
        goto exit;
    buffer = (const uint8_t *)walk->buffer;

    while (!done) {
        uint32_t used, offset = 0;
        bool progressed = false;

        memset(req, 0, sizeof *req);
        req->Version = sizeof *req;
        req->Size = sizeof *req;
        req->Kind = FspFsctlTransactQueryDirectoryKind;
        req->Req.QueryDirectory.UserContext = file->user_context;
        req->Req.QueryDirectory.UserContext2 = file->user_context2;
        req->Req.QueryDirectory.Address = (uint64_t)(uintptr_t)walk->buffer;
        req->Req.QueryDirectory.Length = WF_FSD_DIR_BUFFER_SIZE;
        req->Req.QueryDirectory.CaseSensitive = 1;
        /* The volume sets DirectoryMarkerAsNextOffset: the marker is the NextOffset of the
           last entry seen, 8 bytes; absent on the first call. */
        if (have_marker)
            req->Req.QueryDirectory.Marker = wf_fsd_request_append(req, &marker, sizeof marker);

        status = wf_fsd_transact(file->fsd, req, &rsp);
        if (status == STATUS_NO_MORE_FILES || status == STATUS_NO_SUCH_FILE) {
            status = STATUS_SUCCESS;
            break;
        }
        if (status != STATUS_SUCCESS)
            goto exit;
        used = rsp.IoStatus.Information;
        if (used > WF_FSD_DIR_BUFFER_SIZE) {
            status = STATUS_INTERNAL_ERROR;
            goto exit;
        }
        if (used == 0)
            break;

        while (offset + sizeof(uint16_t) <= used) {
            FSP_FSCTL_DIR_INFO info;
            size_t units, name_len;
            const uint16_t *name;

            memcpy(&info.Size, buffer + offset, sizeof info.Size);
            if (info.Size == 0) {
                done = true;        /* the end of the directory */
                break;
            }
            if (info.Size < sizeof info || offset + info.Size > used) {
                status = STATUS_INTERNAL_ERROR;
                goto exit;
            }
            memcpy(&info, buffer + offset, sizeof info);
            name = (const uint16_t *)(const void *)(buffer + offset + sizeof info);
            units = (info.Size - sizeof info) / sizeof(uint16_t);
            marker = info.NextOffset;
            have_marker = true;
            progressed = true;
            offset += (uint32_t)WF_FSD_ALIGN_UP(info.Size);

            if (!walk->match_all && !wf_fsd_name_in_expression(walk->pattern,
                    walk->pattern_units, name, units, walk->states[0], walk->states[1]))
                continue;
            if (wf_utf16_to_utf8(name, units, walk->name, sizeof walk->name - 1, &name_len) !=
                STATUS_SUCCESS) {
                status = STATUS_OBJECT_NAME_INVALID;
                goto exit;
            }
            walk->name[name_len] = '\0';
            matched = true;
            if (!entry(ctx, walk->name, &info.FileInfo))
                goto exit;
        }
        /* A response with bytes but no entry and no end would repeat forever. */
        if (!done && !progressed) {
            status = STATUS_INTERNAL_ERROR;
            goto exit;
        }
    }
    if (!matched)
        status = STATUS_NO_SUCH_FILE;
exit:
    free(req);
    free(walk);
    return status;
}

/* ---- Cleanup and Close ----------------------------------------------------------------- */

NTSTATUS wf_fsd_close(wf_fsd_file *file)
{
    wf_fsd *fsd = file->fsd;
    FSP_FSCTL_TRANSACT_REQ *req;
    FSP_FSCTL_TRANSACT_RSP rsp;
    NTSTATUS cleanup_status = STATUS_INSUFFICIENT_RESOURCES, close_status;
    bool delete_file;

    pthread_mutex_lock(&fsd->lock);
    delete_file = file->share->delete_on_close && file->share->handles == 1;
    pthread_mutex_unlock(&fsd->lock);

    req = wf_fsd_request_new(FspFsctlTransactCleanupKind);
    if (req != NULL) {
        wf_fsd_request_put_name(req, file->name, file->name_units);
        req->Req.Cleanup.UserContext = file->user_context;
        req->Req.Cleanup.UserContext2 = file->user_context2;
        /* Delete-on-close takes effect when the file's last handle goes. */
        req->Req.Cleanup.Delete = delete_file;
        cleanup_status = wf_fsd_transact(fsd, req, &rsp);
        free(req);
    }

    pthread_mutex_lock(&fsd->lock);
    wf_fsd_share_close(fsd, file);
    fsd->open_files--;
    pthread_mutex_unlock(&fsd->lock);

    req = wf_fsd_request_new(FspFsctlTransactCloseKind);
    if (req == NULL) {
        close_status = STATUS_INSUFFICIENT_RESOURCES;
    } else {
        req->Req.Close.UserContext = file->user_context;
        req->Req.Close.UserContext2 = file->user_context2;
        close_status = wf_fsd_transact(fsd, req, &rsp);
        free(req);
    }
    free(file);
    return cleanup_status != STATUS_SUCCESS ? cleanup_status : close_status;
}
