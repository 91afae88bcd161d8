/* fsd.c — the FSD stand-in: builds WinFsp transact requests as WinFsp's FSD and the NT I/O
   manager would (name checks, access checks, share access, delete-pending, rename rules,
   directory enumeration state), and waits for each response. */
#define _POSIX_C_SOURCE 200809L
#include "host/linux/fsd.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/case_fold.h"
#include "engine/ea_map.h"
#include "engine/mappings.h"
#include "engine/reparse_map.h"
#include "engine/security.h"
#include "winfuse/nt_constants.h"

/* The buffer QueryDirectory hands the file system, as WinFsp's FSD does per request. */
#define WF_FSD_DIR_BUFFER_SIZE (16u * 1024u)
/* NTFS's component limit in UTF-16 units; the volume does not tell the stand-in its own. */
#define WF_FSD_MAX_COMPONENT 255u
/* UTF-16 units of a path without its terminating NUL, so that the NUL still fits. */
#define WF_FSD_MAX_PATH_UNITS (FSP_FSCTL_TRANSACT_PATH_SIZEMAX / sizeof(uint16_t) - 1u)
#define WF_FSD_ALIGN_UP(x) (((x) + 7u) & ~(size_t)7u)
/* FILE_WRITE_TO_END_OF_FILE as a 64-bit offset. */
#define WF_FSD_OFFSET_END UINT64_MAX
/* The disposition flags WinFsp's FSD passes on when DELETE is set. */
#define WF_FSD_DISPOSITION_PASSED (FILE_DISPOSITION_DELETE | FILE_DISPOSITION_POSIX_SEMANTICS | \
    FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE)
/* The rename flags WinFsp's FSD passes on. */
#define WF_FSD_RENAME_PASSED (FILE_RENAME_REPLACE_IF_EXISTS | FILE_RENAME_POSIX_SEMANTICS | \
    FILE_RENAME_IGNORE_READONLY_ATTRIBUTE)
/* Req.SetInformation.Info.Rename.AccessToken for ReplaceIfExists when the stand-in has no
   identity: the file system then only looks at whether it is set. */
#define WF_FSD_REPLACE_TOKEN 1u
/* Reparse points on one path at most, as NT allows (its 64th is not followed). */
#define WF_FSD_REPARSES_MAX 63u
/* A path a reparse leads to, in UTF-8: each of its UTF-16 units takes 3 bytes at most. */
#define WF_FSD_REPARSE_PATH_CAP (WF_FSD_MAX_PATH_UNITS * 3u + 1u)
/* The token handle of the stand-in's identity (the low half of its access tokens). */
#define WF_FSD_TOKEN_HANDLE 0x5746u

/* One request waiting for its response; lives on the waiting caller's stack. */
typedef struct wf_fsd_call {
    struct wf_fsd_call *next;
    const wf_fsd_file *file;    /* the handle it works on (for cancellation), or NULL */
    uint64_t hint;
    bool done;
    pthread_cond_t done_cond;
    /* Where the response's Buffer[] goes, for the kinds that answer with one. */
    uint8_t *buffer;
    size_t buffer_cap, buffer_len;
    FSP_FSCTL_TRANSACT_RSP response;    /* last: its Buffer[] is not copied here */
} wf_fsd_call;

/* One open file as WinFsp's FSD keeps it (its FSP_FILE_NODE): the path, shared by all the
   handles to it, the share access state IoCheckShareAccess keeps, and delete-pending. */
typedef struct wf_fsd_node {
    struct wf_fsd_node *next;   /* in fsd->nodes while it can be found by its name */
    bool listed;
    uint32_t handles;           /* file objects on this file, with or without data access */
    uint32_t open_count;        /* those that asked for read, write or delete access */
    uint32_t readers, writers, deleters;
    uint32_t shared_read, shared_write, shared_delete;
    bool is_directory;
    bool delete_pending;        /* the last Cleanup deletes; new opens are refused */
    bool posix_deleted;         /* a POSIX delete removed the name already */
    /* The file size the file system last told (Create, Overwrite, QueryInformation, Write,
       SetInformation, SetEa, FlushBuffers), as WinFsp's FSD keeps it in the node's
       FileSize: reads are clamped to it. */
    bool size_known;
    uint64_t file_size;
    size_t name_units;          /* the path in UTF-16, without the trailing backslash */
    uint16_t name[WF_FSD_MAX_PATH_UNITS];
} wf_fsd_node;

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

struct wf_fsd {
    wf_fsd_submit_fn *submit;
    void *ctx;
    wf_fsd_cancel_fn *cancel;
    void *cancel_ctx;
    uint64_t allocation_unit;
    /* From the volume parameters: names compare without case (CaseSensitiveSearch 0); EAs
       are supported, and keep the case of their names. */
    bool case_insensitive, ea_supported, ea_case_preserved;
    pthread_mutex_t lock;
    uint64_t last_hint;
    wf_fsd_call *calls;
    wf_fsd_node *nodes;
    uint32_t open_files;
    bool has_identity;          /* whom the requests act for (wf_fsd_set_identity) */
    wf_identity identity;
};

struct wf_fsd_file {
    wf_fsd *fsd;
    uint64_t user_context, user_context2;
    uint32_t granted_access;
    bool is_directory;
    /* What this handle counted in its node's share state (read, write, delete; shares). */
    bool share_counted;
    bool access_read, access_write, access_delete;
    bool share_read, share_write, share_delete;
    bool delete_on_close;       /* FILE_DELETE_ON_CLOSE: delete pending at this Cleanup */
    bool posix_delete;          /* a POSIX disposition was set through this handle */
    NTSTATUS disposition_status;    /* a refused delete, answered again without asking */
    wf_fsd_node *node;
    pthread_mutex_t dir_lock;   /* one directory query at a time per handle, as the FSD */
    wf_fsd_dir *dir;
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

/* A name as WinFsp passes it: UTF-16 with a terminating NUL counted in Size. */
static FSP_FSCTL_TRANSACT_BUF wf_fsd_request_append_name(FSP_FSCTL_TRANSACT_REQ *req,
    const uint16_t *name, size_t units)
{
    FSP_FSCTL_TRANSACT_BUF buf;
    uint16_t *dst = (uint16_t *)(void *)(req->Buffer + (req->Size - sizeof *req));
    size_t size = (units + 1) * sizeof(uint16_t);
    memcpy(dst, name, units * sizeof(uint16_t));
    dst[units] = 0;
    buf.Offset = (uint16_t)(req->Size - sizeof *req);
    buf.Size = (uint16_t)size;
    req->Size = (uint16_t)(req->Size + WF_FSD_ALIGN_UP(size));
    return buf;
}

static void wf_fsd_request_put_name(FSP_FSCTL_TRANSACT_REQ *req, const uint16_t *name,
    size_t units)
{
    req->FileName = wf_fsd_request_append_name(req, name, units);
}

/* Submits req and waits for its response. Registers the call before submitting, since the
   response may arrive inside submit. file is the handle the request works on, so that
   wf_fsd_cancel_file finds it. Returns the response's status. */
static NTSTATUS wf_fsd_transact_buffer(wf_fsd *fsd, const wf_fsd_file *file,
    FSP_FSCTL_TRANSACT_REQ *req, FSP_FSCTL_TRANSACT_RSP *rsp, void *buffer, size_t cap,
    size_t *len)
{
    wf_fsd_call call;
    wf_fsd_call **link;

    memset(&call, 0, sizeof call);
    call.file = file;
    call.buffer = buffer;
    call.buffer_cap = cap;
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
    if (len != NULL)
        *len = call.buffer_len;
    /* A response of another kind is not an answer to this request. */
    if (rsp->Kind != req->Kind)
        return STATUS_INTERNAL_ERROR;
    return (NTSTATUS)rsp->IoStatus.Status;
}

static NTSTATUS wf_fsd_transact(wf_fsd *fsd, const wf_fsd_file *file,
    FSP_FSCTL_TRANSACT_REQ *req, FSP_FSCTL_TRANSACT_RSP *rsp)
{
    return wf_fsd_transact_buffer(fsd, file, req, rsp, NULL, 0, NULL);
}

/* Submits req without waiting, as WinFsp's FSD posts Close (src/sys/close.c): nothing can
   fail for the caller once the handle is gone, and the response, matching no waiter, is
   dropped. */
static NTSTATUS wf_fsd_post(wf_fsd *fsd, FSP_FSCTL_TRANSACT_REQ *req)
{
    pthread_mutex_lock(&fsd->lock);
    req->Hint = ++fsd->last_hint;
    pthread_mutex_unlock(&fsd->lock);
    fsd->submit(fsd->ctx, req);
    return STATUS_SUCCESS;
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
        /* The Buffer[] the response's Size covers, as much as the waiter has room for. */
        if (call->buffer != NULL && response->Size > sizeof *response) {
            size_t n = response->Size - sizeof *response;
            call->buffer_len = n < call->buffer_cap ? n : call->buffer_cap;
            memcpy(call->buffer, response->Buffer, call->buffer_len);
        }
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
    fsd->allocation_unit = 1;
    pthread_mutex_init(&fsd->lock, NULL);
    return fsd;
}

void wf_fsd_set_identity(wf_fsd *fsd, const wf_identity *identity)
{
    pthread_mutex_lock(&fsd->lock);
    fsd->has_identity = identity != NULL;
    if (identity != NULL)
        fsd->identity = *identity;
    pthread_mutex_unlock(&fsd->lock);
}

bool wf_fsd_resolve_token(wf_fsd *fsd, uint64_t token, wf_identity *identity)
{
    bool known;
    uint32_t pid = identity->pid;

    if (FSP_FSCTL_TRANSACT_REQ_TOKEN_HANDLE(token) != WF_FSD_TOKEN_HANDLE)
        return false;
    pthread_mutex_lock(&fsd->lock);
    known = fsd->has_identity;
    if (known) {
        *identity = fsd->identity;
        identity->pid = pid;
    }
    pthread_mutex_unlock(&fsd->lock);
    return known;
}

/* The access token the stand-in's requests carry: this process and the identity's handle;
   0 without an identity. */
static uint64_t wf_fsd_token(wf_fsd *fsd)
{
    bool known;
    pthread_mutex_lock(&fsd->lock);
    known = fsd->has_identity;
    pthread_mutex_unlock(&fsd->lock);
    return known ? WF_FSP_ACCESS_TOKEN((uint32_t)getpid(), WF_FSD_TOKEN_HANDLE) : 0;
}

void wf_fsd_delete(wf_fsd *fsd)
{
    if (fsd == NULL)
        return;
    while (fsd->nodes != NULL) {
        wf_fsd_node *node = fsd->nodes;
        fsd->nodes = node->next;
        free(node);
    }
    pthread_mutex_destroy(&fsd->lock);
    free(fsd);
}

void wf_fsd_set_volume_params(wf_fsd *fsd, const FSP_FSCTL_VOLUME_PARAMS *params)
{
    uint64_t unit = (uint64_t)params->SectorSize * params->SectorsPerAllocationUnit;
    pthread_mutex_lock(&fsd->lock);
    fsd->allocation_unit = unit != 0 ? unit : 1;
    fsd->case_insensitive = !params->CaseSensitiveSearch;
    fsd->ea_supported = params->ExtendedAttributes;
    fsd->ea_case_preserved = params->CasePreservedExtendedAttributes;
    pthread_mutex_unlock(&fsd->lock);
}

void wf_fsd_set_cancel(wf_fsd *fsd, wf_fsd_cancel_fn *cancel, void *ctx)
{
    pthread_mutex_lock(&fsd->lock);
    fsd->cancel = cancel;
    fsd->cancel_ctx = ctx;
    pthread_mutex_unlock(&fsd->lock);
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

/* UTF-16 units equal, under case folding when fold (a case-insensitive volume: NT's upcase
   table, of which the engine's folding covers the common alphabets). */
static bool wf_fsd_units_equal(bool fold, const uint16_t *a, const uint16_t *b, size_t units)
{
    size_t i;
    if (!fold)
        return memcmp(a, b, units * sizeof(uint16_t)) == 0;
    for (i = 0; i < units; i++)
        if (a[i] != b[i] && wf_fold_char(a[i]) != wf_fold_char(b[i]))
            return false;
    return true;
}

static bool wf_fsd_name_equal(bool fold, const uint16_t *a, size_t a_units, const uint16_t *b,
    size_t b_units)
{
    return a_units == b_units && wf_fsd_units_equal(fold, a, b, a_units);
}

/* True when name lies strictly below the directory dir. */
static bool wf_fsd_name_below(bool fold, const uint16_t *name, size_t units,
    const uint16_t *dir, size_t dir_units)
{
    if (dir_units == 1)
        return units > 1;
    return units > dir_units && wf_fsd_units_equal(fold, name, dir, dir_units) &&
        name[dir_units] == '\\';
}

/* ---- open files: share access and delete-pending --------------------------------------- */

static wf_fsd_node *wf_fsd_node_find(wf_fsd *fsd, const uint16_t *name, size_t units)
{
    wf_fsd_node *node;
    for (node = fsd->nodes; node != NULL; node = node->next)
        if (wf_fsd_name_equal(fsd->case_insensitive, node->name, node->name_units, name, units))
            return node;
    return NULL;
}

/* Takes node out of the name table: it lives on for its handles, but new opens of its
   name meet a new node (after a deletion, or when a rename replaced it). */
static void wf_fsd_node_unlist(wf_fsd *fsd, wf_fsd_node *node)
{
    wf_fsd_node **link;
    if (!node->listed)
        return;
    for (link = &fsd->nodes; *link != node; link = &(*link)->next)
        ;
    *link = node->next;
    node->next = NULL;
    node->listed = false;
}

/* IoCheckShareAccess: whether access with these shares conflicts with node's handles. */
static bool wf_fsd_share_conflicts(const wf_fsd_node *node, uint32_t access,
    uint32_t share_access)
{
    bool read = (access & (FILE_READ_DATA | FILE_EXECUTE)) != 0;
    bool write = (access & (FILE_WRITE_DATA | FILE_APPEND_DATA)) != 0;
    bool del = (access & DELETE) != 0;

    /* Handles that touch neither data nor existence take part in no sharing decision. */
    if (!read && !write && !del)
        return false;
    return (read && node->shared_read < node->open_count) ||
        (write && node->shared_write < node->open_count) ||
        (del && node->shared_delete < node->open_count) ||
        (node->readers != 0 && !(share_access & FILE_SHARE_READ)) ||
        (node->writers != 0 && !(share_access & FILE_SHARE_WRITE)) ||
        (node->deleters != 0 && !(share_access & FILE_SHARE_DELETE));
}

/* What WinFsp's FspFileNodeOpen does once the file system has opened the file: find the
   file's node by name (or make one), refuse a delete-pending file, check then set share
   access. extra_access takes part in the check only (overwrite and supersede change the
   data whatever was granted, WinFsp #364). Called with fsd->lock held. */
static NTSTATUS wf_fsd_node_open(wf_fsd *fsd, wf_fsd_file *file, const uint16_t *name,
    size_t units, uint32_t access, uint32_t extra_access, uint32_t share_access,
    bool is_directory)
{
    wf_fsd_node *node = wf_fsd_node_find(fsd, name, units);

    if (node != NULL) {
        if (node->delete_pending)
            return STATUS_DELETE_PENDING;
        if ((extra_access != 0 &&
                wf_fsd_share_conflicts(node, access | extra_access, share_access)) ||
            wf_fsd_share_conflicts(node, access, share_access))
            return STATUS_SHARING_VIOLATION;
    } else {
        node = calloc(1, sizeof *node);
        if (node == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
        node->is_directory = is_directory;
        node->name_units = units;
        memcpy(node->name, name, units * sizeof(uint16_t));
        node->listed = true;
        node->next = fsd->nodes;
        fsd->nodes = node;
    }

    file->access_read = (access & (FILE_READ_DATA | FILE_EXECUTE)) != 0;
    file->access_write = (access & (FILE_WRITE_DATA | FILE_APPEND_DATA)) != 0;
    file->access_delete = (access & DELETE) != 0;
    file->share_read = (share_access & FILE_SHARE_READ) != 0;
    file->share_write = (share_access & FILE_SHARE_WRITE) != 0;
    file->share_delete = (share_access & FILE_SHARE_DELETE) != 0;
    file->share_counted = file->access_read || file->access_write || file->access_delete;

    node->handles++;
    if (file->share_counted) {
        node->open_count++;
        node->readers += file->access_read;
        node->writers += file->access_write;
        node->deleters += file->access_delete;
        node->shared_read += file->share_read;
        node->shared_write += file->share_write;
        node->shared_delete += file->share_delete;
    }
    file->node = node;
    return STATUS_SUCCESS;
}

/* IoRemoveShareAccess; the node goes with its last handle. Called with fsd->lock held. */
static void wf_fsd_node_close(wf_fsd *fsd, wf_fsd_file *file)
{
    wf_fsd_node *node = file->node;

    if (file->share_counted) {
        node->open_count--;
        node->readers -= file->access_read;
        node->writers -= file->access_write;
        node->deleters -= file->access_delete;
        node->shared_read -= file->share_read;
        node->shared_write -= file->share_write;
        node->shared_delete -= file->share_delete;
    }
    if (--node->handles == 0) {
        wf_fsd_node_unlist(fsd, node);
        free(node);
    }
    file->node = NULL;
}

/* The request's FileName: the path of the file the handle is open on, read under the lock
   since a rename through another handle may change it. */
static void wf_fsd_request_put_file_name(FSP_FSCTL_TRANSACT_REQ *req, wf_fsd_file *file)
{
    wf_fsd *fsd = file->fsd;
    pthread_mutex_lock(&fsd->lock);
    wf_fsd_request_put_name(req, file->node->name, file->node->name_units);
    pthread_mutex_unlock(&fsd->lock);
}

/* What the file system just said of the file: its size, for the reads to come. */
static void wf_fsd_learn_size(wf_fsd_file *file, const FSP_FSCTL_FILE_INFO *info)
{
    wf_fsd *fsd = file->fsd;
    pthread_mutex_lock(&fsd->lock);
    if (file->node != NULL && !file->is_directory) {
        file->node->size_known = true;
        file->node->file_size = info->FileSize;
    }
    pthread_mutex_unlock(&fsd->lock);
}

/* ---- Create ---------------------------------------------------------------------------- */

/* The checks NtCreateFile and WinFsp's FSD make before any request is built. */
static NTSTATUS wf_fsd_check_create(uint32_t desired_access, uint32_t share_access,
    uint32_t disposition, uint32_t options, uint32_t flags)
{
    if (disposition > FILE_MAXIMUM_DISPOSITION || (options & ~FILE_VALID_OPTION_FLAGS) ||
        (share_access & ~FILE_SHARE_VALID_FLAGS) || (flags & ~WF_FSD_OPEN_TARGET_DIRECTORY))
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

/* Undoes the file system's open with a Close alone, as WinFsp's FSD does when it refuses
   an open the file system granted: the handle never existed, so there is nothing to clean
   up. */
static void wf_fsd_post_close(wf_fsd *fsd, uint64_t user_context, uint64_t user_context2)
{
    FSP_FSCTL_TRANSACT_RSP rsp;
    FSP_FSCTL_TRANSACT_REQ *req = wf_fsd_request_new(FspFsctlTransactCloseKind);
    if (req == NULL)
        return;
    req->Req.Close.UserContext = user_context;
    req->Req.Close.UserContext2 = user_context2;
    wf_fsd_transact(fsd, NULL, req, &rsp);
    free(req);
}

/* The Overwrite request WinFsp's FSD sends after the file system answered a Create with
   FILE_OVERWRITTEN or FILE_SUPERSEDED. On failure the file system has closed the file
   itself (WinFsp's contract), so nothing else is sent. */
static NTSTATUS wf_fsd_overwrite(wf_fsd_file *file, FSP_FSCTL_TRANSACT_REQ *req,
    uint32_t file_attributes, uint64_t allocation_size, bool supersede)
{
    FSP_FSCTL_TRANSACT_RSP rsp;
    /* The Create's EA buffer stays where it is in the request, and Overwrite names it. */
    uint16_t size = req->Size;
    FSP_FSCTL_TRANSACT_BUF ea = req->Req.Create.EaIsReparsePoint ?
        (FSP_FSCTL_TRANSACT_BUF){ 0, 0 } : req->Req.Create.Ea;

    memset(req, 0, sizeof *req);
    req->Version = sizeof *req;
    req->Size = ea.Size ? size : sizeof *req;
    req->Req.Overwrite.Ea = ea;
    req->Kind = FspFsctlTransactOverwriteKind;
    req->Req.Overwrite.UserContext = file->user_context;
    req->Req.Overwrite.UserContext2 = file->user_context2;
    req->Req.Overwrite.FileAttributes = file_attributes;
    req->Req.Overwrite.AllocationSize = allocation_size;
    req->Req.Overwrite.Supersede = supersede;
    NTSTATUS status = wf_fsd_transact(file->fsd, file, req, &rsp);
    if (status == STATUS_SUCCESS)
        wf_fsd_learn_size(file, &rsp.Rsp.Overwrite.FileInfo);
    return status;
}

NTSTATUS wf_fsd_create_file(wf_fsd *fsd, const char *path,
    uint32_t desired_access, uint32_t file_attributes, uint32_t share_access,
    uint32_t create_disposition, uint32_t create_options, uint64_t allocation_size,
    wf_fsd_file **file, uint32_t *information)
{
    return wf_fsd_create_file_ex(fsd, path, desired_access, file_attributes, share_access,
        create_disposition, create_options, allocation_size, 0, file, information);
}

/* An EA buffer for a Create, as the I/O manager and WinFsp's FSD check it. */
static NTSTATUS wf_fsd_check_create_ea(wf_fsd *fsd, const void *ea, uint32_t ea_length,
    uint32_t create_options)
{
    uint32_t error_offset;
    if (ea_length == 0)
        return STATUS_SUCCESS;
    if (!fsd->ea_supported)
        return STATUS_EAS_NOT_SUPPORTED;
    if (create_options & FILE_NO_EA_KNOWLEDGE)
        return STATUS_ACCESS_DENIED;
    return wf_ea_check(ea, ea_length, &error_offset);
}

/* What the I/O manager does with a Create's STATUS_REPARSE: the path to open instead, in
   UTF-8, or why there is none. WinFsp's FSD hands on a symbolic link's substitute name,
   prefixed with the volume's name when it is SYMLINK_FLAG_RELATIVE (a path from this
   volume's root), as it is; the stand-in has no other volume, so only the first kind can
   be followed. A tag other than IO_REPARSE_TAG_SYMLINK has no handler here, as on a stock
   Windows for the NFS tag: STATUS_IO_REPARSE_TAG_NOT_HANDLED. */
static NTSTATUS wf_fsd_reparse_path(const FSP_FSCTL_TRANSACT_RSP *rsp, const uint8_t *buffer,
    size_t len, char *path, size_t cap)
{
    const FSP_FSCTL_TRANSACT_BUF *data = &rsp->Rsp.Create.Reparse.Buffer;
    uint16_t *target;
    size_t units, n;
    uint32_t flags;
    NTSTATUS status;

    if (rsp->IoStatus.Information != IO_REPARSE_TAG_SYMLINK)
        return rsp->IoStatus.Information == 0 /* IO_REPARSE: a device path */ ?
            STATUS_REPARSE_POINT_NOT_RESOLVED : STATUS_IO_REPARSE_TAG_NOT_HANDLED;
    if ((size_t)data->Offset + data->Size > len ||
        wf_reparse_validate(buffer + data->Offset, data->Size) != STATUS_SUCCESS)
        return STATUS_REPARSE_POINT_NOT_RESOLVED;
    target = malloc(WF_FSD_MAX_PATH_UNITS * sizeof *target);
    if (target == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = wf_reparse_get_symlink(buffer + data->Offset, data->Size, target,
        WF_FSD_MAX_PATH_UNITS, &units, &flags);
    if (status != STATUS_SUCCESS || !(flags & SYMLINK_FLAG_RELATIVE) || units == 0 ||
        target[0] != '\\' ||
        wf_utf16_to_utf8(target, units, path, cap - 1, &n) != STATUS_SUCCESS)
        status = STATUS_REPARSE_POINT_NOT_RESOLVED;
    else
        path[n] = '\0';
    free(target);
    return status;
}

/* One Create; STATUS_REPARSE leaves the path to open instead in reparse_path. */
static NTSTATUS wf_fsd_create_once(wf_fsd *fsd, const char *path,
    uint32_t desired_access, uint32_t file_attributes, uint32_t share_access,
    uint32_t create_disposition, uint32_t create_options, uint64_t allocation_size,
    uint32_t flags, const void *ea, uint32_t ea_length, const void *sd, uint32_t sd_length,
    wf_fsd_file **file, uint32_t *information, uint8_t *reparse, char *reparse_path,
    size_t reparse_cap)
{
    size_t reparse_len = 0;
    uint16_t name[WF_FSD_MAX_PATH_UNITS];
    size_t units = 0, node_units;
    bool trailing, target_directory = (flags & WF_FSD_OPEN_TARGET_DIRECTORY) != 0;
    bool opened = false, overwrite;
    uint32_t access, create_attributes, extra_access = 0, result;
    FSP_FSCTL_TRANSACT_REQ *req = NULL;
    FSP_FSCTL_TRANSACT_RSP rsp;
    wf_fsd_file *f = NULL;
    NTSTATUS status;

    *file = NULL;
    if (information != NULL)
        *information = 0;

    status = wf_fsd_check_create(desired_access, share_access, create_disposition,
        create_options, flags);
    if (status == STATUS_SUCCESS)
        status = wf_fsd_check_create_ea(fsd, ea, ea_length, create_options);
    /* The I/O manager captures the caller's descriptor: a malformed one goes no further. */
    if (status == STATUS_SUCCESS && sd_length != 0 && wf_sd_validate(sd, sd_length) !=
            STATUS_SUCCESS)
        status = STATUS_INVALID_SECURITY_DESCR;
    if (status != STATUS_SUCCESS)
        goto exit;
    status = wf_fsd_parse_path(path, name, &units, &trailing);
    if (status != STATUS_SUCCESS)
        goto exit;
    /* The root cannot be created, replaced, or be the target of a rename. */
    if (units == 1 && (target_directory ||
            (create_disposition != FILE_OPEN && create_disposition != FILE_OPEN_IF))) {
        status = STATUS_ACCESS_DENIED;
        goto exit;
    }
    if (units == 1 && (create_options & FILE_DELETE_ON_CLOSE)) {
        status = STATUS_CANNOT_DELETE;
        goto exit;
    }
    /* The request names the last component; the handle is open on its parent. */
    node_units = units;
    if (target_directory) {
        while (node_units > 1 && name[node_units - 1] != '\\')
            node_units--;
        if (node_units > 1)
            node_units--;
    }

    access = wf_map_generic_access(desired_access);  /* as the I/O manager */
    /* WinFsp passes only the attributes a new file can take; DIRECTORY follows the option. */
    create_attributes = file_attributes & ~(FILE_ATTRIBUTE_NORMAL | FILE_ATTRIBUTE_DIRECTORY |
        FILE_ATTRIBUTE_REPARSE_POINT);
    if (create_options & FILE_DIRECTORY_FILE)
        create_attributes |= FILE_ATTRIBUTE_DIRECTORY;

    req = wf_fsd_request_new(FspFsctlTransactCreateKind);
    f = calloc(1, sizeof *f);
    if (f != NULL)
        pthread_mutex_init(&f->dir_lock, NULL);
    if (req == NULL || f == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto exit;
    }
    wf_fsd_request_put_name(req, name, units);
    /* WinFsp's FSD lays the descriptor out after the name, and the EA buffer after it. */
    if (sd_length) {
        if (req->Size + (size_t)sd_length > FSP_FSCTL_TRANSACT_REQ_SIZEMAX) {
            status = STATUS_INVALID_PARAMETER;
            goto exit;
        }
        req->Req.Create.SecurityDescriptor = wf_fsd_request_append(req, sd, sd_length);
    }
    if (ea_length) {
        /* WinFsp's FSD: a request that cannot hold it is an invalid parameter. */
        if (req->Size + (size_t)ea_length > FSP_FSCTL_TRANSACT_REQ_SIZEMAX) {
            status = STATUS_INVALID_PARAMETER;
            goto exit;
        }
        req->Req.Create.Ea = wf_fsd_request_append(req, ea, ea_length);
    }
    req->Req.Create.CreateOptions = (create_disposition << 24) | (create_options & 0xffffffu);
    req->Req.Create.FileAttributes = create_attributes;
    req->Req.Create.AllocationSize = allocation_size;
    /* The caller's token; HasTraversePrivilege stays clear (Windows gives everyone bypass
       traverse checking; the stand-in's callers are traverse-checked, as on Linux). */
    req->Req.Create.AccessToken = wf_fsd_token(fsd);
    req->Req.Create.DesiredAccess = access;
    req->Req.Create.GrantedAccess = 0;
    req->Req.Create.ShareAccess = share_access;
    req->Req.Create.UserMode = 1;
    req->Req.Create.OpenTargetDirectory = target_directory;
    req->Req.Create.CaseSensitive = !fsd->case_insensitive;
    req->Req.Create.HasTrailingBackslash = trailing;

    status = wf_fsd_transact_buffer(fsd, NULL, req, &rsp, reparse,
        FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX, &reparse_len);
    if (status == STATUS_REPARSE) {
        status = wf_fsd_reparse_path(&rsp, reparse, reparse_len, reparse_path, reparse_cap);
        if (status == STATUS_SUCCESS)
            status = STATUS_REPARSE;
    }
    if (status != STATUS_SUCCESS)
        goto exit;

    f->fsd = fsd;
    f->user_context = rsp.Rsp.Create.Opened.UserContext;
    f->user_context2 = rsp.Rsp.Create.Opened.UserContext2;
    f->granted_access = rsp.Rsp.Create.Opened.GrantedAccess;
    f->is_directory = (rsp.Rsp.Create.Opened.FileInfo.FileAttributes &
        FILE_ATTRIBUTE_DIRECTORY) != 0;
    f->delete_on_close = (create_options & FILE_DELETE_ON_CLOSE) != 0;
    f->disposition_status = STATUS_SUCCESS;
    result = rsp.IoStatus.Information;
    overwrite = !target_directory && (result == FILE_OVERWRITTEN || result == FILE_SUPERSEDED);

    if (create_disposition == FILE_OVERWRITE || create_disposition == FILE_OVERWRITE_IF)
        extra_access = FILE_WRITE_DATA;
    else if (create_disposition == FILE_SUPERSEDE)
        extra_access = DELETE;
    pthread_mutex_lock(&fsd->lock);
    status = wf_fsd_node_open(fsd, f, name, node_units, f->granted_access, extra_access,
        share_access, target_directory || f->is_directory);
    if (status == STATUS_SUCCESS) {
        fsd->open_files++;
        opened = true;
        if (!f->is_directory) {
            f->node->size_known = true;
            f->node->file_size = rsp.Rsp.Create.Opened.FileInfo.FileSize;
        }
    }
    pthread_mutex_unlock(&fsd->lock);
    if (status != STATUS_SUCCESS) {
        wf_fsd_post_close(fsd, f->user_context, f->user_context2);
        goto exit;
    }

    if (overwrite) {
        /* The replaced file keeps the attributes it has, less NORMAL and DIRECTORY. */
        uint32_t overwrite_attributes = file_attributes &
            ~(FILE_ATTRIBUTE_NORMAL | FILE_ATTRIBUTE_DIRECTORY);
        uint32_t existing = rsp.Rsp.Create.Opened.FileInfo.FileAttributes;
        if (f->is_directory)
            overwrite_attributes |= FILE_ATTRIBUTE_DIRECTORY;
        /* NTFS refuses to overwrite a hidden or system file unless the caller says so. */
        if (((existing & FILE_ATTRIBUTE_HIDDEN) &&
                !(overwrite_attributes & FILE_ATTRIBUTE_HIDDEN)) ||
            ((existing & FILE_ATTRIBUTE_SYSTEM) &&
                !(overwrite_attributes & FILE_ATTRIBUTE_SYSTEM))) {
            wf_fsd_post_close(fsd, f->user_context, f->user_context2);
            status = STATUS_ACCESS_DENIED;
            goto exit;
        }
        status = wf_fsd_overwrite(f, req, overwrite_attributes, allocation_size,
            result == FILE_SUPERSEDED);
        if (status != STATUS_SUCCESS)
            goto exit;
    }

    if (information != NULL)
        *information = result;
    *file = f;
    f = NULL;
exit:
    if (f != NULL) {
        if (opened) {
            pthread_mutex_lock(&fsd->lock);
            wf_fsd_node_close(fsd, f);
            fsd->open_files--;
            pthread_mutex_unlock(&fsd->lock);
        }
        pthread_mutex_destroy(&f->dir_lock);
    }
    free(f);
    free(req);
    return status;
}

/* NtCreateFile: a Create, and again at the new path each time the file system answers
   STATUS_REPARSE (a symbolic link on the way), as the I/O manager does, up to NT's limit
   of reparse points on a path. */
static NTSTATUS wf_fsd_create_common(wf_fsd *fsd, const char *path,
    uint32_t desired_access, uint32_t file_attributes, uint32_t share_access,
    uint32_t create_disposition, uint32_t create_options, uint64_t allocation_size,
    uint32_t flags, const void *ea, uint32_t ea_length, const void *sd, uint32_t sd_length,
    wf_fsd_file **file, uint32_t *information)
{
    uint8_t *reparse = malloc(FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX);
    char *paths = malloc(2 * WF_FSD_REPARSE_PATH_CAP);
    NTSTATUS status = STATUS_INSUFFICIENT_RESOURCES;
    unsigned reparses;

    *file = NULL;
    if (information != NULL)
        *information = 0;
    for (reparses = 0; reparse != NULL && paths != NULL; reparses++) {
        /* The new path goes into the half of paths the current one is not in. */
        char *next = paths + (reparses % 2) * WF_FSD_REPARSE_PATH_CAP;
        if (reparses > WF_FSD_REPARSES_MAX) {
            status = STATUS_REPARSE_POINT_NOT_RESOLVED;
            break;
        }
        status = wf_fsd_create_once(fsd, path, desired_access, file_attributes, share_access,
            create_disposition, create_options, allocation_size, flags, ea, ea_length, sd,
            sd_length, file, information, reparse, next, WF_FSD_REPARSE_PATH_CAP);
        if (status != STATUS_REPARSE)
            break;
        path = next;
    }
    free(paths);
    free(reparse);
    return status;
}

NTSTATUS wf_fsd_create_file_ex(wf_fsd *fsd, const char *path,
    uint32_t desired_access, uint32_t file_attributes, uint32_t share_access,
    uint32_t create_disposition, uint32_t create_options, uint64_t allocation_size,
    uint32_t flags, wf_fsd_file **file, uint32_t *information)
{
    return wf_fsd_create_common(fsd, path, desired_access, file_attributes, share_access,
        create_disposition, create_options, allocation_size, flags, NULL, 0, NULL, 0, file,
        information);
}

NTSTATUS wf_fsd_create_file_ea(wf_fsd *fsd, const char *path,
    uint32_t desired_access, uint32_t file_attributes, uint32_t share_access,
    uint32_t create_disposition, uint32_t create_options, uint64_t allocation_size,
    const void *ea, uint32_t ea_length, wf_fsd_file **file, uint32_t *information)
{
    return wf_fsd_create_common(fsd, path, desired_access, file_attributes, share_access,
        create_disposition, create_options, allocation_size, 0, ea, ea_length, NULL, 0, file,
        information);
}

NTSTATUS wf_fsd_create_file_sd(wf_fsd *fsd, const char *path,
    uint32_t desired_access, uint32_t file_attributes, uint32_t share_access,
    uint32_t create_disposition, uint32_t create_options, uint64_t allocation_size,
    const void *sd, uint32_t sd_length, wf_fsd_file **file, uint32_t *information)
{
    return wf_fsd_create_common(fsd, path, desired_access, file_attributes, share_access,
        create_disposition, create_options, allocation_size, 0, NULL, 0, sd, sd_length, file,
        information);
}

/* ---- Extended attributes --------------------------------------------------------------- */

NTSTATUS wf_fsd_query_ea(wf_fsd_file *file, void *buffer, uint32_t length, uint32_t *bytes)
{
    wf_fsd *fsd = file->fsd;
    FSP_FSCTL_TRANSACT_REQ *req;
    FSP_FSCTL_TRANSACT_RSP rsp;
    uint8_t *list = NULL, *out = buffer;
    size_t list_len = 0;
    uint32_t pos, used = 0, last = WF_EA_NONE, error_offset;
    bool all = true;
    wf_ea_view ea;
    NTSTATUS status;

    *bytes = 0;
    if (!fsd->ea_supported)
        return STATUS_INVALID_DEVICE_REQUEST;   /* WinFsp: "do we support Ea?" */
    if (!(file->granted_access & FILE_READ_EA))
        return STATUS_ACCESS_DENIED;            /* NtQueryEaFile checks the handle's access */
    req = wf_fsd_request_new(FspFsctlTransactQueryEaKind);
    list = malloc(FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX);
    if (req == NULL || list == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto exit;
    }
    req->Req.QueryEa.UserContext = file->user_context;
    req->Req.QueryEa.UserContext2 = file->user_context2;
    status = wf_fsd_transact_buffer(fsd, file, req, &rsp, list,
        FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX, &list_len);
    if (status != STATUS_SUCCESS)
        goto exit;
    /* The list must lie within the response; its last entry may link on (WinFsp allows
       that of a file system, and ends the list there). */
    if (rsp.Rsp.QueryEa.Ea.Offset != 0 || rsp.Rsp.QueryEa.Ea.Size > list_len) {
        status = STATUS_EA_LIST_INCONSISTENT;
        goto exit;
    }
    list_len = rsp.Rsp.QueryEa.Ea.Size;
    for (pos = 0; pos < list_len;) {
        uint32_t at = pos;
        if (!wf_ea_next(list, (uint32_t)list_len, &pos, &ea))
            break;
        if (pos >= list_len)
            memset(list + at, 0, 4);
    }
    status = wf_ea_check(list, (uint32_t)list_len, &error_offset);
    if (status != STATUS_SUCCESS) {
        status = STATUS_EA_LIST_INCONSISTENT;
        goto exit;
    }
    /* NtQueryEaFile of the whole list from the start: as many entries as fit. */
    for (pos = 0; pos < list_len && wf_ea_next(list, (uint32_t)list_len, &pos, &ea);) {
        uint32_t entry, value_at, room;
        if (!wf_ea_begin(out, length, used, ea.name, ea.name_len, &entry, &value_at, &room) ||
            room < ea.value_len) {
            all = false;
            break;
        }
        if (!fsd->ea_case_preserved)
            for (uint32_t i = 0; i < ea.name_len; i++)
                if (out[entry + WF_EA_HEADER_SIZE + i] >= 'a' &&
                    out[entry + WF_EA_HEADER_SIZE + i] <= 'z')
                    out[entry + WF_EA_HEADER_SIZE + i] -= 'a' - 'A';
        memcpy(out + value_at, ea.value, ea.value_len);
        wf_ea_end(out, entry, ea.name_len, ea.value_len, &used, &last);
        out[entry + 4] = ea.flags;
    }
    *bytes = used;
    if (list_len == 0)
        status = STATUS_NO_EAS_ON_FILE;
    else if (used == 0)
        status = STATUS_BUFFER_TOO_SMALL;
    else if (!all)
        status = STATUS_BUFFER_OVERFLOW;
exit:
    free(list);
    free(req);
    return status;
}

NTSTATUS wf_fsd_set_ea(wf_fsd_file *file, const void *buffer, uint32_t length,
    FSP_FSCTL_FILE_INFO *info)
{
    wf_fsd *fsd = file->fsd;
    FSP_FSCTL_TRANSACT_REQ *req;
    FSP_FSCTL_TRANSACT_RSP rsp;
    uint32_t error_offset;
    NTSTATUS status;

    if (info != NULL)
        memset(info, 0, sizeof *info);
    if (!fsd->ea_supported)
        return STATUS_INVALID_DEVICE_REQUEST;
    /* NtSetEaFile checks the handle's access; the FSD the list. */
    if (!(file->granted_access & FILE_WRITE_EA))
        return STATUS_ACCESS_DENIED;
    status = wf_ea_check(buffer, length, &error_offset);
    if (status != STATUS_SUCCESS)
        return status;
    if (sizeof(FSP_FSCTL_TRANSACT_REQ) + (size_t)length > FSP_FSCTL_TRANSACT_REQ_SIZEMAX)
        return STATUS_INVALID_PARAMETER;
    req = wf_fsd_request_new(FspFsctlTransactSetEaKind);
    if (req == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    req->Req.SetEa.UserContext = file->user_context;
    req->Req.SetEa.UserContext2 = file->user_context2;
    req->Req.SetEa.Ea = wf_fsd_request_append(req, buffer, length);
    status = wf_fsd_transact(fsd, file, req, &rsp);
    if (status == STATUS_SUCCESS)
        wf_fsd_learn_size(file, &rsp.Rsp.SetEa.FileInfo);
    if (status == STATUS_SUCCESS && info != NULL)
        *info = rsp.Rsp.SetEa.FileInfo;
    free(req);
    return status;
}

/* ---- Security -------------------------------------------------------------------------- */

/* SE_* control bits of a security descriptor (MS-DTYP 2.4.6), by the part they go with. */
#define WF_FSD_SE_OWNER_DEFAULTED 0x0001u
#define WF_FSD_SE_GROUP_DEFAULTED 0x0002u
#define WF_FSD_SE_DACL_PRESENT 0x0004u
#define WF_FSD_SE_SACL_PRESENT 0x0010u
#define WF_FSD_SE_DACL_BITS 0x150Cu     /* PRESENT, DEFAULTED, AUTO_INHERIT_REQ/ED, PROTECTED */
#define WF_FSD_SE_SACL_BITS 0x2A30u     /* the same for the SACL */
#define WF_FSD_SE_SELF_RELATIVE 0x8000u
/* LABEL_SECURITY_INFORMATION: the mandatory label, in the SACL but guarded as the owner. */
#define WF_FSD_LABEL_SECURITY_INFORMATION 0x10u

static uint32_t wf_fsd_le16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t wf_fsd_le32(const uint8_t *p)
{
    return wf_fsd_le16(p) | wf_fsd_le16(p + 2) << 16;
}

static void wf_fsd_put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* What SeQuerySecurityDescriptorInfo hands the caller: the parts of sd (checked by
   wf_sd_validate) that info selects, as a new self-relative descriptor, laid out owner,
   group, SACL, DACL. *bytes is its size, also when it does not fit (STATUS_BUFFER_TOO_SMALL:
   NtQuerySecurityObject's LengthNeeded). */
static NTSTATUS wf_fsd_select_security(const uint8_t *sd, uint32_t info, uint8_t *out,
    uint32_t cap, uint32_t *bytes)
{
    uint32_t control = wf_fsd_le16(sd + 2), out_control = WF_FSD_SE_SELF_RELATIVE;
    /* header offsets of owner, group, SACL, DACL; their sizes */
    uint32_t at[4] = { 4, 8, 12, 16 }, off[4] = { 0, 0, 0, 0 }, size[4] = { 0, 0, 0, 0 };
    uint32_t pos = 20, i;

    if (info & OWNER_SECURITY_INFORMATION) {
        off[0] = wf_fsd_le32(sd + 4);
        out_control |= control & WF_FSD_SE_OWNER_DEFAULTED;
    }
    if (info & GROUP_SECURITY_INFORMATION) {
        off[1] = wf_fsd_le32(sd + 8);
        out_control |= control & WF_FSD_SE_GROUP_DEFAULTED;
    }
    if ((info & SACL_SECURITY_INFORMATION) && (control & WF_FSD_SE_SACL_PRESENT)) {
        off[2] = wf_fsd_le32(sd + 12);
        out_control |= control & WF_FSD_SE_SACL_BITS;
    }
    if ((info & DACL_SECURITY_INFORMATION) && (control & WF_FSD_SE_DACL_PRESENT)) {
        off[3] = wf_fsd_le32(sd + 16);
        out_control |= control & WF_FSD_SE_DACL_BITS;
    }
    for (i = 0; i < 4; i++)
        if (off[i] != 0)
            size[i] = i < 2 ? 8u + 4u * sd[off[i] + 1] : wf_fsd_le16(sd + off[i] + 2);
    *bytes = pos + size[0] + size[1] + size[2] + size[3];
    if (out == NULL || cap < *bytes)
        return STATUS_BUFFER_TOO_SMALL;
    memset(out, 0, 20);
    out[0] = 1;
    out[2] = (uint8_t)out_control;
    out[3] = (uint8_t)(out_control >> 8);
    for (i = 0; i < 4; i++) {
        if (off[i] == 0)
            continue;
        memcpy(out + pos, sd + off[i], size[i]);
        wf_fsd_put_le32(out + at[i], pos);
        pos += size[i];
    }
    return STATUS_SUCCESS;
}

NTSTATUS wf_fsd_query_security(wf_fsd_file *file, uint32_t security_information, void *buffer,
    uint32_t length, uint32_t *bytes)
{
    FSP_FSCTL_TRANSACT_REQ *req;
    FSP_FSCTL_TRANSACT_RSP rsp;
    uint8_t *data = NULL;
    size_t len = 0;
    uint32_t needed = 0, size;
    NTSTATUS status;

    *bytes = 0;
    /* What NtQuerySecurityObject asks of the handle (SeQuerySecurityAccessMask). */
    if (security_information & (OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
            DACL_SECURITY_INFORMATION | WF_FSD_LABEL_SECURITY_INFORMATION))
        needed |= READ_CONTROL;
    if (security_information & SACL_SECURITY_INFORMATION)
        needed |= ACCESS_SYSTEM_SECURITY;
    if (needed & ~file->granted_access)
        return STATUS_ACCESS_DENIED;
    req = wf_fsd_request_new(FspFsctlTransactQuerySecurityKind);
    data = malloc(FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX);
    if (req == NULL || data == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto exit;
    }
    req->Req.QuerySecurity.UserContext = file->user_context;
    req->Req.QuerySecurity.UserContext2 = file->user_context2;
    status = wf_fsd_transact_buffer(file->fsd, file, req, &rsp, data,
        FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX, &len);
    if (status != STATUS_SUCCESS)
        goto exit;
    /* WinFsp's FSD takes the descriptor from the start of the response's buffer, and only
       a valid one within the response. */
    size = rsp.Rsp.QuerySecurity.SecurityDescriptor.Size;
    if (size > len || wf_sd_validate(data, size) != STATUS_SUCCESS) {
        status = STATUS_INVALID_SECURITY_DESCR;
        goto exit;
    }
    status = wf_fsd_select_security(data, security_information, buffer, length, bytes);
exit:
    free(data);
    free(req);
    return status;
}

NTSTATUS wf_fsd_set_security(wf_fsd_file *file, uint32_t security_information, const void *sd,
    uint32_t length)
{
    FSP_FSCTL_TRANSACT_REQ *req;
    FSP_FSCTL_TRANSACT_RSP rsp;
    uint32_t needed = 0;
    NTSTATUS status;

    /* What NtSetSecurityObject asks of the handle (SeSetSecurityAccessMask), then the
       descriptor it captures. */
    if (security_information & (OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
            WF_FSD_LABEL_SECURITY_INFORMATION))
        needed |= WRITE_OWNER;
    if (security_information & DACL_SECURITY_INFORMATION)
        needed |= WRITE_DAC;
    if (security_information & SACL_SECURITY_INFORMATION)
        needed |= ACCESS_SYSTEM_SECURITY;
    if (needed & ~file->granted_access)
        return STATUS_ACCESS_DENIED;
    if (sd == NULL || wf_sd_validate(sd, length) != STATUS_SUCCESS)
        return STATUS_INVALID_SECURITY_DESCR;
    if (sizeof(FSP_FSCTL_TRANSACT_REQ) + (size_t)length > FSP_FSCTL_TRANSACT_REQ_SIZEMAX)
        return STATUS_INVALID_PARAMETER;
    req = wf_fsd_request_new(FspFsctlTransactSetSecurityKind);
    if (req == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    req->Req.SetSecurity.UserContext = file->user_context;
    req->Req.SetSecurity.UserContext2 = file->user_context2;
    req->Req.SetSecurity.SecurityInformation = security_information;
    /* As WinFsp's FSD: no file name, the descriptor at the start of the buffer. */
    req->Req.SetSecurity.SecurityDescriptor = wf_fsd_request_append(req, sd, length);
    status = wf_fsd_transact(file->fsd, file, req, &rsp);
    free(req);
    return status;
}

/* ---- Read, Write ----------------------------------------------------------------------- */

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
    /* WinFsp's FSD (non-cached read): at or past FileSize is the end of the file without
       asking the file system, and a read across it stops there. A file system that ignores
       offsets cannot make a reader run on for ever. */
    pthread_mutex_lock(&file->fsd->lock);
    if (file->node->size_known) {
        uint64_t size = file->node->file_size;
        if (offset >= size) {
            pthread_mutex_unlock(&file->fsd->lock);
            return STATUS_END_OF_FILE;
        }
        if (length > size - offset)
            length = (uint32_t)(size - offset);
    }
    pthread_mutex_unlock(&file->fsd->lock);

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
    status = wf_fsd_transact(file->fsd, file, req, &rsp);
    free(req);
    if (status == STATUS_SUCCESS) {
        if (rsp.IoStatus.Information > length)
            return STATUS_INTERNAL_ERROR;   /* more than was asked for: not believable */
        *bytes_read = rsp.IoStatus.Information;
    }
    return status;
}

NTSTATUS wf_fsd_write(wf_fsd_file *file, const void *buffer, uint64_t offset, uint32_t length,
    bool constrained, uint32_t *bytes_written, FSP_FSCTL_FILE_INFO *info)
{
    FSP_FSCTL_TRANSACT_REQ *req;
    FSP_FSCTL_TRANSACT_RSP rsp;
    NTSTATUS status;

    *bytes_written = 0;
    if (info != NULL)
        memset(info, 0, sizeof *info);
    if (file->is_directory)
        return STATUS_INVALID_PARAMETER;    /* WinFsp: only regular files can be written */
    if (!(file->granted_access & (FILE_WRITE_DATA | FILE_APPEND_DATA)))
        return STATUS_ACCESS_DENIED;        /* NtWriteFile checks the handle's access */
    /* NtWriteFile: a handle that may only append writes at the end, whatever the offset. */
    if (!(file->granted_access & FILE_WRITE_DATA))
        offset = WF_FSD_OFFSET_END;
    if (offset != WF_FSD_OFFSET_END && offset > (uint64_t)INT64_MAX)
        return STATUS_INVALID_PARAMETER;
    /* WinFsp: paging I/O cannot change the file size. */
    if (constrained && offset == WF_FSD_OFFSET_END)
        return STATUS_INVALID_PARAMETER;
    if (length == 0)
        return STATUS_SUCCESS;

    req = wf_fsd_request_new(FspFsctlTransactWriteKind);
    if (req == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    req->Req.Write.UserContext = file->user_context;
    req->Req.Write.UserContext2 = file->user_context2;
    req->Req.Write.Address = (uint64_t)(uintptr_t)buffer;
    req->Req.Write.Offset = offset;
    req->Req.Write.Length = length;
    req->Req.Write.Key = 0;
    req->Req.Write.ConstrainedIo = constrained;
    status = wf_fsd_transact(file->fsd, file, req, &rsp);
    free(req);
    if (status == STATUS_SUCCESS) {
        if (rsp.IoStatus.Information > length)
            return STATUS_INTERNAL_ERROR;   /* WinFsp: more than was given, not believable */
        *bytes_written = rsp.IoStatus.Information;
        wf_fsd_learn_size(file, &rsp.Rsp.Write.FileInfo);
        if (info != NULL)
            *info = rsp.Rsp.Write.FileInfo;
    }
    return status;
}

/* ---- QueryInformation, SetInformation -------------------------------------------------- */

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
    status = wf_fsd_transact(file->fsd, file, req, &rsp);
    free(req);
    if (status == STATUS_SUCCESS) {
        *info = rsp.Rsp.QueryInformation.FileInfo;
        wf_fsd_learn_size(file, info);
    }
    return status;
}

static FSP_FSCTL_TRANSACT_REQ *wf_fsd_set_info_request(wf_fsd_file *file, uint32_t info_class)
{
    FSP_FSCTL_TRANSACT_REQ *req = wf_fsd_request_new(FspFsctlTransactSetInformationKind);
    if (req == NULL)
        return NULL;
    req->Req.SetInformation.UserContext = file->user_context;
    req->Req.SetInformation.UserContext2 = file->user_context2;
    req->Req.SetInformation.FileInformationClass = info_class;
    return req;
}

/* Sends a SetInformation request and hands back the file information it answers with. */
static NTSTATUS wf_fsd_set_info_transact(wf_fsd_file *file, FSP_FSCTL_TRANSACT_REQ *req,
    FSP_FSCTL_FILE_INFO *info)
{
    FSP_FSCTL_TRANSACT_RSP rsp;
    uint32_t info_class = req->Req.SetInformation.FileInformationClass;
    NTSTATUS status = wf_fsd_transact(file->fsd, file, req, &rsp);
    /* The classes whose answer is the file's information (not a rename's, a delete's). */
    if (status == STATUS_SUCCESS && (info_class == FileBasicInformation ||
            info_class == FileEndOfFileInformation || info_class == FileAllocationInformation))
        wf_fsd_learn_size(file, &rsp.Rsp.SetInformation.FileInfo);
    if (status == STATUS_SUCCESS && info != NULL)
        *info = rsp.Rsp.SetInformation.FileInfo;
    return status;
}

NTSTATUS wf_fsd_set_basic_info(wf_fsd_file *file, uint32_t file_attributes,
    uint64_t creation_time, uint64_t last_access_time, uint64_t last_write_time,
    uint64_t change_time, FSP_FSCTL_FILE_INFO *info)
{
    FSP_FSCTL_TRANSACT_REQ *req;
    NTSTATUS status;

    if (info != NULL)
        memset(info, 0, sizeof *info);
    /* NtSetInformationFile: FileBasicInformation needs FILE_WRITE_ATTRIBUTES. */
    if (!(file->granted_access & FILE_WRITE_ATTRIBUTES))
        return STATUS_ACCESS_DENIED;
    /* WinFsp: no temporary directories. */
    if (file->is_directory && (file_attributes & FILE_ATTRIBUTE_TEMPORARY))
        return STATUS_INVALID_PARAMETER;

    req = wf_fsd_set_info_request(file, FileBasicInformation);
    if (req == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    /* As WinFsp's FSD: attributes 0 leave them alone (all ones to the file system);
       otherwise NORMAL and DIRECTORY are dropped and DIRECTORY follows the file. A time of
       -1 ("stop updating it") changes nothing now: 0. */
    if (file_attributes == 0) {
        file_attributes = UINT32_MAX;
    } else {
        file_attributes &= ~(FILE_ATTRIBUTE_NORMAL | FILE_ATTRIBUTE_DIRECTORY);
        if (file->is_directory)
            file_attributes |= FILE_ATTRIBUTE_DIRECTORY;
    }
    req->Req.SetInformation.Info.Basic.FileAttributes = file_attributes;
    req->Req.SetInformation.Info.Basic.CreationTime =
        creation_time != UINT64_MAX ? creation_time : 0;
    req->Req.SetInformation.Info.Basic.LastAccessTime =
        last_access_time != UINT64_MAX ? last_access_time : 0;
    req->Req.SetInformation.Info.Basic.LastWriteTime =
        last_write_time != UINT64_MAX ? last_write_time : 0;
    req->Req.SetInformation.Info.Basic.ChangeTime = change_time != UINT64_MAX ? change_time : 0;
    status = wf_fsd_set_info_transact(file, req, info);
    free(req);
    return status;
}

NTSTATUS wf_fsd_set_end_of_file(wf_fsd_file *file, uint64_t size, FSP_FSCTL_FILE_INFO *info)
{
    FSP_FSCTL_TRANSACT_REQ *req;
    NTSTATUS status;

    if (info != NULL)
        memset(info, 0, sizeof *info);
    /* NtSetInformationFile: FileEndOfFileInformation needs FILE_WRITE_DATA. */
    if (!(file->granted_access & FILE_WRITE_DATA))
        return STATUS_ACCESS_DENIED;
    if (size > (uint64_t)INT64_MAX)
        return STATUS_INVALID_PARAMETER;    /* a negative LARGE_INTEGER */

    req = wf_fsd_set_info_request(file, FileEndOfFileInformation);
    if (req == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    req->Req.SetInformation.Info.EndOfFile.FileSize = size;
    status = wf_fsd_set_info_transact(file, req, info);
    free(req);
    return status;
}

NTSTATUS wf_fsd_set_allocation_size(wf_fsd_file *file, uint64_t size, FSP_FSCTL_FILE_INFO *info)
{
    wf_fsd *fsd = file->fsd;
    FSP_FSCTL_TRANSACT_REQ *req;
    uint64_t unit;
    NTSTATUS status;

    if (info != NULL)
        memset(info, 0, sizeof *info);
    /* NtSetInformationFile: FileAllocationInformation needs FILE_WRITE_DATA. */
    if (!(file->granted_access & FILE_WRITE_DATA))
        return STATUS_ACCESS_DENIED;
    if (size > (uint64_t)INT64_MAX)
        return STATUS_INVALID_PARAMETER;

    pthread_mutex_lock(&fsd->lock);
    unit = fsd->allocation_unit;
    pthread_mutex_unlock(&fsd->lock);
    req = wf_fsd_set_info_request(file, FileAllocationInformation);
    if (req == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    /* WinFsp's FSD rounds up to the allocation unit: what does not reach the file's size
       does not truncate it. */
    req->Req.SetInformation.Info.Allocation.AllocationSize = (size + unit - 1) / unit * unit;
    status = wf_fsd_set_info_transact(file, req, info);
    free(req);
    return status;
}

NTSTATUS wf_fsd_set_disposition(wf_fsd_file *file, uint32_t flags, bool ex)
{
    wf_fsd *fsd = file->fsd;
    FSP_FSCTL_TRANSACT_REQ *req;
    FSP_FSCTL_FILE_INFO info;
    bool root, deleted, plain_delete;
    NTSTATUS status, remembered;

    /* NtSetInformationFile: a disposition needs DELETE on the handle. */
    if (!(file->granted_access & DELETE))
        return STATUS_ACCESS_DENIED;
    if (ex && (flags & FILE_DISPOSITION_ON_CLOSE))
        return STATUS_NOT_SUPPORTED;        /* WinFsp does not support it */
    if (!ex)
        flags = (flags & FILE_DISPOSITION_DELETE) ? FILE_DISPOSITION_DELETE : 0;

    flags = (flags & FILE_DISPOSITION_DELETE) ? flags & WF_FSD_DISPOSITION_PASSED : 0;
    plain_delete = (flags & ~FILE_DISPOSITION_POSIX_SEMANTICS) == FILE_DISPOSITION_DELETE;

    pthread_mutex_lock(&fsd->lock);
    root = file->node->name_units == 1;
    deleted = file->node->posix_deleted;
    /* WinFsp remembers a refused delete per handle and answers it again without asking
       (DeleteFileW retries every refused POSIX delete as a plain one); any other
       disposition forgets it. */
    remembered = plain_delete ? file->disposition_status : STATUS_SUCCESS;
    if (!root && !deleted && remembered == STATUS_SUCCESS)
        file->disposition_status = STATUS_SUCCESS;
    pthread_mutex_unlock(&fsd->lock);
    if (root)
        return STATUS_CANNOT_DELETE;
    if (deleted)
        return STATUS_FILE_DELETED;         /* the name is gone already */
    if (remembered != STATUS_SUCCESS)
        return remembered;

    req = wf_fsd_set_info_request(file,
        ex ? FileDispositionInformationEx : FileDispositionInformation);
    if (req == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    wf_fsd_request_put_file_name(req, file);
    req->Req.SetInformation.Info.DispositionEx.Flags = flags;
    status = wf_fsd_set_info_transact(file, req, &info);
    free(req);

    if (status == STATUS_SUCCESS) {
        /* Delete-pending belongs to the file, shared by all its handles; POSIX semantics
           to the handle that asked (its Cleanup deletes). */
        pthread_mutex_lock(&fsd->lock);
        file->node->delete_pending = (flags & FILE_DISPOSITION_DELETE) != 0;
        file->posix_delete = (flags & FILE_DISPOSITION_DELETE) &&
            (flags & FILE_DISPOSITION_POSIX_SEMANTICS);
        pthread_mutex_unlock(&fsd->lock);
    } else if (plain_delete && (status == STATUS_ACCESS_DENIED ||
                   status == STATUS_DIRECTORY_NOT_EMPTY || status == STATUS_CANNOT_DELETE)) {
        pthread_mutex_lock(&fsd->lock);
        file->disposition_status = status;
        pthread_mutex_unlock(&fsd->lock);
    }
    return status;
}

/* What WinFsp's FSD checks before a rename (or link) touches name, the old name or the new
   one: NTFS refuses to rename a directory with open files below it, and to replace a file
   that is open or a directory with open files below it. With POSIX semantics open files in
   the way are allowed when every handle shares delete. Called with fsd->lock held. */
static NTSTATUS wf_fsd_rename_check(wf_fsd *fsd, const wf_fsd_node *own,
    const uint16_t *name, size_t units, bool old_name, bool posix)
{
    const wf_fsd_node *node;

    if (old_name && !own->is_directory && own->handles == 1)
        return STATUS_SUCCESS;
    for (node = fsd->nodes; node != NULL; node = node->next) {
        bool below = wf_fsd_name_below(fsd->case_insensitive, node->name, node->name_units,
            name, units);
        if (!below && !wf_fsd_name_equal(fsd->case_insensitive, node->name, node->name_units,
                name, units))
            continue;
        if (!old_name && below)
            return STATUS_ACCESS_DENIED;
        if (node == own || node->handles == 0)
            continue;
        if (posix && node->open_count == node->shared_delete)
            continue;
        return posix ? STATUS_SHARING_VIOLATION : STATUS_ACCESS_DENIED;
    }
    return STATUS_SUCCESS;
}

/* After a rename: whatever was open at the new name leaves the name table (it was
   replaced), and the file and everything open below it take the new name. A descendant
   whose name would outgrow the path limit leaves the table instead. */
static void wf_fsd_rename_nodes(wf_fsd *fsd, wf_fsd_node *own, const uint16_t *new_name,
    size_t new_units)
{
    wf_fsd_node *node, *next;
    uint16_t old_name[WF_FSD_MAX_PATH_UNITS];
    size_t old_units = own->name_units;

    memcpy(old_name, own->name, old_units * sizeof(uint16_t));
    for (node = fsd->nodes; node != NULL; node = next) {
        next = node->next;
        if (node != own && wf_fsd_name_equal(fsd->case_insensitive, node->name,
                node->name_units, new_name, new_units))
            wf_fsd_node_unlist(fsd, node);
    }
    for (node = fsd->nodes; node != NULL; node = next) {
        size_t rest = node->name_units - old_units;
        next = node->next;
        if (node == own ||
            !wf_fsd_name_below(fsd->case_insensitive, node->name, node->name_units, old_name,
                old_units))
            continue;
        if (new_units + rest > WF_FSD_MAX_PATH_UNITS) {
            wf_fsd_node_unlist(fsd, node);
            continue;
        }
        memmove(node->name + new_units, node->name + old_units, rest * sizeof(uint16_t));
        memcpy(node->name, new_name, new_units * sizeof(uint16_t));
        node->name_units = new_units + rest;
    }
    memcpy(own->name, new_name, new_units * sizeof(uint16_t));
    own->name_units = new_units;
}

/* FileRenameInformation(Ex) and FileLinkInformation: the request carries the handle's path
   in FileName and the new path in Info.Rename.NewFileName; ReplaceIfExists is a non-zero
   AccessToken. */
static NTSTATUS wf_fsd_rename_or_link(wf_fsd_file *file, const char *new_path, uint32_t flags,
    bool link)
{
    wf_fsd *fsd = file->fsd;
    uint16_t name[WF_FSD_MAX_PATH_UNITS];
    size_t units = 0;
    bool trailing, posix, same = false, exact = false;
    uint32_t info_class;
    FSP_FSCTL_TRANSACT_REQ *req = NULL;
    FSP_FSCTL_FILE_INFO info;
    NTSTATUS status;

    flags &= WF_FSD_RENAME_PASSED;
    posix = !link && (flags & FILE_RENAME_POSIX_SEMANTICS) != 0;
    if (link)
        info_class = FileLinkInformation;
    else
        info_class = (flags & ~FILE_RENAME_REPLACE_IF_EXISTS) ? FileRenameInformationEx :
            FileRenameInformation;

    /* NtSetInformationFile: a rename needs DELETE on the handle; a link needs nothing. */
    if (!link && !(file->granted_access & DELETE))
        return STATUS_ACCESS_DENIED;
    status = wf_fsd_parse_path(new_path, name, &units, &trailing);
    if (status != STATUS_SUCCESS)
        return status;
    /* The I/O manager would open the root as the target's directory: refused. */
    if (units == 1)
        return STATUS_ACCESS_DENIED;

    req = wf_fsd_set_info_request(file, info_class);
    if (req == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;

    pthread_mutex_lock(&fsd->lock);
    if (file->node->name_units == 1)
        status = STATUS_INVALID_PARAMETER;  /* WinFsp: the root cannot be renamed */
    else if (file->node->posix_deleted)
        status = STATUS_ACCESS_DENIED;
    else if (!link)
        status = wf_fsd_rename_check(fsd, file->node, file->node->name, file->node->name_units,
            true, posix);
    if (status == STATUS_SUCCESS) {
        /* A name equal but for case (case-insensitive volume) is not checked as another
           file's, yet still goes to the file system: only the very same name does not. */
        same = wf_fsd_name_equal(fsd->case_insensitive, file->node->name,
            file->node->name_units, name, units);
        exact = wf_fsd_name_equal(false, file->node->name, file->node->name_units, name, units);
        if (!same || link)
            status = wf_fsd_rename_check(fsd, file->node, name, units, false, posix);
    }
    if (status == STATUS_SUCCESS)
        wf_fsd_request_put_name(req, file->node->name, file->node->name_units);
    pthread_mutex_unlock(&fsd->lock);
    if (status != STATUS_SUCCESS)
        goto exit;
    /* Exactly the same name: nothing to do, once the checks have passed (as NTFS). */
    if (exact && !link)
        goto exit;

    req->Req.SetInformation.Info.Rename.NewFileName =
        wf_fsd_request_append_name(req, name, units);
    if (flags & FILE_RENAME_REPLACE_IF_EXISTS) {
        req->Req.SetInformation.Info.Rename.AccessToken = wf_fsd_token(fsd);
        if (req->Req.SetInformation.Info.Rename.AccessToken == 0)
            req->Req.SetInformation.Info.Rename.AccessToken = WF_FSD_REPLACE_TOKEN;
    }
    req->Req.SetInformation.Info.RenameEx.Flags = link ?
        flags & FILE_RENAME_REPLACE_IF_EXISTS : flags;
    status = wf_fsd_set_info_transact(file, req, &info);
    if (status == STATUS_SUCCESS && !link) {
        pthread_mutex_lock(&fsd->lock);
        wf_fsd_rename_nodes(fsd, file->node, name, units);
        pthread_mutex_unlock(&fsd->lock);
    }
exit:
    free(req);
    return status;
}

NTSTATUS wf_fsd_rename(wf_fsd_file *file, const char *new_path, uint32_t flags)
{
    return wf_fsd_rename_or_link(file, new_path, flags, false);
}

NTSTATUS wf_fsd_link(wf_fsd_file *file, const char *new_path, bool replace_if_exists)
{
    return wf_fsd_rename_or_link(file, new_path,
        replace_if_exists ? FILE_RENAME_REPLACE_IF_EXISTS : 0, true);
}

/* ---- FlushBuffers, volume information -------------------------------------------------- */

NTSTATUS wf_fsd_flush(wf_fsd *fsd, wf_fsd_file *file, FSP_FSCTL_FILE_INFO *info)
{
    FSP_FSCTL_TRANSACT_REQ *req;
    FSP_FSCTL_TRANSACT_RSP rsp;
    bool volume = file == NULL;
    NTSTATUS status;

    if (info != NULL)
        memset(info, 0, sizeof *info);
    if (file != NULL) {
        /* NtFlushBuffersFile checks the handle's access. */
        if (!(file->granted_access & (FILE_WRITE_DATA | FILE_APPEND_DATA)))
            return STATUS_ACCESS_DENIED;
        /* WinFsp (after fastfat): flushing the root flushes the volume; other directories
           have nothing to flush. */
        pthread_mutex_lock(&fsd->lock);
        volume = file->is_directory && file->node->name_units == 1;
        pthread_mutex_unlock(&fsd->lock);
        if (file->is_directory && !volume)
            return STATUS_SUCCESS;
    }

    req = wf_fsd_request_new(FspFsctlTransactFlushBuffersKind);
    if (req == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    /* UserContext 0 asks the file system to flush the whole volume. */
    if (!volume) {
        req->Req.FlushBuffers.UserContext = file->user_context;
        req->Req.FlushBuffers.UserContext2 = file->user_context2;
    }
    status = wf_fsd_transact(fsd, file, req, &rsp);
    free(req);
    if (status == STATUS_SUCCESS && info != NULL && !volume)
        *info = rsp.Rsp.FlushBuffers.FileInfo;
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
    status = wf_fsd_transact(fsd, NULL, req, &rsp);
    free(req);
    if (status == STATUS_SUCCESS)
        *info = rsp.Rsp.QueryVolumeInformation.VolumeInfo;
    return status;
}

NTSTATUS wf_fsd_set_volume_label(wf_fsd *fsd, const char *label, FSP_FSCTL_VOLUME_INFO *info)
{
    uint16_t name[WF_FSD_MAX_PATH_UNITS];
    size_t units = 0;
    FSP_FSCTL_TRANSACT_REQ *req;
    FSP_FSCTL_TRANSACT_RSP rsp;
    NTSTATUS status;

    if (info != NULL)
        memset(info, 0, sizeof *info);
    if (label == NULL ||
        wf_utf8_to_utf16(label, strlen(label), name, WF_FSD_MAX_PATH_UNITS, &units) !=
            STATUS_SUCCESS)
        return STATUS_INVALID_PARAMETER;

    req = wf_fsd_request_new(FspFsctlTransactSetVolumeInformationKind);
    if (req == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    req->Req.SetVolumeInformation.FsInformationClass = FileFsLabelInformation;
    /* As WinFsp: the label at the start of the buffer, NUL-terminated, the NUL counted. */
    req->Req.SetVolumeInformation.Info.Label.VolumeLabel =
        wf_fsd_request_append_name(req, name, units);
    status = wf_fsd_transact(fsd, NULL, req, &rsp);
    free(req);
    if (status == STATUS_SUCCESS && info != NULL)
        *info = rsp.Rsp.SetVolumeInformation.VolumeInfo;
    return status;
}

/* ---- QueryDirectory -------------------------------------------------------------------- */

/* FsRtlIsNameInExpression over UTF-16 units (IgnoreCase on a case-insensitive volume). The expression runs as a set
   of positions (an NFA), one step per name unit: no backtracking, no recursion.
   *  zero or more units             ?  exactly one unit
   <  zero or more units, up to and including the name's last '.', never past it
   >  one unit, or nothing at a '.' or at the end of the name
   "  a '.', or nothing at the end of the name */
static bool wf_fsd_name_in_expression(const uint16_t *expr, size_t m,
    const uint16_t *name, size_t n, bool ignore_case, bool *cur, bool *next)
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
                if (expr[i] == c ||
                    (ignore_case && wf_fold_char(expr[i]) == wf_fold_char(c)))
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

/* Converts and checks a pattern, as WinFsp checks it: one name, wildcards allowed,
   separators and control codes not. pattern has WF_FSD_MAX_PATH_UNITS. */
static NTSTATUS wf_fsd_parse_pattern(const char *utf8, uint16_t *pattern, size_t *units)
{
    size_t i;

    if (wf_utf8_to_utf16(utf8, strlen(utf8), pattern, WF_FSD_MAX_PATH_UNITS, units) !=
        STATUS_SUCCESS)
        return STATUS_OBJECT_NAME_INVALID;
    for (i = 0; i < *units; i++)
        if (pattern[i] < 0x20 || pattern[i] == '\\' || pattern[i] == '/' ||
            pattern[i] == ':' || pattern[i] == '|')
            return STATUS_OBJECT_NAME_INVALID;
    return STATUS_SUCCESS;
}

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
    FSP_FSCTL_TRANSACT_REQ *req;
    FSP_FSCTL_TRANSACT_RSP rsp;
    NTSTATUS status;

    dir->used = dir->pos = 0;
    req = wf_fsd_request_new(FspFsctlTransactQueryDirectoryKind);
    if (req == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    req->Req.QueryDirectory.UserContext = file->user_context;
    req->Req.QueryDirectory.UserContext2 = file->user_context2;
    req->Req.QueryDirectory.Address = (uint64_t)(uintptr_t)dir->buffer;
    req->Req.QueryDirectory.Length = WF_FSD_DIR_BUFFER_SIZE;
    req->Req.QueryDirectory.CaseSensitive = 1;
    /* The volume sets DirectoryMarkerAsNextOffset: the marker is the NextOffset of the last
       entry consumed, 8 bytes; absent at the start of a scan. */
    if (dir->have_marker)
        req->Req.QueryDirectory.Marker = wf_fsd_request_append(req, &dir->marker,
            sizeof dir->marker);
    status = wf_fsd_transact(file->fsd, file, req, &rsp);
    free(req);

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

/* ---- cancellation ---------------------------------------------------------------------- */

/* Cancels the requests waiting on file (every one when file is NULL) through cancel, or
   the owner's callback when cancel is NULL. */
static void wf_fsd_cancel_calls(wf_fsd *fsd, const wf_fsd_file *file, wf_fsd_cancel_fn *cancel,
    void *cancel_ctx)
{
    uint64_t after = 0;

    /* One request at a time, in Hint order, without the lock held: the owner may complete
       the request from inside its cancel callback. */
    for (;;) {
        wf_fsd_cancel_fn *fn = cancel;
        void *ctx = cancel_ctx;
        uint64_t hint = 0;
        const wf_fsd_call *call;

        pthread_mutex_lock(&fsd->lock);
        if (fn == NULL) {
            fn = fsd->cancel;
            ctx = fsd->cancel_ctx;
        }
        for (call = fsd->calls; call != NULL; call = call->next)
            if ((file == NULL || call->file == file) && !call->done && call->hint > after &&
                (hint == 0 || call->hint < hint))
                hint = call->hint;
        pthread_mutex_unlock(&fsd->lock);
        if (hint == 0 || fn == NULL)
            break;
        fn(ctx, hint);
        after = hint;
    }
}

void wf_fsd_cancel_file(wf_fsd_file *file)
{
    wf_fsd_cancel_calls(file->fsd, file, NULL, NULL);
}

void wf_fsd_cancel_all(wf_fsd *fsd, wf_fsd_cancel_fn *cancel, void *ctx)
{
    wf_fsd_cancel_calls(fsd, NULL, cancel, ctx);
}

/* ---- Cleanup and Close ----------------------------------------------------------------- */

NTSTATUS wf_fsd_close(wf_fsd_file *file)
{
    wf_fsd *fsd = file->fsd;
    wf_fsd_node *node = file->node;
    FSP_FSCTL_TRANSACT_REQ *req;
    FSP_FSCTL_TRANSACT_RSP rsp;
    NTSTATUS cleanup_status = STATUS_INSUFFICIENT_RESOURCES, close_status;
    bool delete_file = false;

    req = wf_fsd_request_new(FspFsctlTransactCleanupKind);

    /* WinFsp's FspFileNodeCleanup: FILE_DELETE_ON_CLOSE makes the file delete-pending now;
       the file's last handle deletes it, or at once the handle that set a POSIX
       disposition (the name goes, other handles stay open on the unnamed file). */
    pthread_mutex_lock(&fsd->lock);
    if (file->delete_on_close)
        node->delete_pending = true;
    if (!node->posix_deleted) {
        if (file->posix_delete) {
            node->posix_deleted = true;
            delete_file = true;
        } else if (node->handles == 1) {
            delete_file = node->delete_pending;
        }
    }
    if (req != NULL)
        wf_fsd_request_put_name(req, node->name, node->name_units);
    pthread_mutex_unlock(&fsd->lock);

    if (req != NULL) {
        req->Req.Cleanup.UserContext = file->user_context;
        req->Req.Cleanup.UserContext2 = file->user_context2;
        req->Req.Cleanup.Delete = delete_file;
        cleanup_status = wf_fsd_transact(fsd, file, req, &rsp);
        free(req);
    }

    pthread_mutex_lock(&fsd->lock);
    /* A deleted file's name can be opened again as a new file. */
    if (delete_file)
        wf_fsd_node_unlist(fsd, node);
    wf_fsd_node_close(fsd, file);
    fsd->open_files--;
    pthread_mutex_unlock(&fsd->lock);

    req = wf_fsd_request_new(FspFsctlTransactCloseKind);
    if (req == NULL) {
        close_status = STATUS_INSUFFICIENT_RESOURCES;
    } else {
        req->Req.Close.UserContext = file->user_context;
        req->Req.Close.UserContext2 = file->user_context2;
        close_status = wf_fsd_post(fsd, req);
        free(req);
    }
    pthread_mutex_destroy(&file->dir_lock);
    free(file->dir);
    free(file);
    return cleanup_status != STATUS_SUCCESS ? cleanup_status : close_status;
}

/* ---- Reparse points -------------------------------------------------------------------- */

/* FSCTL_SET_REPARSE_POINT and FSCTL_DELETE_REPARSE_POINT: the request carries the file's
   name and the input buffer after it, as WinFsp's FSD builds it. NTFS wants one of these
   rights on the handle for either. */
static NTSTATUS wf_fsd_reparse_write(wf_fsd_file *file, uint32_t code, const void *buffer,
    uint32_t length)
{
    FSP_FSCTL_TRANSACT_REQ *req;
    FSP_FSCTL_TRANSACT_RSP rsp;
    NTSTATUS status;

    if (buffer == NULL || length == 0)
        return STATUS_INVALID_BUFFER_SIZE;
    if (!(file->granted_access & (FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_ATTRIBUTES)))
        return STATUS_ACCESS_DENIED;
    req = wf_fsd_request_new(FspFsctlTransactFileSystemControlKind);
    if (req == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    wf_fsd_request_put_file_name(req, file);
    if (req->Size + (size_t)length > FSP_FSCTL_TRANSACT_REQ_SIZEMAX) {
        free(req);
        return STATUS_IO_REPARSE_DATA_INVALID;
    }
    req->Req.FileSystemControl.UserContext = file->user_context;
    req->Req.FileSystemControl.UserContext2 = file->user_context2;
    req->Req.FileSystemControl.FsControlCode = code;
    req->Req.FileSystemControl.Buffer = wf_fsd_request_append(req, buffer, length);
    /* An absolute (NT namespace) link target is never on this volume: the stand-in has no
       NT namespace to find it in. */
    req->Req.FileSystemControl.TargetOnFileSystem = 0;
    status = wf_fsd_transact(file->fsd, file, req, &rsp);
    free(req);
    return status;
}

NTSTATUS wf_fsd_get_reparse_point(wf_fsd_file *file, void *buffer, uint32_t length,
    uint32_t *bytes)
{
    FSP_FSCTL_TRANSACT_REQ *req;
    FSP_FSCTL_TRANSACT_RSP rsp;
    uint8_t *data = NULL;
    size_t len = 0;
    NTSTATUS status;

    *bytes = 0;
    if (buffer == NULL || length == 0)
        return STATUS_INVALID_USER_BUFFER;
    req = wf_fsd_request_new(FspFsctlTransactFileSystemControlKind);
    data = malloc(FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX);
    if (req == NULL || data == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto exit;
    }
    wf_fsd_request_put_file_name(req, file);
    req->Req.FileSystemControl.UserContext = file->user_context;
    req->Req.FileSystemControl.UserContext2 = file->user_context2;
    req->Req.FileSystemControl.FsControlCode = FSCTL_GET_REPARSE_POINT;
    status = wf_fsd_transact_buffer(file->fsd, file, req, &rsp, data,
        FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX, &len);
    if (status != STATUS_SUCCESS)
        goto exit;
    /* WinFsp's FSD checks the answer before any of it reaches the caller. */
    if ((size_t)rsp.Rsp.FileSystemControl.Buffer.Offset + rsp.Rsp.FileSystemControl.Buffer.Size >
            len) {
        status = STATUS_IO_REPARSE_DATA_INVALID;
        goto exit;
    }
    status = wf_reparse_validate(data + rsp.Rsp.FileSystemControl.Buffer.Offset,
        rsp.Rsp.FileSystemControl.Buffer.Size);
    if (status != STATUS_SUCCESS)
        goto exit;
    if (rsp.Rsp.FileSystemControl.Buffer.Size > length) {
        status = STATUS_BUFFER_TOO_SMALL;
        goto exit;
    }
    memcpy(buffer, data + rsp.Rsp.FileSystemControl.Buffer.Offset,
        rsp.Rsp.FileSystemControl.Buffer.Size);
    *bytes = rsp.Rsp.FileSystemControl.Buffer.Size;
exit:
    free(data);
    free(req);
    return status;
}

NTSTATUS wf_fsd_set_reparse_point(wf_fsd_file *file, const void *buffer, uint32_t length)
{
    NTSTATUS status;

    if (buffer == NULL || length == 0)
        return STATUS_INVALID_BUFFER_SIZE;
    status = wf_reparse_validate(buffer, length);
    if (status != STATUS_SUCCESS)
        return status;
    return wf_fsd_reparse_write(file, FSCTL_SET_REPARSE_POINT, buffer, length);
}

NTSTATUS wf_fsd_delete_reparse_point(wf_fsd_file *file, const void *buffer, uint32_t length)
{
    const uint8_t *p = buffer;
    uint32_t tag;

    if (buffer == NULL || length == 0)
        return STATUS_INVALID_BUFFER_SIZE;
    /* Only the header: 8 bytes, or 24 with the GUID a third-party tag has; no data. */
    if ((length != WF_REPARSE_HEADER_SIZE && length != WF_REPARSE_GUID_HEADER_SIZE) ||
        p[4] != 0 || p[5] != 0)
        return STATUS_IO_REPARSE_DATA_INVALID;
    tag = wf_reparse_tag(buffer);
    if (tag == IO_REPARSE_TAG_RESERVED_ZERO || tag == IO_REPARSE_TAG_RESERVED_ONE)
        return STATUS_IO_REPARSE_TAG_INVALID;
    if (!(tag & WF_REPARSE_TAG_MICROSOFT) && length != WF_REPARSE_GUID_HEADER_SIZE)
        return STATUS_IO_REPARSE_DATA_INVALID;
    return wf_fsd_reparse_write(file, FSCTL_DELETE_REPARSE_POINT, buffer, length);
}
