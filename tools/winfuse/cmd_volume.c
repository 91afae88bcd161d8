/* cmd_volume.c — the shell's volume commands: vol (the volume, and what FUSE INIT
   negotiated) and label. */
#include <stdio.h>
#include <unistd.h>

#include "winfuse/mappings.h"
#include "format.h"
#include "shell.h"
#include "winfuse/engine.h"

bool wf_cmd_vol(wf_shell *shell, int argc, char **argv)
{
    FSP_FSCTL_VOLUME_INFO volume;
    wf_engine_info info;
    char label[sizeof volume.VolumeLabel / sizeof volume.VolumeLabel[0] * 3 + 1];
    char flags[2048];
    size_t units, len = 0;
    NTSTATUS status;

    (void)argv;
    if (argc != 1)
        return wf_shell_usage("vol");

    status = wf_fsd_query_volume(shell->fsd, &volume);
    if (status == STATUS_SUCCESS) {
        units = volume.VolumeLabelLength / 2;
        if (units > sizeof volume.VolumeLabel / sizeof volume.VolumeLabel[0])
            units = sizeof volume.VolumeLabel / sizeof volume.VolumeLabel[0];
        if (wf_utf16_to_utf8(volume.VolumeLabel, units, label, sizeof label - 1, &len) !=
            STATUS_SUCCESS)
            len = 0;
        label[len] = '\0';
        printf("Volume label:   %s\n", len ? label : "(none)");
        printf("Total size:     %llu bytes\n", (unsigned long long)volume.TotalSize);
        printf("Free size:      %llu bytes\n", (unsigned long long)volume.FreeSize);
    }

    /* What INIT negotiated is known to the engine even when the volume query failed. */
    wf_engine_get_info(wf_volume_engine(shell->volume), &info);
    wf_format_fuse_flags(info.flags, flags, sizeof flags);
    printf("FUSE protocol:  %u.%u%s\n", (unsigned)info.major, (unsigned)info.minor,
        info.connected ? "" : " (disconnected)");
    printf("max_write:      %u\n", (unsigned)info.max_write);
    printf("max_readahead:  %u\n", (unsigned)info.max_readahead);
    printf("max_pages:      %u\n", (unsigned)info.max_pages);
    printf("time_gran:      %u\n", (unsigned)info.time_gran);
    printf("read size:      %u\n", (unsigned)info.read_size);
    printf("write size:     %u\n", (unsigned)info.write_size);
    printf("INIT flags:     0x%llx %s\n", (unsigned long long)info.flags, flags);
    printf("Requests:       %llu sent, %llu answered, %u in flight, %u cached nodes, "
        "%llu forgotten\n",
        (unsigned long long)info.requests_sent, (unsigned long long)info.replies_received,
        (unsigned)info.requests_in_flight, (unsigned)info.nodes_cached,
        (unsigned long long)info.forgets_sent);
    printf("Misbehaviour:   %llu bad replies, %llu unknown replies, %llu bad names, "
        "%llu notifications\n",
        (unsigned long long)info.bad_replies, (unsigned long long)info.unknown_replies,
        (unsigned long long)info.bad_names, (unsigned long long)info.notifications);
    printf("Changes:        %llu reported, %llu without a known name\n",
        (unsigned long long)info.changes_reported, (unsigned long long)info.changes_unnamed);
    printf("Given up:       %llu timed out or cancelled, %llu answered late, %u awaited\n",
        (unsigned long long)info.timeouts, (unsigned long long)info.late_replies,
        (unsigned)info.requests_given_up);
    printf("Shell process:  %ld (winfuse abort %ld aborts the file system)\n",
        (long)getpid(), (long)getpid());

    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, "vol", status);
    return true;
}

bool wf_cmd_label(wf_shell *shell, int argc, char **argv)
{
    NTSTATUS status;

    if (argc > 2)
        return wf_shell_usage("label [TEXT] (quote a label with blanks)");
    status = wf_fsd_set_volume_label(shell->fsd, argc == 2 ? argv[1] : "", NULL);
    if (status != STATUS_SUCCESS)
        return wf_shell_fail(shell, "label", status);
    return true;
}
