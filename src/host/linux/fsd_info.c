/* fsd_info.c — the FSD stand-in's file and volume information, queried and set. */
#include "fsd_internal.h"

#include <string.h>

#include "winfuse/mappings.h"
#include "winfuse/nt_constants.h"

/* The disposition flags WinFsp's FSD passes on when DELETE is set. */
#define WF_FSD_DISPOSITION_PASSED (FILE_DISPOSITION_DELETE | FILE_DISPOSITION_POSIX_SEMANTICS | \
    FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE)
/* The rename flags WinFsp's FSD passes on. */
#define WF_FSD_RENAME_PASSED (FILE_RENAME_REPLACE_IF_EXISTS | FILE_RENAME_POSIX_SEMANTICS | \
    FILE_RENAME_IGNORE_READONLY_ATTRIBUTE)
/* Req.SetInformation.Info.Rename.AccessToken for ReplaceIfExists when the stand-in has no
   identity: the file system then only looks at whether it is set. */
#define WF_FSD_REPLACE_TOKEN 1u

NTSTATUS wf_fsd_query_info(wf_fsd_file *file, FSP_FSCTL_FILE_INFO *info)
{
    FSP_FSCTL_TRANSACT_RSP rsp;
    NTSTATUS status;

    memset(info, 0, sizeof *info);
    status = wf_fsd_send(file->fsd, &(wf_fsd_request){
        .kind = FspFsctlTransactQueryInformationKind, .file = file }, &rsp);
    if (status == STATUS_SUCCESS) {
        *info = rsp.Rsp.QueryInformation.FileInfo;
        wf_fsd_learn_size(file, info);
    }
    return status;
}

NTSTATUS wf_fsd_query_file_state(wf_fsd_file *file, char *name, size_t name_cap,
    bool *delete_pending, bool *directory)
{
    wf_fsd *fsd = file->fsd;
    size_t len = 0;
    NTSTATUS status;

    pthread_mutex_lock(&fsd->lock);
    *delete_pending = file->node->delete_pending;
    *directory = file->is_directory;
    status = name_cap == 0 ? STATUS_BUFFER_OVERFLOW :
        wf_utf16_to_utf8(file->node->name, file->node->name_units, name, name_cap - 1, &len);
    pthread_mutex_unlock(&fsd->lock);
    if (status == STATUS_SUCCESS)
        name[len] = '\0';
    return status;
}

/* Sends a SetInformation request of info_class on file (its Info as head has it; r names
   what else it carries) and hands back the file information it answers with. */
static NTSTATUS wf_fsd_set_info(wf_fsd_file *file, uint32_t info_class,
    FSP_FSCTL_TRANSACT_REQ *head, wf_fsd_request r, FSP_FSCTL_FILE_INFO *info)
{
    FSP_FSCTL_TRANSACT_RSP rsp;
    NTSTATUS status;

    head->Req.SetInformation.FileInformationClass = info_class;
    r.kind = FspFsctlTransactSetInformationKind;
    r.head = head;
    r.file = file;
    status = wf_fsd_send(file->fsd, &r, &rsp);
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
    FSP_FSCTL_TRANSACT_REQ head = { 0 };

    if (info != NULL)
        memset(info, 0, sizeof *info);
    /* NtSetInformationFile: FileBasicInformation needs FILE_WRITE_ATTRIBUTES. */
    if (!(file->granted_access & FILE_WRITE_ATTRIBUTES))
        return STATUS_ACCESS_DENIED;
    /* WinFsp: no temporary directories. */
    if (file->is_directory && (file_attributes & FILE_ATTRIBUTE_TEMPORARY))
        return STATUS_INVALID_PARAMETER;

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
    head.Req.SetInformation.Info.Basic.FileAttributes = file_attributes;
    head.Req.SetInformation.Info.Basic.CreationTime =
        creation_time != UINT64_MAX ? creation_time : 0;
    head.Req.SetInformation.Info.Basic.LastAccessTime =
        last_access_time != UINT64_MAX ? last_access_time : 0;
    head.Req.SetInformation.Info.Basic.LastWriteTime =
        last_write_time != UINT64_MAX ? last_write_time : 0;
    head.Req.SetInformation.Info.Basic.ChangeTime = change_time != UINT64_MAX ? change_time : 0;
    return wf_fsd_set_info(file, FileBasicInformation, &head, (wf_fsd_request){ 0 }, info);
}

NTSTATUS wf_fsd_set_end_of_file(wf_fsd_file *file, uint64_t size, FSP_FSCTL_FILE_INFO *info)
{
    FSP_FSCTL_TRANSACT_REQ head = { 0 };

    if (info != NULL)
        memset(info, 0, sizeof *info);
    /* NtSetInformationFile: FileEndOfFileInformation needs FILE_WRITE_DATA. */
    if (!(file->granted_access & FILE_WRITE_DATA))
        return STATUS_ACCESS_DENIED;
    if (size > (uint64_t)INT64_MAX)
        return STATUS_INVALID_PARAMETER;    /* a negative LARGE_INTEGER */

    head.Req.SetInformation.Info.EndOfFile.FileSize = size;
    return wf_fsd_set_info(file, FileEndOfFileInformation, &head, (wf_fsd_request){ 0 }, info);
}

NTSTATUS wf_fsd_set_allocation_size(wf_fsd_file *file, uint64_t size, FSP_FSCTL_FILE_INFO *info)
{
    wf_fsd *fsd = file->fsd;
    FSP_FSCTL_TRANSACT_REQ head = { 0 };
    uint64_t unit;

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
    /* WinFsp's FSD rounds up to the allocation unit: what does not reach the file's size
       does not truncate it. */
    head.Req.SetInformation.Info.Allocation.AllocationSize = (size + unit - 1) / unit * unit;
    return wf_fsd_set_info(file, FileAllocationInformation, &head, (wf_fsd_request){ 0 },
        info);
}

NTSTATUS wf_fsd_set_disposition(wf_fsd_file *file, uint32_t flags, bool ex)
{
    wf_fsd *fsd = file->fsd;
    FSP_FSCTL_TRANSACT_REQ head = { 0 };
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

    head.Req.SetInformation.Info.DispositionEx.Flags = flags;
    status = wf_fsd_set_info(file, ex ? FileDispositionInformationEx : FileDispositionInformation,
        &head, (wf_fsd_request){ .file_name = true }, &info);

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
    uint16_t name[WF_FSD_MAX_PATH_UNITS], old_name[WF_FSD_MAX_PATH_UNITS];
    size_t units = 0, old_units = 0;
    bool trailing, posix, same = false, exact = false;
    uint32_t info_class;
    FSP_FSCTL_TRANSACT_REQ head = { 0 };
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
    /* The name the checks were made on is the one the request carries. */
    if (status == STATUS_SUCCESS) {
        old_units = file->node->name_units;
        memcpy(old_name, file->node->name, old_units * sizeof(uint16_t));
    }
    pthread_mutex_unlock(&fsd->lock);
    if (status != STATUS_SUCCESS)
        return status;
    /* Exactly the same name: nothing to do, once the checks have passed (as NTFS). */
    if (exact && !link)
        return status;

    if (flags & FILE_RENAME_REPLACE_IF_EXISTS) {
        head.Req.SetInformation.Info.Rename.AccessToken = wf_fsd_token(fsd);
        if (head.Req.SetInformation.Info.Rename.AccessToken == 0)
            head.Req.SetInformation.Info.Rename.AccessToken = WF_FSD_REPLACE_TOKEN;
    }
    head.Req.SetInformation.Info.RenameEx.Flags = link ?
        flags & FILE_RENAME_REPLACE_IF_EXISTS : flags;
    status = wf_fsd_set_info(file, info_class, &head, (wf_fsd_request){ .name = old_name,
        .name_units = old_units,
        .append = { { name, units, true, &head.Req.SetInformation.Info.Rename.NewFileName } } },
        &info);
    if (status == STATUS_SUCCESS && !link) {
        pthread_mutex_lock(&fsd->lock);
        wf_fsd_rename_nodes(fsd, file->node, name, units);
        pthread_mutex_unlock(&fsd->lock);
    }
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

/* ---- volume information -------------------------------------------------------------- */

NTSTATUS wf_fsd_query_volume(wf_fsd *fsd, FSP_FSCTL_VOLUME_INFO *info)
{
    FSP_FSCTL_TRANSACT_RSP rsp;
    NTSTATUS status;

    memset(info, 0, sizeof *info);
    status = wf_fsd_send(fsd, &(wf_fsd_request){
        .kind = FspFsctlTransactQueryVolumeInformationKind }, &rsp);
    if (status == STATUS_SUCCESS)
        *info = rsp.Rsp.QueryVolumeInformation.VolumeInfo;
    return status;
}

NTSTATUS wf_fsd_set_volume_label(wf_fsd *fsd, const char *label, FSP_FSCTL_VOLUME_INFO *info)
{
    uint16_t name[WF_FSD_MAX_PATH_UNITS];
    size_t units = 0;
    FSP_FSCTL_TRANSACT_REQ head = { 0 };
    FSP_FSCTL_TRANSACT_RSP rsp;
    NTSTATUS status;

    if (info != NULL)
        memset(info, 0, sizeof *info);
    if (label == NULL ||
        wf_utf8_to_utf16(label, strlen(label), name, WF_FSD_MAX_PATH_UNITS, &units) !=
            STATUS_SUCCESS)
        return STATUS_INVALID_PARAMETER;

    head.Req.SetVolumeInformation.FsInformationClass = FileFsLabelInformation;
    /* As WinFsp: the label at the start of the buffer, NUL-terminated, the NUL counted. */
    status = wf_fsd_send(fsd, &(wf_fsd_request){
        .kind = FspFsctlTransactSetVolumeInformationKind, .head = &head,
        .append = { { name, units, true, &head.Req.SetVolumeInformation.Info.Label.VolumeLabel } }
        }, &rsp);
    if (status == STATUS_SUCCESS && info != NULL)
        *info = rsp.Rsp.SetVolumeInformation.VolumeInfo;
    return status;
}
