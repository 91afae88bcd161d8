/* op_table.c — the one table of WinFsp request kinds: handler and name. */
#include "engine/engine_internal.h"

static wf_step op_unsupported(wf_op *op)
{
    op->status = STATUS_INVALID_DEVICE_REQUEST;
    return WF_STEP_DONE;
}

const wf_op_kind wf_op_kinds[FspFsctlTransactKindCount] = {
    [FspFsctlTransactReservedKind] = { op_unsupported, "Reserved" },
    [FspFsctlTransactCreateKind] = { wf_op_create, "Create" },
    [FspFsctlTransactOverwriteKind] = { wf_op_overwrite, "Overwrite" },
    [FspFsctlTransactCleanupKind] = { wf_op_cleanup, "Cleanup" },
    [FspFsctlTransactCloseKind] = { wf_op_close, "Close" },
    [FspFsctlTransactReadKind] = { wf_op_read, "Read" },
    [FspFsctlTransactWriteKind] = { wf_op_write, "Write" },
    [FspFsctlTransactQueryInformationKind] = { wf_op_query_information, "QueryInformation" },
    [FspFsctlTransactSetInformationKind] = { wf_op_set_information, "SetInformation" },
    [FspFsctlTransactQueryEaKind] = { wf_op_query_ea, "QueryEa" },
    [FspFsctlTransactSetEaKind] = { wf_op_set_ea, "SetEa" },
    [FspFsctlTransactFlushBuffersKind] = { wf_op_flush_buffers, "FlushBuffers" },
    [FspFsctlTransactQueryVolumeInformationKind] = { wf_op_query_volume_information, "QueryVolumeInformation" },
    [FspFsctlTransactSetVolumeInformationKind] = { wf_op_set_volume_information, "SetVolumeInformation" },
    [FspFsctlTransactQueryDirectoryKind] = { wf_op_query_directory, "QueryDirectory" },
    [FspFsctlTransactFileSystemControlKind] = { wf_op_file_system_control, "FileSystemControl" },
    [FspFsctlTransactDeviceControlKind] = { op_unsupported, "DeviceControl" },
    [FspFsctlTransactShutdownKind] = { op_unsupported, "Shutdown" },
    [FspFsctlTransactLockControlKind] = { op_unsupported, "LockControl" },
    [FspFsctlTransactQuerySecurityKind] = { wf_op_query_security, "QuerySecurity" },
    [FspFsctlTransactSetSecurityKind] = { wf_op_set_security, "SetSecurity" },
    [FspFsctlTransactQueryStreamInformationKind] = { wf_op_query_stream_information, "QueryStreamInformation" },
};

wf_op_fn *wf_op_handler(uint32_t kind)
{
    return kind < FspFsctlTransactKindCount ? wf_op_kinds[kind].handler : op_unsupported;
}

const char *wf_op_kind_name(uint32_t kind)
{
    return kind < FspFsctlTransactKindCount ? wf_op_kinds[kind].name : "Unknown";
}
