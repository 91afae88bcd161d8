/* fsd_ea.c — the FSD stand-in's extended attributes: NtQueryEaFile and NtSetEaFile. */
#include "fsd_internal.h"

#include <stdlib.h>
#include <string.h>

#include "winfuse/ea_map.h"
#include "winfuse/nt_constants.h"

NTSTATUS wf_fsd_query_ea(wf_fsd_file *file, void *buffer, uint32_t length, uint32_t *bytes)
{
    wf_fsd *fsd = file->fsd;
    FSP_FSCTL_TRANSACT_RSP rsp;
    uint8_t *list = NULL, *out = buffer;
    size_t list_len = 0;
    uint32_t pos, used = 0, last = WF_EA_NONE;
    bool all = true;
    wf_ea_view ea;
    NTSTATUS status;

    *bytes = 0;
    if (!fsd->ea_supported)
        return STATUS_INVALID_DEVICE_REQUEST;   /* WinFsp: "do we support Ea?" */
    if (!(file->granted_access & FILE_READ_EA))
        return STATUS_ACCESS_DENIED;            /* NtQueryEaFile checks the handle's access */
    list = malloc(FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX);
    if (list == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = wf_fsd_send(fsd, &(wf_fsd_request){ .kind = FspFsctlTransactQueryEaKind,
        .file = file, .buffer = list, .buffer_cap = FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX,
        .buffer_len = &list_len }, &rsp);
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
    status = wf_fsd_check_ea_list(list, (uint32_t)list_len);
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
    return status;
}

NTSTATUS wf_fsd_set_ea(wf_fsd_file *file, const void *buffer, uint32_t length,
    FSP_FSCTL_FILE_INFO *info)
{
    wf_fsd *fsd = file->fsd;
    FSP_FSCTL_TRANSACT_REQ head = { 0 };
    FSP_FSCTL_TRANSACT_RSP rsp;
    NTSTATUS status;

    if (info != NULL)
        memset(info, 0, sizeof *info);
    if (!fsd->ea_supported)
        return STATUS_INVALID_DEVICE_REQUEST;
    /* NtSetEaFile checks the handle's access; the FSD the list. */
    if (!(file->granted_access & FILE_WRITE_EA))
        return STATUS_ACCESS_DENIED;
    status = wf_fsd_check_ea_list(buffer, length);
    if (status != STATUS_SUCCESS)
        return status;
    status = wf_fsd_send(fsd, &(wf_fsd_request){ .kind = FspFsctlTransactSetEaKind,
        .head = &head, .file = file,
        .append = { { buffer, length, false, &head.Req.SetEa.Ea } } }, &rsp);
    if (status == STATUS_SUCCESS)
        wf_fsd_learn_size(file, &rsp.Rsp.SetEa.FileInfo);
    if (status == STATUS_SUCCESS && info != NULL)
        *info = rsp.Rsp.SetEa.FileInfo;
    return status;
}
