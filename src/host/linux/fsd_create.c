/* fsd_create.c — the FSD stand-in's NtCreateFile: its checks, Create, then Overwrite. */
#include "fsd_internal.h"

#include <stdlib.h>
#include <string.h>

#include "winfuse/ea_map.h"
#include "winfuse/mappings.h"
#include "winfuse/security.h"
#include "winfuse/nt_constants.h"

/* Reparse points on one path at most, as NT allows (its 64th is not followed). */
#define WF_FSD_REPARSES_MAX 63u
/* A path a reparse leads to, in UTF-8: each of its UTF-16 units takes 3 bytes at most. */
#define WF_FSD_REPARSE_PATH_CAP (WF_FSD_MAX_PATH_UNITS * 3u + 1u)

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
    NTSTATUS status = wf_fsd_transact(file->fsd, &(wf_fsd_request){ .file = file }, req, &rsp);
    if (status == STATUS_SUCCESS)
        wf_fsd_learn_size(file, &rsp.Rsp.Overwrite.FileInfo);
    return status;
}

/* An EA buffer for a Create, as the I/O manager and WinFsp's FSD check it. */
static NTSTATUS wf_fsd_check_create_ea(wf_fsd *fsd, const void *ea, uint32_t ea_length,
    uint32_t create_options)
{
    if (ea_length == 0)
        return STATUS_SUCCESS;
    if (!fsd->ea_supported)
        return STATUS_EAS_NOT_SUPPORTED;
    if (create_options & FILE_NO_EA_KNOWLEDGE)
        return STATUS_ACCESS_DENIED;
    return wf_fsd_check_ea_list(ea, ea_length);
}

/* One Create; STATUS_REPARSE leaves the path to open instead in reparse_path. */
static NTSTATUS wf_fsd_create_once(wf_fsd *fsd, const wf_fsd_create_params *p,
    const char *path, wf_fsd_file **file, uint32_t *information, uint8_t *reparse,
    char *reparse_path, size_t reparse_cap)
{
    uint32_t create_disposition = p->create_disposition, create_options = p->create_options;
    size_t reparse_len = 0;
    uint16_t name[WF_FSD_MAX_PATH_UNITS];
    size_t units = 0, node_units, stream_node_units = 0;
    uint32_t named_stream = 0;
    bool trailing, target_directory = (p->flags & WF_FSD_OPEN_TARGET_DIRECTORY) != 0;
    bool opened = false, overwrite;
    uint32_t access, create_attributes, extra_access = 0, result;
    FSP_FSCTL_TRANSACT_REQ head, *req = NULL;
    FSP_FSCTL_TRANSACT_RSP rsp;
    wf_fsd_request r;
    wf_fsd_file *f = NULL;
    NTSTATUS status;

    *file = NULL;
    if (information != NULL)
        *information = 0;

    status = wf_fsd_check_create(p->desired_access, p->share_access, create_disposition,
        create_options, p->flags);
    if (status == STATUS_SUCCESS)
        status = wf_fsd_check_create_ea(fsd, p->ea, p->ea_length, create_options);
    /* The I/O manager captures the caller's descriptor: a malformed one goes no further. */
    if (status == STATUS_SUCCESS && p->sd_length != 0 &&
            wf_fsd_check_security_descriptor(p->sd, p->sd_length) != STATUS_SUCCESS)
        status = STATUS_INVALID_SECURITY_DESCR;
    if (status != STATUS_SUCCESS)
        goto exit;
    pthread_mutex_lock(&fsd->lock);
    status = wf_fsd_parse_stream_path(fsd, path, name, &units, &trailing, &named_stream,
        &stream_node_units);
    pthread_mutex_unlock(&fsd->lock);
    if (status != STATUS_SUCCESS)
        goto exit;
    /* WinFsp's FSD passes "file:stream" without its ":$DATA": one name per stream. */
    units = stream_node_units;
    /* A stream is never a directory (WinFsp's FSD, as NTFS). */
    if (named_stream != 0 && (create_options & FILE_DIRECTORY_FILE)) {
        status = STATUS_NOT_A_DIRECTORY;
        goto exit;
    }
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
    node_units = stream_node_units;
    if (target_directory) {
        while (node_units > 1 && name[node_units - 1] != '\\')
            node_units--;
        if (node_units > 1)
            node_units--;
    }

    access = wf_map_generic_access(p->desired_access);   /* as the I/O manager */
    /* WinFsp passes only the attributes a new file can take; DIRECTORY follows the option. */
    create_attributes = p->file_attributes & ~(FILE_ATTRIBUTE_NORMAL | FILE_ATTRIBUTE_DIRECTORY |
        FILE_ATTRIBUTE_REPARSE_POINT);
    if (create_options & FILE_DIRECTORY_FILE)
        create_attributes |= FILE_ATTRIBUTE_DIRECTORY;

    memset(&head, 0, sizeof head);
    head.Req.Create.CreateOptions = (create_disposition << 24) | (create_options & 0xffffffu);
    head.Req.Create.FileAttributes = create_attributes;
    head.Req.Create.AllocationSize = p->allocation_size;
    /* The caller's token; HasTraversePrivilege stays clear (Windows gives everyone bypass
       traverse checking; the stand-in's callers are traverse-checked, as on Linux). */
    head.Req.Create.AccessToken = wf_fsd_token(fsd);
    head.Req.Create.DesiredAccess = access;
    head.Req.Create.GrantedAccess = 0;
    head.Req.Create.ShareAccess = p->share_access;
    head.Req.Create.UserMode = 1;
    head.Req.Create.OpenTargetDirectory = target_directory;
    head.Req.Create.CaseSensitive = !fsd->case_insensitive;
    head.Req.Create.HasTrailingBackslash = trailing;
    head.Req.Create.NamedStream = (uint16_t)named_stream;
    /* WinFsp's FSD lays the descriptor out after the name, and the EA buffer after it; a
       request that cannot hold them is an invalid parameter. The request is kept: the
       Overwrite that may follow is made in it. */
    r = (wf_fsd_request){ .kind = FspFsctlTransactCreateKind, .head = &head, .name = name,
        .name_units = units,
        .append = { { p->sd, p->sd_length, false, &head.Req.Create.SecurityDescriptor },
            { p->ea, p->ea_length, false, &head.Req.Create.Ea } },
        .buffer = reparse, .buffer_cap = FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX,
        .buffer_len = &reparse_len };
    req = wf_fsd_request_build(fsd, &r, &status);
    if (req == NULL)
        goto exit;
    f = calloc(1, sizeof *f);
    if (f == NULL) {
        status = STATUS_INSUFFICIENT_RESOURCES;
        goto exit;
    }
    pthread_mutex_init(&f->dir_lock, NULL);

    status = wf_fsd_transact(fsd, &r, req, &rsp);
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
        p->share_access, target_directory || f->is_directory);
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
        uint32_t overwrite_attributes = p->file_attributes &
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
        status = wf_fsd_overwrite(f, req, overwrite_attributes, p->allocation_size,
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
    wf_fsd_request_free(fsd, req);
    return status;
}

/* NtCreateFile: a Create, and again at the new path each time the file system answers
   STATUS_REPARSE (a symbolic link on the way), as the I/O manager does, up to NT's limit
   of reparse points on a path. */
NTSTATUS wf_fsd_create_file(wf_fsd *fsd, const wf_fsd_create_params *params,
    wf_fsd_file **file, uint32_t *information)
{
    uint8_t *reparse = malloc(FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX);
    char *paths = malloc(2 * WF_FSD_REPARSE_PATH_CAP);
    const char *path = params->path;
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
        status = wf_fsd_create_once(fsd, params, path, file, information, reparse, next,
            WF_FSD_REPARSE_PATH_CAP);
        if (status != STATUS_REPARSE)
            break;
        path = next;
    }
    free(paths);
    free(reparse);
    return status;
}
