/* fsd_reparse.c — the FSD stand-in's reparse points: the FSCTLs, and a Create's reparse. */
#include "fsd_internal.h"

#include <stdlib.h>
#include <string.h>

#include "winfuse/mappings.h"
#include "winfuse/reparse_map.h"
#include "winfuse/nt_constants.h"

/* What the I/O manager does with a Create's STATUS_REPARSE: the path to open instead, in
   UTF-8, or why there is none. WinFsp's FSD hands on a symbolic link's substitute name,
   prefixed with the volume's name when it is SYMLINK_FLAG_RELATIVE (a path from this
   volume's root), as it is; the stand-in has no other volume, so only the first kind can
   be followed. A tag other than IO_REPARSE_TAG_SYMLINK has no handler here, as on a stock
   Windows for the NFS tag: STATUS_IO_REPARSE_TAG_NOT_HANDLED. */
NTSTATUS wf_fsd_reparse_path(const FSP_FSCTL_TRANSACT_RSP *rsp, const uint8_t *buffer,
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
        wf_fsd_check_reparse_buffer(buffer + data->Offset, data->Size) != STATUS_SUCCESS)
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

/* FSCTL_SET_REPARSE_POINT and FSCTL_DELETE_REPARSE_POINT: the request carries the file's
   name and the input buffer after it, as WinFsp's FSD builds it. NTFS wants one of these
   rights on the handle for either. */
static NTSTATUS wf_fsd_reparse_write(wf_fsd_file *file, uint32_t code, const void *buffer,
    uint32_t length)
{
    FSP_FSCTL_TRANSACT_REQ head = { 0 };
    FSP_FSCTL_TRANSACT_RSP rsp;

    if (buffer == NULL || length == 0)
        return STATUS_INVALID_BUFFER_SIZE;
    if (!(file->granted_access & (FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_ATTRIBUTES)))
        return STATUS_ACCESS_DENIED;
    head.Req.FileSystemControl.FsControlCode = code;
    /* An absolute (NT namespace) link target is never on this volume: the stand-in has no
       NT namespace to find it in. */
    head.Req.FileSystemControl.TargetOnFileSystem = 0;
    return wf_fsd_send(file->fsd, &(wf_fsd_request){
        .kind = FspFsctlTransactFileSystemControlKind, .head = &head, .file = file,
        .file_name = true,
        .append = { { buffer, length, false, &head.Req.FileSystemControl.Buffer } },
        .too_big = STATUS_IO_REPARSE_DATA_INVALID }, &rsp);
}

NTSTATUS wf_fsd_get_reparse_point(wf_fsd_file *file, void *buffer, uint32_t length,
    uint32_t *bytes)
{
    FSP_FSCTL_TRANSACT_REQ head = { 0 };
    FSP_FSCTL_TRANSACT_RSP rsp;
    uint8_t *data = NULL;
    size_t len = 0;
    NTSTATUS status;

    *bytes = 0;
    if (buffer == NULL || length == 0)
        return STATUS_INVALID_USER_BUFFER;
    data = malloc(FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX);
    if (data == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    head.Req.FileSystemControl.FsControlCode = FSCTL_GET_REPARSE_POINT;
    status = wf_fsd_send(file->fsd, &(wf_fsd_request){
        .kind = FspFsctlTransactFileSystemControlKind, .head = &head, .file = file,
        .file_name = true, .buffer = data, .buffer_cap = FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX,
        .buffer_len = &len }, &rsp);
    if (status != STATUS_SUCCESS)
        goto exit;
    /* WinFsp's FSD checks the answer before any of it reaches the caller. */
    if ((size_t)rsp.Rsp.FileSystemControl.Buffer.Offset + rsp.Rsp.FileSystemControl.Buffer.Size >
            len) {
        status = STATUS_IO_REPARSE_DATA_INVALID;
        goto exit;
    }
    status = wf_fsd_check_reparse_buffer(data + rsp.Rsp.FileSystemControl.Buffer.Offset,
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
    return status;
}

NTSTATUS wf_fsd_set_reparse_point(wf_fsd_file *file, const void *buffer, uint32_t length)
{
    NTSTATUS status;

    if (buffer == NULL || length == 0)
        return STATUS_INVALID_BUFFER_SIZE;
    status = wf_fsd_check_reparse_buffer(buffer, length);
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
