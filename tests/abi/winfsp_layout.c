/* winfsp_layout.c — prints the layout of winfsp_abi.h (sizes, offsets, bit positions, constants) as numbers. */
/*
 * scripts/abi-check.sh diffs this output with tests/abi/winfsp-fsctl-layout.txt, a dump of
 * WinFsp's own fsctl.h. Every line names a type, a member path and numbers; offsets and bit
 * positions count from the start of the outermost type. A bit-field has no address, so its
 * position is found by storing into a zeroed struct and looking for the bits that changed.
 *
 * WF_LAYOUT_HEADER (a quoted header name) swaps winfsp_abi.h for another header that declares
 * the same names: that is how the stored dump was made from fsctl.h (docs/windows.md).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef WF_LAYOUT_HEADER
#include WF_LAYOUT_HEADER
#else
#include "winfuse/winfsp_abi.h"
#endif

/* Not a constant, so that storing it into a narrow bit-field draws no overflow warning. */
static volatile uint32_t all_ones = 0xffffffffU;

static void print_bits(const char *name, const unsigned char *one, const unsigned char *ones,
                       size_t size)
{
    size_t first = (size_t)-1, width = 0;

    for (size_t i = 0; i < size * 8; i++) {
        if (one[i / 8] >> (i % 8) & 1)
            first = first == (size_t)-1 ? i : first;
        if (ones[i / 8] >> (i % 8) & 1)
            width++;
    }
    printf("%s bit %u width %u\n", name, (unsigned)first, (unsigned)width);
}

#define SIZE(T) printf("%s size %u\n", #T, (unsigned)sizeof(T))
#define MEMBER(T, m) \
    printf("%s.%s offset %u size %u\n", #T, #m, (unsigned)offsetof(T, m), \
           (unsigned)sizeof(((T *)0)->m))
/* A flexible array member has an offset but no size. */
#define FLEX(T, m) printf("%s.%s offset %u\n", #T, #m, (unsigned)offsetof(T, m))
#define BITS(T, m) \
    do { \
        static T one_, ones_; \
        memset(&one_, 0, sizeof one_); \
        memset(&ones_, 0, sizeof ones_); \
        one_.m = 1; \
        ones_.m = all_ones; \
        print_bits(#T "." #m, (const unsigned char *)&one_, (const unsigned char *)&ones_, \
                   sizeof(T)); \
    } while (0)
#define CONSTANT(c) printf("const %s %llu\n", #c, (unsigned long long)(c))
/* A control code is a 32-bit ULONG: fsctl.h computes some in int, which sign-extends. */
#define CODE(c) printf("code %s %lu\n", #c, (unsigned long)(uint32_t)(c))

/* The fields VOLUME_PARAMS_V0 and VOLUME_PARAMS share. */
#define VOLUME_PARAMS_V0(T) \
    SIZE(T); \
    MEMBER(T, Version); \
    MEMBER(T, SectorSize); \
    MEMBER(T, SectorsPerAllocationUnit); \
    MEMBER(T, MaxComponentLength); \
    MEMBER(T, VolumeCreationTime); \
    MEMBER(T, VolumeSerialNumber); \
    MEMBER(T, TransactTimeout); \
    MEMBER(T, IrpTimeout); \
    MEMBER(T, IrpCapacity); \
    MEMBER(T, FileInfoTimeout); \
    BITS(T, CaseSensitiveSearch); \
    BITS(T, CasePreservedNames); \
    BITS(T, UnicodeOnDisk); \
    BITS(T, PersistentAcls); \
    BITS(T, ReparsePoints); \
    BITS(T, ReparsePointsAccessCheck); \
    BITS(T, NamedStreams); \
    BITS(T, HardLinks); \
    BITS(T, ExtendedAttributes); \
    BITS(T, ReadOnlyVolume); \
    BITS(T, PostCleanupWhenModifiedOnly); \
    BITS(T, PassQueryDirectoryPattern); \
    BITS(T, AlwaysUseDoubleBuffering); \
    BITS(T, PassQueryDirectoryFileName); \
    BITS(T, FlushAndPurgeOnCleanup); \
    BITS(T, DeviceControl); \
    BITS(T, UmFileContextIsUserContext2); \
    BITS(T, UmFileContextIsFullContext); \
    BITS(T, UmNoReparsePointsDirCheck); \
    BITS(T, UmReservedFlags); \
    BITS(T, AllowOpenInKernelMode); \
    BITS(T, CasePreservedExtendedAttributes); \
    BITS(T, WslFeatures); \
    BITS(T, DirectoryMarkerAsNextOffset); \
    BITS(T, RejectIrpPriorToTransact0); \
    BITS(T, SupportsPosixUnlinkRename); \
    BITS(T, PostDispositionWhenNecessaryOnly); \
    BITS(T, KmReservedFlags); \
    MEMBER(T, Prefix); \
    MEMBER(T, FileSystemName)

/* Request kinds whose arguments are only the two contexts. */
#define REQ_CONTEXTS(k) \
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.k); \
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.k.UserContext); \
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.k.UserContext2)

int main(void)
{
    VOLUME_PARAMS_V0(FSP_FSCTL_VOLUME_PARAMS_V0);
    VOLUME_PARAMS_V0(FSP_FSCTL_VOLUME_PARAMS);
    BITS(FSP_FSCTL_VOLUME_PARAMS, VolumeInfoTimeoutValid);
    BITS(FSP_FSCTL_VOLUME_PARAMS, DirInfoTimeoutValid);
    BITS(FSP_FSCTL_VOLUME_PARAMS, SecurityTimeoutValid);
    BITS(FSP_FSCTL_VOLUME_PARAMS, StreamInfoTimeoutValid);
    BITS(FSP_FSCTL_VOLUME_PARAMS, EaTimeoutValid);
    BITS(FSP_FSCTL_VOLUME_PARAMS, KmAdditionalReservedFlags);
    MEMBER(FSP_FSCTL_VOLUME_PARAMS, VolumeInfoTimeout);
    MEMBER(FSP_FSCTL_VOLUME_PARAMS, DirInfoTimeout);
    MEMBER(FSP_FSCTL_VOLUME_PARAMS, SecurityTimeout);
    MEMBER(FSP_FSCTL_VOLUME_PARAMS, StreamInfoTimeout);
    MEMBER(FSP_FSCTL_VOLUME_PARAMS, EaTimeout);
    MEMBER(FSP_FSCTL_VOLUME_PARAMS, FsextControlCode);
    MEMBER(FSP_FSCTL_VOLUME_PARAMS, Reserved32);
    MEMBER(FSP_FSCTL_VOLUME_PARAMS, Reserved64);

    SIZE(FSP_FSCTL_VOLUME_INFO);
    MEMBER(FSP_FSCTL_VOLUME_INFO, TotalSize);
    MEMBER(FSP_FSCTL_VOLUME_INFO, FreeSize);
    MEMBER(FSP_FSCTL_VOLUME_INFO, VolumeLabelLength);
    MEMBER(FSP_FSCTL_VOLUME_INFO, VolumeLabel);

    SIZE(FSP_FSCTL_FILE_INFO);
    MEMBER(FSP_FSCTL_FILE_INFO, FileAttributes);
    MEMBER(FSP_FSCTL_FILE_INFO, ReparseTag);
    MEMBER(FSP_FSCTL_FILE_INFO, AllocationSize);
    MEMBER(FSP_FSCTL_FILE_INFO, FileSize);
    MEMBER(FSP_FSCTL_FILE_INFO, CreationTime);
    MEMBER(FSP_FSCTL_FILE_INFO, LastAccessTime);
    MEMBER(FSP_FSCTL_FILE_INFO, LastWriteTime);
    MEMBER(FSP_FSCTL_FILE_INFO, ChangeTime);
    MEMBER(FSP_FSCTL_FILE_INFO, IndexNumber);
    MEMBER(FSP_FSCTL_FILE_INFO, HardLinks);
    MEMBER(FSP_FSCTL_FILE_INFO, EaSize);

    SIZE(FSP_FSCTL_OPEN_FILE_INFO);
    MEMBER(FSP_FSCTL_OPEN_FILE_INFO, FileInfo);
    MEMBER(FSP_FSCTL_OPEN_FILE_INFO, NormalizedName);
    MEMBER(FSP_FSCTL_OPEN_FILE_INFO, NormalizedNameSize);

    SIZE(FSP_FSCTL_DIR_INFO);
    MEMBER(FSP_FSCTL_DIR_INFO, Size);
    MEMBER(FSP_FSCTL_DIR_INFO, FileInfo);
    MEMBER(FSP_FSCTL_DIR_INFO, NextOffset);
    MEMBER(FSP_FSCTL_DIR_INFO, Padding);
    FLEX(FSP_FSCTL_DIR_INFO, FileNameBuf);

    SIZE(FSP_FSCTL_STREAM_INFO);
    MEMBER(FSP_FSCTL_STREAM_INFO, Size);
    MEMBER(FSP_FSCTL_STREAM_INFO, StreamSize);
    MEMBER(FSP_FSCTL_STREAM_INFO, StreamAllocationSize);
    FLEX(FSP_FSCTL_STREAM_INFO, StreamNameBuf);

    SIZE(FSP_FSCTL_NOTIFY_INFO);
    MEMBER(FSP_FSCTL_NOTIFY_INFO, Size);
    MEMBER(FSP_FSCTL_NOTIFY_INFO, Filter);
    MEMBER(FSP_FSCTL_NOTIFY_INFO, Action);
    FLEX(FSP_FSCTL_NOTIFY_INFO, FileNameBuf);

    SIZE(FSP_FSCTL_TRANSACT_FULL_CONTEXT);
    MEMBER(FSP_FSCTL_TRANSACT_FULL_CONTEXT, UserContext);
    MEMBER(FSP_FSCTL_TRANSACT_FULL_CONTEXT, UserContext2);

    SIZE(FSP_FSCTL_TRANSACT_BUF);
    MEMBER(FSP_FSCTL_TRANSACT_BUF, Offset);
    MEMBER(FSP_FSCTL_TRANSACT_BUF, Size);

    SIZE(FSP_FSCTL_TRANSACT_REQ);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Version);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Size);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Kind);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Hint);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Create);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Create.CreateOptions);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Create.FileAttributes);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Create.SecurityDescriptor);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Create.AllocationSize);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Create.AccessToken);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Create.DesiredAccess);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Create.GrantedAccess);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Create.ShareAccess);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Create.Ea);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.Create.UserMode);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.Create.HasTraversePrivilege);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.Create.HasBackupPrivilege);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.Create.HasRestorePrivilege);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.Create.OpenTargetDirectory);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.Create.CaseSensitive);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.Create.HasTrailingBackslash);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.Create.AcceptsSecurityDescriptor);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.Create.EaIsReparsePoint);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.Create.ReservedFlags);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Create.NamedStream);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Overwrite);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Overwrite.UserContext);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Overwrite.UserContext2);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Overwrite.FileAttributes);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Overwrite.AllocationSize);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.Overwrite.Supersede);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Overwrite.Ea);
    REQ_CONTEXTS(Cleanup);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.Cleanup.Delete);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.Cleanup.SetAllocationSize);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.Cleanup.SetArchiveBit);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.Cleanup.SetLastAccessTime);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.Cleanup.SetLastWriteTime);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.Cleanup.SetChangeTime);
    REQ_CONTEXTS(Close);
    REQ_CONTEXTS(Read);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Read.Address);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Read.Offset);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Read.Length);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Read.Key);
    REQ_CONTEXTS(Write);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Write.Address);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Write.Offset);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Write.Length);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.Write.Key);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.Write.ConstrainedIo);
    REQ_CONTEXTS(QueryInformation);
    REQ_CONTEXTS(SetInformation);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.FileInformationClass);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Allocation);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Allocation.AllocationSize);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Basic);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Basic.FileAttributes);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Basic.CreationTime);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Basic.LastAccessTime);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Basic.LastWriteTime);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Basic.ChangeTime);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Disposition);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Disposition.Delete);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.DispositionEx);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.DispositionEx.Flags);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.EndOfFile);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.EndOfFile.FileSize);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Rename);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Rename.NewFileName);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Rename.AccessToken);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.RenameEx);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.RenameEx.NewFileName);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.RenameEx.AccessToken);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.RenameEx.Flags);
    REQ_CONTEXTS(QueryEa);
    REQ_CONTEXTS(SetEa);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetEa.Ea);
    REQ_CONTEXTS(FlushBuffers);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetVolumeInformation);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetVolumeInformation.FsInformationClass);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetVolumeInformation.Info);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetVolumeInformation.Info.Label);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetVolumeInformation.Info.Label.VolumeLabel);
    REQ_CONTEXTS(QueryDirectory);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.QueryDirectory.Address);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.QueryDirectory.Length);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.QueryDirectory.Pattern);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.QueryDirectory.Marker);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.QueryDirectory.CaseSensitive);
    BITS(FSP_FSCTL_TRANSACT_REQ, Req.QueryDirectory.PatternIsFileName);
    REQ_CONTEXTS(FileSystemControl);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.FileSystemControl.FsControlCode);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.FileSystemControl.Buffer);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.FileSystemControl.TargetOnFileSystem);
    REQ_CONTEXTS(DeviceControl);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.DeviceControl.IoControlCode);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.DeviceControl.Buffer);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.DeviceControl.OutputLength);
    REQ_CONTEXTS(QuerySecurity);
    REQ_CONTEXTS(SetSecurity);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetSecurity.SecurityInformation);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, Req.SetSecurity.SecurityDescriptor);
    REQ_CONTEXTS(QueryStreamInformation);
    MEMBER(FSP_FSCTL_TRANSACT_REQ, FileName);
    FLEX(FSP_FSCTL_TRANSACT_REQ, Buffer);

    SIZE(FSP_FSCTL_TRANSACT_RSP);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Version);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Size);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Kind);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Hint);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, IoStatus);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, IoStatus.Information);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, IoStatus.Status);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.Create);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.Create.Opened);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.Create.Opened.UserContext);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.Create.Opened.UserContext2);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.Create.Opened.GrantedAccess);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.Create.Opened.SecurityDescriptor);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.Create.Opened.FileInfo);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.Create.Opened.FileName);
    BITS(FSP_FSCTL_TRANSACT_RSP, Rsp.Create.Opened.DisableCache);
    BITS(FSP_FSCTL_TRANSACT_RSP, Rsp.Create.Opened.HasSecurityDescriptor);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.Create.Reparse);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.Create.Reparse.Buffer);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.Overwrite.FileInfo);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.Write.FileInfo);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.QueryInformation.FileInfo);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.SetInformation.FileInfo);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.QueryEa.Ea);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.SetEa.FileInfo);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.SetEa.Ea);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.FlushBuffers.FileInfo);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.QueryVolumeInformation.VolumeInfo);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.SetVolumeInformation.VolumeInfo);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.FileSystemControl.Buffer);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.DeviceControl.Buffer);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.QuerySecurity.SecurityDescriptor);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.SetSecurity.SecurityDescriptor);
    MEMBER(FSP_FSCTL_TRANSACT_RSP, Rsp.QueryStreamInformation.Buffer);
    FLEX(FSP_FSCTL_TRANSACT_RSP, Buffer);

    CONSTANT(FspFsctlTransactReservedKind);
    CONSTANT(FspFsctlTransactCreateKind);
    CONSTANT(FspFsctlTransactOverwriteKind);
    CONSTANT(FspFsctlTransactCleanupKind);
    CONSTANT(FspFsctlTransactCloseKind);
    CONSTANT(FspFsctlTransactReadKind);
    CONSTANT(FspFsctlTransactWriteKind);
    CONSTANT(FspFsctlTransactQueryInformationKind);
    CONSTANT(FspFsctlTransactSetInformationKind);
    CONSTANT(FspFsctlTransactQueryEaKind);
    CONSTANT(FspFsctlTransactSetEaKind);
    CONSTANT(FspFsctlTransactFlushBuffersKind);
    CONSTANT(FspFsctlTransactQueryVolumeInformationKind);
    CONSTANT(FspFsctlTransactSetVolumeInformationKind);
    CONSTANT(FspFsctlTransactQueryDirectoryKind);
    CONSTANT(FspFsctlTransactFileSystemControlKind);
    CONSTANT(FspFsctlTransactDeviceControlKind);
    CONSTANT(FspFsctlTransactShutdownKind);
    CONSTANT(FspFsctlTransactLockControlKind);
    CONSTANT(FspFsctlTransactQuerySecurityKind);
    CONSTANT(FspFsctlTransactSetSecurityKind);
    CONSTANT(FspFsctlTransactQueryStreamInformationKind);
    CONSTANT(FspFsctlTransactKindCount);
    CONSTANT(FspFsctlTransactTimeoutMinimum);
    CONSTANT(FspFsctlTransactTimeoutMaximum);
    CONSTANT(FspFsctlTransactTimeoutDefault);
    CONSTANT(FspFsctlIrpTimeoutMinimum);
    CONSTANT(FspFsctlIrpTimeoutMaximum);
    CONSTANT(FspFsctlIrpTimeoutDefault);
    CONSTANT(FspFsctlIrpTimeoutDebug);
    CONSTANT(FspFsctlIrpCapacityMinimum);
    CONSTANT(FspFsctlIrpCapacityMaximum);
    CONSTANT(FspFsctlIrpCapacityDefault);
    CONSTANT(FSP_FSCTL_DEFAULT_ALIGNMENT);
    CONSTANT(FSP_FSCTL_DEFAULT_ALIGN_UP(1));
    CODE(FSP_FSCTL_MOUNTDEV);
    CODE(FSP_FSCTL_MOUNTMGR);
    CODE(FSP_FSCTL_VOLUME_NAME);
    CODE(FSP_FSCTL_VOLUME_LIST);
    CODE(FSP_FSCTL_TRANSACT);
    CODE(FSP_IOCTL_TRANSACT);
    CODE(FSP_FSCTL_TRANSACT_BATCH);
    CODE(FSP_IOCTL_TRANSACT_BATCH);
    CODE(FSP_FSCTL_STOP);
    CODE(FSP_FSCTL_STOP0);
    CODE(FSP_FSCTL_NOTIFY);
    CODE(FSP_FSCTL_UNLOAD);
    CODE(FSP_FSCTL_TRANSACT_INTERNAL);
    CODE(FSP_IOCTL_TRANSACT_INTERNAL);
    CODE(FSP_FSCTL_QUERY_WINFSP);
    CONSTANT(sizeof FSP_FSCTL_VOLUME_PARAMS_PREFIX);
    CONSTANT(FSP_FSCTL_VOLUME_NAME_SIZE);
    CONSTANT(FSP_FSCTL_VOLUME_PREFIX_SIZE);
    CONSTANT(FSP_FSCTL_VOLUME_FSNAME_SIZE);
    CONSTANT(FSP_FSCTL_VOLUME_NAME_SIZEMAX);
    CONSTANT(FSP_FSCTL_TRANSACT_PATH_SIZEMAX);
    CONSTANT(FSP_FSCTL_TRANSACT_REQ_SIZEMAX);
    CONSTANT(FSP_FSCTL_TRANSACT_RSP_SIZEMAX);
    CONSTANT(FSP_FSCTL_TRANSACT_REQ_BUFFER_SIZEMAX);
    CONSTANT(FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX);
    CONSTANT(FSP_FSCTL_TRANSACT_BATCH_BUFFER_SIZEMIN);
    CONSTANT(FSP_FSCTL_TRANSACT_BUFFER_SIZEMIN);
    CONSTANT(FSP_FSCTL_DEVICECONTROL_SIZEMAX);
    CONSTANT(FSP_FSCTL_NOTIFY_INFO_SIZEMAX);
    CONSTANT((UINT_PTR)FSP_FSCTL_TRANSACT_REQ_TOKEN_HANDLE(0x0000123400005678));
    CONSTANT(FSP_FSCTL_TRANSACT_REQ_TOKEN_PID(0x0000123400005678));
    return 0;
}
