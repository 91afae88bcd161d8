/* check_cases_volume.c — the write-side `winfuse check` cases for FlushBuffers of a file
   and for the volume label (SetVolumeInformation). */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "winfuse/mappings.h"
#include "win32ops.h"
#include "winfuse/nt_constants.h"

static void wf_case_flush_file(wf_check *check, const void *param)
{
    wf_fsd_file *file = NULL;
    uint32_t written = 0;
    char buffer[16];
    size_t length;

    (void)param;
    if (!wf_check_setup(check, wf_check_create(check, "f.txt", FILE_GENERIC_READ |
            FILE_GENERIC_WRITE, WF_SHARE_ALL, FILE_CREATE, FILE_NON_DIRECTORY_FILE,
            FILE_ATTRIBUTE_NORMAL, &file, NULL), "create f.txt") ||
        !wf_check_setup(check, wf_fsd_write(file, "flushed", 0, 7, false, &written, NULL),
            "write f.txt"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_fsd_flush(check->fsd, file, NULL),
            "FlushBuffers of a file just written"))
        return;
    /* Read through another handle while the writer is still open. */
    if (wf_check_setup(check, wf_check_read_name(check, "f.txt", buffer, sizeof buffer,
            &length), "read f.txt"))
        wf_check_data(check, "flushed", 7, buffer, length, "after the flush");
}

/* The label QueryVolumeInformation reports, in UTF-8. */
static NTSTATUS wf_volume_label(wf_check *check, char *label, size_t size)
{
    FSP_FSCTL_VOLUME_INFO volume;
    size_t units, length = 0;
    NTSTATUS status;

    label[0] = '\0';
    status = wf_fsd_query_volume(check->fsd, &volume);
    if (status != STATUS_SUCCESS)
        return status;
    units = volume.VolumeLabelLength / sizeof(uint16_t);
    if (units > sizeof volume.VolumeLabel / sizeof volume.VolumeLabel[0])
        return STATUS_INVALID_PARAMETER;
    status = wf_utf16_to_utf8(volume.VolumeLabel, units, label, size - 1, &length);
    label[status == STATUS_SUCCESS ? length : 0] = '\0';
    return status;
}

static void wf_case_label(wf_check *check, const void *param)
{
    static const char label[] = "WinFuse check";
    char old[128], now[128];

    (void)param;
    if (!wf_check_setup(check, wf_volume_label(check, old, sizeof old), "the current label"))
        return;
    if (!wf_check_status(check, STATUS_SUCCESS, wf_fsd_set_volume_label(check->fsd, label,
            NULL), "SetVolumeInformation FileFsLabelInformation") ||
        !wf_check_setup(check, wf_volume_label(check, now, sizeof now), "query the label"))
        goto restore;
    if (strcmp(now, label) != 0) {
        wf_check_fail(check, label, now[0] ? now : "(none)", "the label read back");
        goto restore;
    }
    /* NTFS takes at most 32 characters. */
    memset(now, 'L', 33);
    now[33] = '\0';
    wf_check_status(check, STATUS_INVALID_PARAMETER, wf_fsd_set_volume_label(check->fsd,
        now, NULL), "a 33-character label");
restore:
    wf_fsd_set_volume_label(check->fsd, old, NULL);
}

const wf_check_case wf_check_cases_volume[] = {
    { "flush.file", "FlushBuffers of a file just written succeeds; the data reads back", true,
        wf_case_flush_file, NULL },
    { "volume.label", "a label set reads back; more than 32 characters: "
        "STATUS_INVALID_PARAMETER", true, wf_case_label, NULL },
    { NULL, NULL, false, NULL, NULL },
};
