/* fsd_security.c — the FSD stand-in's NtQuerySecurityObject and NtSetSecurityObject. */
#include "fsd_internal.h"

#include <stdlib.h>
#include <string.h>

#include "winfuse/security.h"
#include "winfuse/le_bytes.h"
#include "winfuse/nt_constants.h"

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

/* What SeQuerySecurityDescriptorInfo hands the caller: the parts of sd (checked by
   wf_fsd_check_security_descriptor) that info selects, as a new self-relative descriptor,
   laid out owner, group, SACL, DACL. *bytes is its size, also when it does not fit
   (STATUS_BUFFER_TOO_SMALL: NtQuerySecurityObject's LengthNeeded). */
static NTSTATUS wf_fsd_select_security(const uint8_t *sd, uint32_t info, uint8_t *out,
    uint32_t cap, uint32_t *bytes)
{
    uint32_t control = wf_get_le16(sd + 2), out_control = WF_FSD_SE_SELF_RELATIVE;
    /* header offsets of owner, group, SACL, DACL; their sizes */
    uint32_t at[4] = { 4, 8, 12, 16 }, off[4] = { 0, 0, 0, 0 }, size[4] = { 0, 0, 0, 0 };
    uint32_t pos = 20, i;

    if (info & OWNER_SECURITY_INFORMATION) {
        off[0] = wf_get_le32(sd + 4);
        out_control |= control & WF_FSD_SE_OWNER_DEFAULTED;
    }
    if (info & GROUP_SECURITY_INFORMATION) {
        off[1] = wf_get_le32(sd + 8);
        out_control |= control & WF_FSD_SE_GROUP_DEFAULTED;
    }
    if ((info & SACL_SECURITY_INFORMATION) && (control & WF_FSD_SE_SACL_PRESENT)) {
        off[2] = wf_get_le32(sd + 12);
        out_control |= control & WF_FSD_SE_SACL_BITS;
    }
    if ((info & DACL_SECURITY_INFORMATION) && (control & WF_FSD_SE_DACL_PRESENT)) {
        off[3] = wf_get_le32(sd + 16);
        out_control |= control & WF_FSD_SE_DACL_BITS;
    }
    for (i = 0; i < 4; i++)
        if (off[i] != 0)
            size[i] = i < 2 ? 8u + 4u * sd[off[i] + 1] : wf_get_le16(sd + off[i] + 2);
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
        wf_put_le32(out + at[i], pos);
        pos += size[i];
    }
    return STATUS_SUCCESS;
}

NTSTATUS wf_fsd_query_security(wf_fsd_file *file, uint32_t security_information, void *buffer,
    uint32_t length, uint32_t *bytes)
{
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
    data = malloc(FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX);
    if (data == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = wf_fsd_send(file->fsd, &(wf_fsd_request){
        .kind = FspFsctlTransactQuerySecurityKind, .file = file, .buffer = data,
        .buffer_cap = FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX, .buffer_len = &len }, &rsp);
    if (status != STATUS_SUCCESS)
        goto exit;
    /* WinFsp's FSD takes the descriptor from the start of the response's buffer, and only
       a valid one within the response. */
    size = rsp.Rsp.QuerySecurity.SecurityDescriptor.Size;
    if (size > len || wf_fsd_check_security_descriptor(data, size) != STATUS_SUCCESS) {
        status = STATUS_INVALID_SECURITY_DESCR;
        goto exit;
    }
    status = wf_fsd_select_security(data, security_information, buffer, length, bytes);
exit:
    free(data);
    return status;
}

NTSTATUS wf_fsd_set_security(wf_fsd_file *file, uint32_t security_information, const void *sd,
    uint32_t length)
{
    FSP_FSCTL_TRANSACT_REQ head = { 0 };
    FSP_FSCTL_TRANSACT_RSP rsp;
    uint32_t needed = 0;

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
    if (sd == NULL || wf_fsd_check_security_descriptor(sd, length) != STATUS_SUCCESS)
        return STATUS_INVALID_SECURITY_DESCR;
    head.Req.SetSecurity.SecurityInformation = security_information;
    /* As WinFsp's FSD: no file name, the descriptor at the start of the buffer. */
    return wf_fsd_send(file->fsd, &(wf_fsd_request){ .kind = FspFsctlTransactSetSecurityKind,
        .head = &head, .file = file,
        .append = { { sd, length, false, &head.Req.SetSecurity.SecurityDescriptor } } }, &rsp);
}
