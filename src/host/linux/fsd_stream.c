/* fsd_stream.c — the FSD stand-in's named streams: the stream part of a name, checked as
   WinFsp's FSD checks it, and NtQueryInformationFile(FileStreamInformation). */
#include "fsd_internal.h"

#include <stdlib.h>
#include <string.h>

#include "winfuse/mappings.h"
#include "winfuse/nt_constants.h"

/* What NTFS forbids in a stream name (':' separates the type). */
static bool wf_fsd_stream_char_invalid(uint16_t c)
{
    return c < 0x20 || c == '"' || c == '*' || c == '/' || c == ':' || c == '<' ||
        c == '>' || c == '?' || c == '\\' || c == '|';
}

static bool wf_fsd_stream_type_is_data(const uint16_t *t, size_t n)
{
    static const char data[] = "$DATA";
    size_t i;
    if (n != 5)
        return false;
    for (i = 0; i < n; i++) {
        uint16_t c = t[i] >= 'a' && t[i] <= 'z' ? (uint16_t)(t[i] - 'a' + 'A') : t[i];
        if (c != (uint16_t)data[i])
            return false;
    }
    return true;
}

NTSTATUS wf_fsd_parse_stream_path(wf_fsd *fsd, const char *path, uint16_t *name,
    size_t *units, bool *trailing, uint32_t *named_stream, size_t *node_units)
{
    const char *last = strrchr(path, '\\');
    const char *colon = last != NULL ? strchr(last, ':') : NULL;
    uint16_t stream[WF_FSD_MAX_PATH_UNITS];
    size_t base_units, stream_units = 0, i, type_at;
    char *base;
    NTSTATUS status;

    *named_stream = 0;
    if (colon == NULL || !fsd->named_streams) {
        status = wf_fsd_parse_path(path, name, units, trailing);
        *node_units = *units;
        return status;
    }
    /* A stream part ends the path: "dir\file:stream" with no backslash after it. */
    base = malloc((size_t)(colon - path) + 1);
    if (base == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    memcpy(base, path, (size_t)(colon - path));
    base[colon - path] = 0;
    status = wf_fsd_parse_path(base, name, &base_units, trailing);
    free(base);
    if (status != STATUS_SUCCESS)
        return status;
    if (*trailing || base_units < 2)
        return STATUS_OBJECT_NAME_INVALID;
    if (wf_utf8_to_utf16(colon + 1, strlen(colon + 1), stream, WF_FSD_MAX_PATH_UNITS,
            &stream_units) != STATUS_SUCCESS)
        return STATUS_OBJECT_NAME_INVALID;
    for (type_at = 0; type_at < stream_units && stream[type_at] != ':'; type_at++)
        if (wf_fsd_stream_char_invalid(stream[type_at]))
            return STATUS_OBJECT_NAME_INVALID;
    /* ":name", ":name:$DATA", "::$DATA"; never ":", ":name:" or another type. */
    if (type_at < stream_units &&
            !wf_fsd_stream_type_is_data(stream + type_at + 1, stream_units - type_at - 1))
        return STATUS_OBJECT_NAME_INVALID;
    if (type_at == 0 && type_at == stream_units)
        return STATUS_OBJECT_NAME_INVALID;
    if (type_at > 255 || base_units + 1 + stream_units > WF_FSD_MAX_PATH_UNITS)
        return STATUS_OBJECT_NAME_INVALID;
    if (type_at == 0) {
        /* "file::$DATA": the file's own data, the file itself. */
        *units = base_units;
        *node_units = base_units;
        return STATUS_SUCCESS;
    }
    name[base_units] = ':';
    for (i = 0; i < stream_units; i++)
        name[base_units + 1 + i] = stream[i];
    *units = base_units + 1 + stream_units;
    /* "file:s" and "file:s:$DATA" are one open file. */
    *node_units = base_units + 1 + type_at;
    *named_stream = (uint32_t)(base_units * sizeof(uint16_t));
    return STATUS_SUCCESS;
}

NTSTATUS wf_fsd_query_streams(wf_fsd_file *file, wf_fsd_stream_fn *entry, void *ctx)
{
    wf_fsd *fsd = file->fsd;
    FSP_FSCTL_TRANSACT_RSP rsp;
    uint8_t *buffer = malloc(FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX);
    size_t len = 0, pos;
    NTSTATUS status;

    /* WinFsp's FSD answers so on a volume without NamedStreams (FspFsvolQueryStreamInformation),
       asking the file system nothing. */
    if (!fsd->named_streams) {
        free(buffer);
        return STATUS_INVALID_PARAMETER;
    }
    if (buffer == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = wf_fsd_send(fsd, &(wf_fsd_request){
        .kind = FspFsctlTransactQueryStreamInformationKind, .file = file, .buffer = buffer,
        .buffer_cap = FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX, .buffer_len = &len }, &rsp);
    if (status != STATUS_SUCCESS && status != STATUS_BUFFER_OVERFLOW)
        goto exit;
    if (rsp.Rsp.QueryStreamInformation.Buffer.Offset != 0 ||
            rsp.Rsp.QueryStreamInformation.Buffer.Size > len) {
        status = STATUS_IO_DEVICE_ERROR;
        goto exit;
    }
    len = rsp.Rsp.QueryStreamInformation.Buffer.Size;
    /* Each entry as FILE_STREAM_INFORMATION shows it: ":name:$DATA", "::$DATA". */
    for (pos = 0; pos + sizeof(FSP_FSCTL_STREAM_INFO) <= len;) {
        FSP_FSCTL_STREAM_INFO info;
        char name[3 * 255 + 16];
        size_t units, utf8 = 0;
        memcpy(&info, buffer + pos, sizeof info);
        if (info.Size < sizeof info || pos + info.Size > len ||
                (info.Size - sizeof info) % 2) {
            status = STATUS_IO_DEVICE_ERROR;
            break;
        }
        units = (info.Size - sizeof info) / 2;
        name[0] = ':';
        if (units > 255 || wf_utf16_to_utf8((const uint16_t *)(const void *)(buffer + pos +
                sizeof info), units, name + 1, sizeof name - 8, &utf8) != STATUS_SUCCESS) {
            status = STATUS_IO_DEVICE_ERROR;
            break;
        }
        memcpy(name + 1 + utf8, ":$DATA", 7);
        if (!entry(ctx, name, info.StreamSize, info.StreamAllocationSize))
            break;
        pos = FSP_FSCTL_DEFAULT_ALIGN_UP(pos + info.Size);
    }
exit:
    free(buffer);
    return status;
}
