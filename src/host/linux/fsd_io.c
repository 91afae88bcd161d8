/* fsd_io.c — the FSD stand-in's file data: read, write and flush. */
#include "fsd_internal.h"

#include <string.h>

#include "winfuse/nt_constants.h"

/* FILE_WRITE_TO_END_OF_FILE as a 64-bit offset. */
#define WF_FSD_OFFSET_END UINT64_MAX

NTSTATUS wf_fsd_read(wf_fsd_file *file, void *buffer, uint64_t offset, uint32_t length,
    uint32_t *bytes_read)
{
    FSP_FSCTL_TRANSACT_REQ head = { 0 };
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

    /* The file system process is this process: the buffer is passed by address, as WinFsp
       maps the caller's buffer into the file system process. */
    head.Req.Read.Address = (uint64_t)(uintptr_t)buffer;
    head.Req.Read.Offset = offset;
    head.Req.Read.Length = length;
    head.Req.Read.Key = 0;
    status = wf_fsd_send(file->fsd, &(wf_fsd_request){ .kind = FspFsctlTransactReadKind,
        .head = &head, .file = file }, &rsp);
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
    FSP_FSCTL_TRANSACT_REQ head = { 0 };
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

    head.Req.Write.Address = (uint64_t)(uintptr_t)buffer;
    head.Req.Write.Offset = offset;
    head.Req.Write.Length = length;
    head.Req.Write.Key = 0;
    head.Req.Write.ConstrainedIo = constrained;
    status = wf_fsd_send(file->fsd, &(wf_fsd_request){ .kind = FspFsctlTransactWriteKind,
        .head = &head, .file = file }, &rsp);
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

NTSTATUS wf_fsd_flush(wf_fsd *fsd, wf_fsd_file *file, FSP_FSCTL_FILE_INFO *info)
{
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

    /* UserContext 0 asks the file system to flush the whole volume. */
    status = wf_fsd_send(fsd, &(wf_fsd_request){ .kind = FspFsctlTransactFlushBuffersKind,
        .file = file, .volume = volume }, &rsp);
    if (status == STATUS_SUCCESS && info != NULL && !volume)
        *info = rsp.Rsp.FlushBuffers.FileInfo;
    return status;
}
