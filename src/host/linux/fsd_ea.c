/* fsd_ea.c — the FSD stand-in's extended attributes: NtQueryEaFile and NtSetEaFile. */
#include "fsd_internal.h"

#include <stdlib.h>
#include <string.h>

#include "winfuse/ea_map.h"
#include "winfuse/nt_constants.h"

/* The file's whole EA list from the file system, checked: *list (malloc'ed, the caller
   frees it) and *list_len. */
static NTSTATUS wf_fsd_fetch_ea(wf_fsd_file *file, uint8_t **list, size_t *list_len)
{
    wf_fsd *fsd = file->fsd;
    FSP_FSCTL_TRANSACT_RSP rsp;
    uint32_t pos;
    wf_ea_view ea;
    NTSTATUS status;

    *list_len = 0;
    if (!fsd->ea_supported)
        return STATUS_INVALID_DEVICE_REQUEST;   /* WinFsp: "do we support Ea?" */
    if (!(file->granted_access & FILE_READ_EA))
        return STATUS_ACCESS_DENIED;            /* NtQueryEaFile checks the handle's access */
    *list = malloc(FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX);
    if (*list == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = wf_fsd_send(fsd, &(wf_fsd_request){ .kind = FspFsctlTransactQueryEaKind,
        .file = file, .buffer = *list, .buffer_cap = FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX,
        .buffer_len = list_len }, &rsp);
    if (status != STATUS_SUCCESS)
        return status;
    /* The list must lie within the response; its last entry may link on (WinFsp allows
       that of a file system, and ends the list there). */
    if (rsp.Rsp.QueryEa.Ea.Offset != 0 || rsp.Rsp.QueryEa.Ea.Size > *list_len)
        return STATUS_EA_LIST_INCONSISTENT;
    *list_len = rsp.Rsp.QueryEa.Ea.Size;
    for (pos = 0; pos < *list_len;) {
        uint32_t at = pos;
        if (!wf_ea_next(*list, (uint32_t)*list_len, &pos, &ea))
            break;
        if (pos >= *list_len)
            memset(*list + at, 0, 4);
    }
    if (wf_fsd_check_ea_list(*list, (uint32_t)*list_len) != STATUS_SUCCESS)
        return STATUS_EA_LIST_INCONSISTENT;
    return STATUS_SUCCESS;
}

/* Upper-cases the name of the entry at out[entry] unless the volume keeps EA names' case. */
static void wf_fsd_ea_upcase(const wf_fsd *fsd, uint8_t *out, uint32_t entry, uint32_t len)
{
    if (!fsd->ea_case_preserved)
        wf_ea_name_upcase((char *)out + entry + WF_EA_HEADER_SIZE, len);
}

NTSTATUS wf_fsd_query_ea(wf_fsd_file *file, void *buffer, uint32_t length, uint32_t *bytes)
{
    wf_fsd *fsd = file->fsd;
    uint8_t *list = NULL, *out = buffer;
    size_t list_len = 0;
    uint32_t pos, used = 0, last = WF_EA_NONE;
    bool all = true;
    wf_ea_view ea;
    NTSTATUS status;

    *bytes = 0;
    status = wf_fsd_fetch_ea(file, &list, &list_len);
    if (status != STATUS_SUCCESS)
        goto exit;
    /* NtQueryEaFile of the whole list from the start: as many entries as fit. */
    for (pos = 0; pos < list_len && wf_ea_next(list, (uint32_t)list_len, &pos, &ea);) {
        uint32_t entry, value_at, room;
        if (!wf_ea_begin(out, length, used, ea.name, ea.name_len, &entry, &value_at, &room) ||
            room < ea.value_len) {
            all = false;
            break;
        }
        wf_fsd_ea_upcase(fsd, out, entry, ea.name_len);
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

NTSTATUS wf_fsd_query_ea_names(wf_fsd_file *file, const char *const *names, size_t count,
    void *buffer, uint32_t length, uint32_t *bytes)
{
    uint8_t *list = NULL, *out = buffer;
    size_t list_len = 0;
    uint32_t pos, used = 0, last = WF_EA_NONE, entry, value_at, room;
    wf_ea_view ea, found;
    NTSTATUS status;

    *bytes = 0;
    status = wf_fsd_fetch_ea(file, &list, &list_len);
    if (status != STATUS_SUCCESS)
        goto exit;
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(names[i]), k;
        bool have = false;
        /* A name asked twice (in any case) answers once. */
        for (k = 0; k < i; k++)
            if (wf_ea_name_equal(names[k], strlen(names[k]), names[i], len))
                break;
        if (k < i)
            continue;
        if (!wf_ea_name_valid(names[i], len)) {
            status = STATUS_INVALID_EA_NAME;
            used = 0;
            goto exit;
        }
        /* NT compares EA names without case, whatever case the file system keeps. */
        for (pos = 0; !have && pos < list_len && wf_ea_next(list, (uint32_t)list_len, &pos,
                &found);)
            have = wf_ea_name_equal(found.name, found.name_len, names[i], len);
        if (have)
            ea = found;
        else
            ea = (wf_ea_view){ .name = names[i], .name_len = (uint8_t)len,
                .value = (const uint8_t *)"" };
        if (!wf_ea_begin(out, length, used, ea.name, ea.name_len, &entry, &value_at, &room) ||
            room < ea.value_len) {
            status = STATUS_BUFFER_OVERFLOW;
            used = 0;
            goto exit;
        }
        wf_fsd_ea_upcase(file->fsd, out, entry, ea.name_len);
        memcpy(out + value_at, ea.value, ea.value_len);
        wf_ea_end(out, entry, ea.name_len, ea.value_len, &used, &last);
        out[entry + 4] = have ? ea.flags : 0;
    }
exit:
    *bytes = used;
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
