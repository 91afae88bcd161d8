/* winfsp_abi.h — the WinFsp transact ABI (requests, responses, volume params), our own text. */
#ifndef WINFUSE_WINFSP_ABI_H
#define WINFUSE_WINFSP_ABI_H

/*
 * Where the layout comes from
 * ---------------------------
 * - Type names, field names, field order and types, the transact kinds and the size limits
 *   are WinFsp's, from inc/winfsp/fsctl.h at tag v2.2B2, commit e7c7ccc ("2026 Beta2"). They
 *   are kept exactly so this file can be read side by side with fsctl.h.
 * - The byte layout is the one MSVC gives that header on x64, because WinFsp (driver and DLL)
 *   is built with MSVC: natural alignment of every member, structs padded to their largest
 *   member's alignment, and MSVC's bit-field rules (a run of `UINT32 x:n` fields shares one
 *   4-byte unit, a field that does not fit starts the next unit, and the member after the run
 *   starts after the whole unit). fsctl.h's own asserts anchor it: VOLUME_PARAMS_V0 456,
 *   VOLUME_PARAMS 504, VOLUME_INFO 88, FILE_INFO 72, DIR_INFO 104, STREAM_INFO 24,
 *   NOTIFY_INFO 12. Every other size and offset below was derived by those rules, and all
 *   of the asserts below were checked against the unmodified fsctl.h compiled by clang with
 *   --target=x86_64-pc-windows-msvc (the MSVC record layout) and by x86_64-w64-mingw32-gcc.
 * - Every size and offset is pinned by _Static_assert at the end of this file, so any
 *   compiler that lays a struct out differently fails to build rather than mis-read a request.
 *
 * Compilers: freestanding C11 with gcc or clang (SysV x86-64 ABI) and x86_64-w64-mingw32-gcc
 * (LLP64, -mms-bitfields by default). The one place where the SysV bit-field rules would give
 * a different layout (Req.Overwrite) is fixed by explicit sizing, see there. The layout is
 * defined for 64-bit targets only (FSP_FSCTL_OPEN_FILE_INFO holds a pointer).
 *
 * Windows headers: if a translation unit needs the Windows SDK/DDK too, include them first.
 */

#include <stddef.h>
#include <stdint.h>

#include "winfuse/nt_constants.h"

/* ---- The Windows integer types the ABI is written in -------------------------------------
 * Defined from <stdint.h> everywhere. C11 allows a typedef to be repeated with the same type,
 * and on mingw-w64 these are exactly the types basetsd.h/winnt.h use (WCHAR is wchar_t, which
 * is unsigned short there), so they coexist with the Windows headers. WCHAR is a UTF-16 code
 * unit on every platform, never Linux's 32-bit wchar_t. */
typedef int8_t INT8;
typedef int16_t INT16;
typedef int32_t INT32;
typedef int64_t INT64;
typedef uint8_t UINT8;
typedef uint16_t UINT16;
typedef uint32_t UINT32;
typedef uint64_t UINT64;
typedef uintptr_t UINT_PTR;
typedef uint16_t WCHAR;
typedef WCHAR *PWSTR;

/* ---- Alignment ----------------------------------------------------------------------------
 * Requests and responses follow each other in transact buffers at 8-byte boundaries; s must
 * be a power of two. Computed in size_t so that an unsigned s cannot truncate the mask. */
#define FSP_FSCTL_ALIGN_UP(x, s)        (((x) + ((size_t)(s) - 1)) & ~((size_t)(s) - 1))
#define FSP_FSCTL_DEFAULT_ALIGNMENT     8
#define FSP_FSCTL_DEFAULT_ALIGN_UP(x)   FSP_FSCTL_ALIGN_UP(x, FSP_FSCTL_DEFAULT_ALIGNMENT)

/* ---- Control codes of the WinFsp devices -------------------------------------------------
 * CTL_CODE spelled out (device << 16 | access << 14 | function << 2 | method) so that this
 * header needs no Windows header; WinFsp's functions are 0x800 + a letter. */
#define WF_FSP_CTL_CODE(dev, fn, method, access) \
    (((UINT32)(dev) << 16) | ((UINT32)(access) << 14) | ((UINT32)(fn) << 2) | (UINT32)(method))
/* Volume and control-device codes: file system device type, any access. */
#define WF_FSP_FSCTL_CODE(letter, method) \
    WF_FSP_CTL_CODE(FILE_DEVICE_FILE_SYSTEM, 0x800 + (letter), method, FILE_ANY_ACCESS)
/* The same functions as ioctls, for WinFsp's non-file-system device type 'FW'. */
#define WF_FSP_IOCTL_CODE(letter) \
    WF_FSP_CTL_CODE(0x8000U | ('F' << 8) | 'W', 0x800 + (letter), METHOD_BUFFERED, FILE_ANY_ACCESS)

#define FSP_FSCTL_MOUNTDEV              WF_FSP_FSCTL_CODE('M', METHOD_BUFFERED)
#define FSP_FSCTL_MOUNTMGR              WF_FSP_FSCTL_CODE('m', METHOD_BUFFERED)
#define FSP_FSCTL_VOLUME_NAME           WF_FSP_FSCTL_CODE('N', METHOD_BUFFERED)
#define FSP_FSCTL_VOLUME_LIST           WF_FSP_FSCTL_CODE('L', METHOD_BUFFERED)
#define FSP_FSCTL_TRANSACT              WF_FSP_FSCTL_CODE('T', METHOD_BUFFERED)
#define FSP_IOCTL_TRANSACT              WF_FSP_IOCTL_CODE('T')
#define FSP_FSCTL_TRANSACT_BATCH        WF_FSP_FSCTL_CODE('t', METHOD_OUT_DIRECT)
#define FSP_IOCTL_TRANSACT_BATCH        WF_FSP_IOCTL_CODE('t')
#define FSP_FSCTL_STOP                  WF_FSP_FSCTL_CODE('S', METHOD_BUFFERED)
#define FSP_FSCTL_STOP0                 WF_FSP_FSCTL_CODE('s', METHOD_BUFFERED)
#define FSP_FSCTL_NOTIFY                WF_FSP_FSCTL_CODE('n', METHOD_NEITHER)
#define FSP_FSCTL_UNLOAD                WF_FSP_FSCTL_CODE('U', METHOD_NEITHER)
/* kernel-mode callers only */
#define FSP_FSCTL_TRANSACT_INTERNAL     WF_FSP_FSCTL_CODE('I', METHOD_NEITHER)
#define FSP_IOCTL_TRANSACT_INTERNAL     WF_FSP_IOCTL_CODE('I')
/* sent to a volume to ask whether it is a WinFsp volume */
#define FSP_FSCTL_QUERY_WINFSP          WF_FSP_FSCTL_CODE('?', METHOD_BUFFERED)

/* ---- Size limits (bytes) ------------------------------------------------------------------ */
#define FSP_FSCTL_VOLUME_PARAMS_PREFIX  "\\VolumeParams="

#define FSP_FSCTL_VOLUME_NAME_SIZE      (64 * sizeof(WCHAR))
#define FSP_FSCTL_VOLUME_PREFIX_SIZE    (192 * sizeof(WCHAR))
#define FSP_FSCTL_VOLUME_FSNAME_SIZE    (16 * sizeof(WCHAR))
#define FSP_FSCTL_VOLUME_NAME_SIZEMAX   (FSP_FSCTL_VOLUME_NAME_SIZE + FSP_FSCTL_VOLUME_PREFIX_SIZE)

/* Longest path a request carries. */
#define FSP_FSCTL_TRANSACT_PATH_SIZEMAX (1024 * sizeof(WCHAR))

/* One request is at most 16 KiB less the 64 bytes the FSD keeps in front of it. */
#define FSP_FSCTL_TRANSACT_REQ_SIZEMAX  (16 * 1024 - 64)
#define FSP_FSCTL_TRANSACT_RSP_SIZEMAX  (16 * 1024)
#define FSP_FSCTL_TRANSACT_REQ_BUFFER_SIZEMAX \
    (FSP_FSCTL_TRANSACT_REQ_SIZEMAX - sizeof(FSP_FSCTL_TRANSACT_REQ))
#define FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX \
    (FSP_FSCTL_TRANSACT_RSP_SIZEMAX - sizeof(FSP_FSCTL_TRANSACT_RSP))
#define FSP_FSCTL_TRANSACT_BATCH_BUFFER_SIZEMIN (64 * 1024)
/* A transact output buffer must hold at least one request of the largest size. */
#define FSP_FSCTL_TRANSACT_BUFFER_SIZEMIN       FSP_FSCTL_TRANSACT_REQ_SIZEMAX

#define FSP_FSCTL_DEVICECONTROL_SIZEMAX (4 * 1024)
#define FSP_FSCTL_NOTIFY_INFO_SIZEMAX   (0x7fffffffU)

/* ---- The caller's identity in Req.Create.AccessToken and Req.SetInformation.Info.Rename ---
 * Low 32 bits: a token handle valid in the file system's process; high 32 bits: the
 * requesting process id. WinFsp's _HANDLE macro casts to HANDLE; ours yields the integer
 * (UINT_PTR), which Windows code casts itself. */
#define FSP_FSCTL_TRANSACT_REQ_TOKEN_HANDLE(T)  ((UINT_PTR)((T) & 0xffffffffU))
#define FSP_FSCTL_TRANSACT_REQ_TOKEN_PID(T)     ((UINT32)(((T) >> 32) & 0xffffffffU))
/* The inverse, for code that plays the FSD (the Linux stand-in and the tests). */
#define WF_FSP_ACCESS_TOKEN(pid, handle) \
    (((UINT64)(UINT32)(pid) << 32) | (UINT64)(UINT32)(handle))

/* ---- Transact kinds (FSP_FSCTL_TRANSACT_REQ.Kind / RSP.Kind) ------------------------------ */
enum
{
    FspFsctlTransactReservedKind = 0,
    FspFsctlTransactCreateKind = 1,
    FspFsctlTransactOverwriteKind = 2,
    FspFsctlTransactCleanupKind = 3,
    FspFsctlTransactCloseKind = 4,
    FspFsctlTransactReadKind = 5,
    FspFsctlTransactWriteKind = 6,
    FspFsctlTransactQueryInformationKind = 7,
    FspFsctlTransactSetInformationKind = 8,
    FspFsctlTransactQueryEaKind = 9,
    FspFsctlTransactSetEaKind = 10,
    FspFsctlTransactFlushBuffersKind = 11,
    FspFsctlTransactQueryVolumeInformationKind = 12,
    FspFsctlTransactSetVolumeInformationKind = 13,
    FspFsctlTransactQueryDirectoryKind = 14,
    FspFsctlTransactFileSystemControlKind = 15,
    FspFsctlTransactDeviceControlKind = 16,
    FspFsctlTransactShutdownKind = 17,
    FspFsctlTransactLockControlKind = 18,
    FspFsctlTransactQuerySecurityKind = 19,
    FspFsctlTransactSetSecurityKind = 20,
    FspFsctlTransactQueryStreamInformationKind = 21,
    FspFsctlTransactKindCount = 22,
};

/* Bounds and defaults of the VOLUME_PARAMS timeouts (milliseconds) and IRP capacity. */
enum
{
    FspFsctlTransactTimeoutMinimum = 1000,
    FspFsctlTransactTimeoutMaximum = 10000,
    FspFsctlTransactTimeoutDefault = 1000,
    FspFsctlIrpTimeoutMinimum = 60000,
    FspFsctlIrpTimeoutMaximum = 600000,
    FspFsctlIrpTimeoutDefault = 300000,
    FspFsctlIrpTimeoutDebug = 142,
    FspFsctlIrpCapacityMinimum = 100,
    FspFsctlIrpCapacityMaximum = 1000,
    FspFsctlIrpCapacityDefault = 1000,
};

/* ---- Volume parameters (handed to the FSD when the volume is created) ---------------------
 * The fields are listed once in macros because VOLUME_PARAMS is V0 followed by V1; Version
 * is 0 (V0) or sizeof(FSP_FSCTL_VOLUME_PARAMS). Each bit-field run below is exactly 32 bits,
 * so MSVC and SysV lay it out alike. */
#define FSP_FSCTL_VOLUME_PARAMS_V0_FIELD_DEFN \
    UINT16 Version; \
    UINT16 SectorSize; \
    UINT16 SectorsPerAllocationUnit; \
    UINT16 MaxComponentLength;          /* bytes, of one path component */ \
    UINT64 VolumeCreationTime; \
    UINT32 VolumeSerialNumber; \
    UINT32 TransactTimeout;             /* deprecated */ \
    UINT32 IrpTimeout; \
    UINT32 IrpCapacity; \
    UINT32 FileInfoTimeout;             /* ms the FSD may cache file/security/volume info */ \
    /* file system attributes, as FILE_FS_ATTRIBUTE_INFORMATION reports them */ \
    UINT32 CaseSensitiveSearch:1; \
    UINT32 CasePreservedNames:1; \
    UINT32 UnicodeOnDisk:1; \
    UINT32 PersistentAcls:1; \
    UINT32 ReparsePoints:1; \
    UINT32 ReparsePointsAccessCheck:1; \
    UINT32 NamedStreams:1; \
    UINT32 HardLinks:1; \
    UINT32 ExtendedAttributes:1; \
    UINT32 ReadOnlyVolume:1; \
    /* FSD behaviour */ \
    UINT32 PostCleanupWhenModifiedOnly:1; \
    UINT32 PassQueryDirectoryPattern:1; \
    UINT32 AlwaysUseDoubleBuffering:1; \
    UINT32 PassQueryDirectoryFileName:1; \
    UINT32 FlushAndPurgeOnCleanup:1; \
    UINT32 DeviceControl:1; \
    /* read only by WinFsp's user-mode DLL */ \
    UINT32 UmFileContextIsUserContext2:1; \
    UINT32 UmFileContextIsFullContext:1; \
    UINT32 UmNoReparsePointsDirCheck:1; \
    UINT32 UmReservedFlags:5; \
    /* more FSD behaviour */ \
    UINT32 AllowOpenInKernelMode:1; \
    UINT32 CasePreservedExtendedAttributes:1; \
    UINT32 WslFeatures:1; \
    UINT32 DirectoryMarkerAsNextOffset:1; \
    UINT32 RejectIrpPriorToTransact0:1; \
    UINT32 SupportsPosixUnlinkRename:1; \
    UINT32 PostDispositionWhenNecessaryOnly:1; \
    UINT32 KmReservedFlags:1; \
    WCHAR Prefix[FSP_FSCTL_VOLUME_PREFIX_SIZE / sizeof(WCHAR)];   /* \Server\Share if network */ \
    WCHAR FileSystemName[FSP_FSCTL_VOLUME_FSNAME_SIZE / sizeof(WCHAR)];
#define FSP_FSCTL_VOLUME_PARAMS_V1_FIELD_DEFN \
    /* which of the per-kind timeouts below override FileInfoTimeout */ \
    UINT32 VolumeInfoTimeoutValid:1; \
    UINT32 DirInfoTimeoutValid:1; \
    UINT32 SecurityTimeoutValid:1; \
    UINT32 StreamInfoTimeoutValid:1; \
    UINT32 EaTimeoutValid:1; \
    UINT32 KmAdditionalReservedFlags:27; \
    UINT32 VolumeInfoTimeout; \
    UINT32 DirInfoTimeout; \
    UINT32 SecurityTimeout; \
    UINT32 StreamInfoTimeout; \
    UINT32 EaTimeout; \
    UINT32 FsextControlCode;            /* the fsext provider's transact code; 0 for none */ \
    UINT32 Reserved32[1]; \
    UINT64 Reserved64[2];

typedef struct
{
    FSP_FSCTL_VOLUME_PARAMS_V0_FIELD_DEFN
} FSP_FSCTL_VOLUME_PARAMS_V0;

typedef struct
{
    FSP_FSCTL_VOLUME_PARAMS_V0_FIELD_DEFN
    FSP_FSCTL_VOLUME_PARAMS_V1_FIELD_DEFN
} FSP_FSCTL_VOLUME_PARAMS;

/* ---- Information records -------------------------------------------------------------- */
typedef struct
{
    UINT64 TotalSize;
    UINT64 FreeSize;
    UINT16 VolumeLabelLength;           /* bytes */
    WCHAR VolumeLabel[32];
} FSP_FSCTL_VOLUME_INFO;

/* Times are NT times (100 ns since 1601-01-01 UTC). */
typedef struct
{
    UINT32 FileAttributes;
    UINT32 ReparseTag;
    UINT64 AllocationSize;
    UINT64 FileSize;
    UINT64 CreationTime;
    UINT64 LastAccessTime;
    UINT64 LastWriteTime;
    UINT64 ChangeTime;
    UINT64 IndexNumber;
    UINT32 HardLinks;                   /* WinFsp does not use it: 0 */
    UINT32 EaSize;
} FSP_FSCTL_FILE_INFO;

/* Used in user mode only; its size depends on the pointer size. */
typedef struct
{
    FSP_FSCTL_FILE_INFO FileInfo;
    PWSTR NormalizedName;
    UINT16 NormalizedNameSize;
} FSP_FSCTL_OPEN_FILE_INFO;

/* One QueryDirectory entry; Size covers the header and the name that follows it. */
typedef struct
{
    UINT16 Size;
    FSP_FSCTL_FILE_INFO FileInfo;
    union
    {
        UINT64 NextOffset;
        UINT8 Padding[24];              /* header as large as FILE_ID_BOTH_DIR_INFORMATION's */
    };
    WCHAR FileNameBuf[];
} FSP_FSCTL_DIR_INFO;

/* One QueryStreamInformation entry; Size covers the header and the name. */
typedef struct
{
    UINT16 Size;
    UINT64 StreamSize;
    UINT64 StreamAllocationSize;
    WCHAR StreamNameBuf[];
} FSP_FSCTL_STREAM_INFO;

/* One change notification (FspFsctlNotify); Size covers the header and the name. */
typedef struct
{
    UINT16 Size;
    UINT32 Filter;
    UINT32 Action;
    WCHAR FileNameBuf[];
} FSP_FSCTL_NOTIFY_INFO;

typedef struct
{
    UINT64 UserContext;
    UINT64 UserContext2;
} FSP_FSCTL_TRANSACT_FULL_CONTEXT;

/* A variable-size item inside a request or response: Offset is counted from the start of
   the message's Buffer[], Size is in bytes. */
typedef struct
{
    UINT16 Offset;
    UINT16 Size;
} FSP_FSCTL_TRANSACT_BUF;

/* ---- Request: what the FSD hands the file system ------------------------------------------
 * UserContext/UserContext2 are the values the file system returned when the file was opened
 * (per file node / per handle). */
typedef struct
{
    UINT16 Version;
    UINT16 Size;                        /* whole request, Buffer[] included */
    UINT32 Kind;                        /* FspFsctlTransact*Kind */
    UINT64 Hint;                        /* echoed in the response to pair the two */
    union
    {
        struct
        {
            UINT32 CreateOptions;       /* disposition << 24 | FILE_* create options */
            UINT32 FileAttributes;      /* for a file that gets created */
            FSP_FSCTL_TRANSACT_BUF SecurityDescriptor;  /* for a file that gets created */
            UINT64 AllocationSize;
            UINT64 AccessToken;         /* see FSP_FSCTL_TRANSACT_REQ_TOKEN_* */
            UINT32 DesiredAccess;
            UINT32 GrantedAccess;       /* granted before the FS checks (PreviouslyGrantedAccess) */
            UINT32 ShareAccess;
            FSP_FSCTL_TRANSACT_BUF Ea;  /* EA list, or reparse data if EaIsReparsePoint */
            UINT32 UserMode:1;
            UINT32 HasTraversePrivilege:1;
            UINT32 HasBackupPrivilege:1;
            UINT32 HasRestorePrivilege:1;
            UINT32 OpenTargetDirectory:1;   /* open the parent; report whether the name exists */
            UINT32 CaseSensitive:1;
            UINT32 HasTrailingBackslash:1;
            UINT32 AcceptsSecurityDescriptor:1;
            UINT32 EaIsReparsePoint:1;
            UINT32 ReservedFlags:24;    /* 9 + 24 > 32: next unit (request bytes 68..71) */
            UINT16 NamedStream;         /* byte offset of the stream's ':' in FileName, or 0 */
        } Create;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
            UINT32 FileAttributes;
            UINT64 AllocationSize;
            UINT32 Supersede:1;         /* 1: FILE_SUPERSEDE, 0: FILE_OVERWRITE(_IF) */
            /* Not in fsctl.h: MSVC gives Supersede a whole 4-byte unit, while SysV would put
               Ea (2-byte aligned) right after it, 2 bytes early. This unnamed filler makes
               every compiler use the whole unit; MSVC's layout is unchanged by it. */
            UINT32 :31;
            FSP_FSCTL_TRANSACT_BUF Ea;
        } Overwrite;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
            UINT32 Delete:1;
            UINT32 SetAllocationSize:1;
            UINT32 SetArchiveBit:1;
            UINT32 SetLastAccessTime:1;
            UINT32 SetLastWriteTime:1;
            UINT32 SetChangeTime:1;
        } Cleanup;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
        } Close;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
            UINT64 Address;             /* where the data goes, in the file system's process */
            UINT64 Offset;
            UINT32 Length;
            UINT32 Key;
        } Read;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
            UINT64 Address;
            UINT64 Offset;              /* all ones: append at end of file */
            UINT32 Length;
            UINT32 Key;
            UINT32 ConstrainedIo:1;     /* paging write: do not extend the file */
        } Write;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
        } QueryInformation;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
            UINT32 FileInformationClass;
            union
            {
                struct
                {
                    UINT64 AllocationSize;
                } Allocation;
                struct
                {
                    UINT32 FileAttributes;
                    UINT64 CreationTime;
                    UINT64 LastAccessTime;
                    UINT64 LastWriteTime;
                    UINT64 ChangeTime;
                } Basic;
                struct
                {
                    UINT32 Delete:1;
                } Disposition;
                struct
                {
                    UINT32 Flags;       /* FILE_DISPOSITION_* */
                } DispositionEx;
                struct
                {
                    UINT64 FileSize;
                } EndOfFile;
                struct
                {
                    FSP_FSCTL_TRANSACT_BUF NewFileName;
                    UINT64 AccessToken;
                } Rename;
                struct
                {
                    FSP_FSCTL_TRANSACT_BUF NewFileName;
                    UINT64 AccessToken;
                    UINT32 Flags;       /* FILE_RENAME_* */
                } RenameEx;
            } Info;
        } SetInformation;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
        } QueryEa;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
            FSP_FSCTL_TRANSACT_BUF Ea;
        } SetEa;
        struct
        {
            UINT64 UserContext;         /* 0 when the whole volume is flushed */
            UINT64 UserContext2;
        } FlushBuffers;
        struct
        {
            UINT32 FsInformationClass;
            union
            {
                struct
                {
                    FSP_FSCTL_TRANSACT_BUF VolumeLabel;
                } Label;
            } Info;
        } SetVolumeInformation;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
            UINT64 Address;
            UINT32 Length;
            FSP_FSCTL_TRANSACT_BUF Pattern;
            FSP_FSCTL_TRANSACT_BUF Marker;  /* resume after this entry */
            UINT32 CaseSensitive:1;
            UINT32 PatternIsFileName:1;
        } QueryDirectory;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
            UINT32 FsControlCode;
            FSP_FSCTL_TRANSACT_BUF Buffer;
            UINT16 TargetOnFileSystem;  /* a symlink's target is on this volume */
        } FileSystemControl;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
            UINT32 IoControlCode;
            FSP_FSCTL_TRANSACT_BUF Buffer;
            UINT32 OutputLength;
        } DeviceControl;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
        } QuerySecurity;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
            UINT32 SecurityInformation;
            FSP_FSCTL_TRANSACT_BUF SecurityDescriptor;
        } SetSecurity;
        struct
        {
            UINT64 UserContext;
            UINT64 UserContext2;
        } QueryStreamInformation;
    } Req;
    FSP_FSCTL_TRANSACT_BUF FileName;    /* the path, for the kinds that carry one */
    _Alignas(FSP_FSCTL_DEFAULT_ALIGNMENT) UINT8 Buffer[];
} FSP_FSCTL_TRANSACT_REQ;

/* ---- Response: what the file system hands back ------------------------------------------- */
typedef struct
{
    UINT16 Version;
    UINT16 Size;                        /* whole response, Buffer[] included */
    UINT32 Kind;
    UINT64 Hint;                        /* the request's Hint */
    struct
    {
        UINT32 Information;
        UINT32 Status;                  /* NTSTATUS */
    } IoStatus;
    union
    {
        union
        {
            struct                      /* when IoStatus.Status is STATUS_SUCCESS */
            {
                UINT64 UserContext;
                UINT64 UserContext2;
                UINT32 GrantedAccess;
                FSP_FSCTL_TRANSACT_BUF SecurityDescriptor;
                FSP_FSCTL_FILE_INFO FileInfo;
                FSP_FSCTL_TRANSACT_BUF FileName;    /* normalized name, if the FS gives one */
                UINT32 DisableCache:1;
                UINT32 HasSecurityDescriptor:1;
            } Opened;
            struct                      /* when IoStatus.Status is STATUS_REPARSE */
            {
                FSP_FSCTL_TRANSACT_BUF Buffer;
            } Reparse;
        } Create;
        struct
        {
            FSP_FSCTL_FILE_INFO FileInfo;
        } Overwrite;
        struct
        {
            FSP_FSCTL_FILE_INFO FileInfo;
        } Write;
        struct
        {
            FSP_FSCTL_FILE_INFO FileInfo;
        } QueryInformation;
        struct
        {
            FSP_FSCTL_FILE_INFO FileInfo;
        } SetInformation;
        struct
        {
            FSP_FSCTL_TRANSACT_BUF Ea;
        } QueryEa;
        struct
        {
            FSP_FSCTL_FILE_INFO FileInfo;
            FSP_FSCTL_TRANSACT_BUF Ea;  /* Size 0: no EAs returned */
        } SetEa;
        struct
        {
            FSP_FSCTL_FILE_INFO FileInfo;
        } FlushBuffers;
        struct
        {
            FSP_FSCTL_VOLUME_INFO VolumeInfo;
        } QueryVolumeInformation;
        struct
        {
            FSP_FSCTL_VOLUME_INFO VolumeInfo;
        } SetVolumeInformation;
        struct
        {
            FSP_FSCTL_TRANSACT_BUF Buffer;
        } FileSystemControl;
        struct
        {
            FSP_FSCTL_TRANSACT_BUF Buffer;
        } DeviceControl;
        struct
        {
            FSP_FSCTL_TRANSACT_BUF SecurityDescriptor;
        } QuerySecurity;
        struct
        {
            FSP_FSCTL_TRANSACT_BUF SecurityDescriptor;  /* Size 0: none returned */
        } SetSecurity;
        struct
        {
            FSP_FSCTL_TRANSACT_BUF Buffer;
        } QueryStreamInformation;
    } Rsp;
    _Alignas(FSP_FSCTL_DEFAULT_ALIGNMENT) UINT8 Buffer[];
} FSP_FSCTL_TRANSACT_RSP;

/* ==== Layout pins: MSVC x64 values ========================================================
 * A bit-field has no offset; the member after a run is pinned instead, and a run that ends
 * a struct is pinned by the struct's size. */
#define WF_FSP_ASSERT_SIZE(T, n) \
    _Static_assert(sizeof(T) == (n), "sizeof(" #T ") must be " #n)
#define WF_FSP_ASSERT_MEMBER_SIZE(T, m, n) \
    _Static_assert(sizeof(((T *)0)->m) == (n), "sizeof(" #T "." #m ") must be " #n)
#define WF_FSP_ASSERT_OFFSET(T, m, n) \
    _Static_assert(offsetof(T, m) == (n), "offsetof(" #T ", " #m ") must be " #n)

_Static_assert(sizeof(void *) == 8, "winfsp_abi.h is laid out for 64-bit targets");
_Static_assert(sizeof(WCHAR) == 2, "WCHAR must be a UTF-16 code unit");
_Static_assert(FSP_FSCTL_VOLUME_NAME_SIZEMAX <= 260 * sizeof(WCHAR),
    "a volume name must fit in MAX_PATH");

WF_FSP_ASSERT_SIZE(FSP_FSCTL_TRANSACT_BUF, 4);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_BUF, Offset, 0);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_BUF, Size, 2);

WF_FSP_ASSERT_SIZE(FSP_FSCTL_TRANSACT_FULL_CONTEXT, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_FULL_CONTEXT, UserContext, 0);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_FULL_CONTEXT, UserContext2, 8);

WF_FSP_ASSERT_SIZE(FSP_FSCTL_VOLUME_PARAMS_V0, 456);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS_V0, Version, 0);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS_V0, SectorSize, 2);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS_V0, SectorsPerAllocationUnit, 4);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS_V0, MaxComponentLength, 6);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS_V0, VolumeCreationTime, 8);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS_V0, VolumeSerialNumber, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS_V0, TransactTimeout, 20);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS_V0, IrpTimeout, 24);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS_V0, IrpCapacity, 28);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS_V0, FileInfoTimeout, 32);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS_V0, Prefix, 40);   /* flags: one unit at 36 */
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS_V0, FileSystemName, 424);

WF_FSP_ASSERT_SIZE(FSP_FSCTL_VOLUME_PARAMS, 504);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS, Version, 0);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS, SectorSize, 2);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS, SectorsPerAllocationUnit, 4);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS, MaxComponentLength, 6);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS, VolumeCreationTime, 8);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS, VolumeSerialNumber, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS, TransactTimeout, 20);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS, IrpTimeout, 24);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS, IrpCapacity, 28);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS, FileInfoTimeout, 32);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS, Prefix, 40);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS, FileSystemName, 424);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS, VolumeInfoTimeout, 460);  /* flags: unit at 456 */
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS, DirInfoTimeout, 464);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS, SecurityTimeout, 468);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS, StreamInfoTimeout, 472);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS, EaTimeout, 476);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS, FsextControlCode, 480);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS, Reserved32, 484);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_PARAMS, Reserved64, 488);

WF_FSP_ASSERT_SIZE(FSP_FSCTL_VOLUME_INFO, 88);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_INFO, TotalSize, 0);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_INFO, FreeSize, 8);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_INFO, VolumeLabelLength, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_VOLUME_INFO, VolumeLabel, 18);

WF_FSP_ASSERT_SIZE(FSP_FSCTL_FILE_INFO, 72);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_FILE_INFO, FileAttributes, 0);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_FILE_INFO, ReparseTag, 4);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_FILE_INFO, AllocationSize, 8);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_FILE_INFO, FileSize, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_FILE_INFO, CreationTime, 24);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_FILE_INFO, LastAccessTime, 32);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_FILE_INFO, LastWriteTime, 40);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_FILE_INFO, ChangeTime, 48);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_FILE_INFO, IndexNumber, 56);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_FILE_INFO, HardLinks, 64);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_FILE_INFO, EaSize, 68);

WF_FSP_ASSERT_SIZE(FSP_FSCTL_OPEN_FILE_INFO, 88);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_OPEN_FILE_INFO, FileInfo, 0);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_OPEN_FILE_INFO, NormalizedName, 72);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_OPEN_FILE_INFO, NormalizedNameSize, 80);

WF_FSP_ASSERT_SIZE(FSP_FSCTL_DIR_INFO, 104);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_DIR_INFO, Size, 0);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_DIR_INFO, FileInfo, 8);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_DIR_INFO, NextOffset, 80);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_DIR_INFO, Padding, 80);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_DIR_INFO, FileNameBuf, 104);

WF_FSP_ASSERT_SIZE(FSP_FSCTL_STREAM_INFO, 24);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_STREAM_INFO, Size, 0);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_STREAM_INFO, StreamSize, 8);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_STREAM_INFO, StreamAllocationSize, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_STREAM_INFO, StreamNameBuf, 24);

WF_FSP_ASSERT_SIZE(FSP_FSCTL_NOTIFY_INFO, 12);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_NOTIFY_INFO, Size, 0);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_NOTIFY_INFO, Filter, 4);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_NOTIFY_INFO, Action, 8);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_NOTIFY_INFO, FileNameBuf, 12);

/* -- FSP_FSCTL_TRANSACT_REQ: header, then Req (a 64-byte union at 16), FileName, Buffer -- */
WF_FSP_ASSERT_SIZE(FSP_FSCTL_TRANSACT_REQ, 88);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Version, 0);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Size, 2);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Kind, 4);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Hint, 8);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req, 16);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req, 64);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, FileName, 80);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Buffer, 88);

WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.Create, 64);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Create.CreateOptions, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Create.FileAttributes, 20);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Create.SecurityDescriptor, 24);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Create.AllocationSize, 32);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Create.AccessToken, 40);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Create.DesiredAccess, 48);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Create.GrantedAccess, 52);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Create.ShareAccess, 56);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Create.Ea, 60);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Create.NamedStream, 72);  /* flags: 64, 68 */

WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.Overwrite, 40);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Overwrite.UserContext, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Overwrite.UserContext2, 24);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Overwrite.FileAttributes, 32);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Overwrite.AllocationSize, 40);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Overwrite.Ea, 52);    /* Supersede: 48 */

WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.Cleanup, 24);    /* flags: 32 */
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Cleanup.UserContext, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Cleanup.UserContext2, 24);

WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.Close, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Close.UserContext, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Close.UserContext2, 24);

WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.Read, 40);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Read.UserContext, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Read.UserContext2, 24);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Read.Address, 32);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Read.Offset, 40);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Read.Length, 48);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Read.Key, 52);

WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.Write, 48);      /* ConstrainedIo: 56 */
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Write.UserContext, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Write.UserContext2, 24);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Write.Address, 32);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Write.Offset, 40);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Write.Length, 48);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.Write.Key, 52);

WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.QueryInformation, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.QueryInformation.UserContext, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.QueryInformation.UserContext2, 24);

WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation, 64);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.UserContext, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.UserContext2, 24);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.FileInformationClass, 32);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info, 40);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info, 40);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Allocation, 8);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Allocation.AllocationSize, 40);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Basic, 40);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Basic.FileAttributes, 40);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Basic.CreationTime, 48);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Basic.LastAccessTime, 56);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Basic.LastWriteTime, 64);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Basic.ChangeTime, 72);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Disposition, 4);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Disposition, 40);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.DispositionEx, 4);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.DispositionEx.Flags, 40);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.EndOfFile, 8);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.EndOfFile.FileSize, 40);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Rename, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Rename.NewFileName, 40);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.Rename.AccessToken, 48);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.RenameEx, 24);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.RenameEx.NewFileName, 40);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.RenameEx.AccessToken, 48);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetInformation.Info.RenameEx.Flags, 56);

WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.QueryEa, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.QueryEa.UserContext, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.QueryEa.UserContext2, 24);

WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.SetEa, 24);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetEa.UserContext, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetEa.UserContext2, 24);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetEa.Ea, 32);

WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.FlushBuffers, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.FlushBuffers.UserContext, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.FlushBuffers.UserContext2, 24);

WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.SetVolumeInformation, 8);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetVolumeInformation.FsInformationClass, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetVolumeInformation.Info, 20);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetVolumeInformation.Info.Label.VolumeLabel, 20);

WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.QueryDirectory, 40); /* flags: 52 */
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.QueryDirectory.UserContext, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.QueryDirectory.UserContext2, 24);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.QueryDirectory.Address, 32);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.QueryDirectory.Length, 40);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.QueryDirectory.Pattern, 44);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.QueryDirectory.Marker, 48);

WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.FileSystemControl, 32);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.FileSystemControl.UserContext, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.FileSystemControl.UserContext2, 24);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.FileSystemControl.FsControlCode, 32);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.FileSystemControl.Buffer, 36);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.FileSystemControl.TargetOnFileSystem, 40);

WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.DeviceControl, 32);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.DeviceControl.UserContext, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.DeviceControl.UserContext2, 24);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.DeviceControl.IoControlCode, 32);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.DeviceControl.Buffer, 36);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.DeviceControl.OutputLength, 40);

WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.QuerySecurity, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.QuerySecurity.UserContext, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.QuerySecurity.UserContext2, 24);

WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.SetSecurity, 24);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetSecurity.UserContext, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetSecurity.UserContext2, 24);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetSecurity.SecurityInformation, 32);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.SetSecurity.SecurityDescriptor, 36);

WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_REQ, Req.QueryStreamInformation, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.QueryStreamInformation.UserContext, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_REQ, Req.QueryStreamInformation.UserContext2, 24);

/* -- FSP_FSCTL_TRANSACT_RSP: header, IoStatus, then Rsp (a 104-byte union at 24), Buffer -- */
WF_FSP_ASSERT_SIZE(FSP_FSCTL_TRANSACT_RSP, 128);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Version, 0);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Size, 2);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Kind, 4);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Hint, 8);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, IoStatus, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, IoStatus.Information, 16);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, IoStatus.Status, 20);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp, 24);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_RSP, Rsp, 104);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Buffer, 128);

WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_RSP, Rsp.Create, 104);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_RSP, Rsp.Create.Opened, 104);  /* flags: 124 */
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.Create.Opened.UserContext, 24);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.Create.Opened.UserContext2, 32);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.Create.Opened.GrantedAccess, 40);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.Create.Opened.SecurityDescriptor, 44);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.Create.Opened.FileInfo, 48);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.Create.Opened.FileName, 120);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_RSP, Rsp.Create.Reparse, 4);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.Create.Reparse.Buffer, 24);

WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_RSP, Rsp.Overwrite, 72);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.Overwrite.FileInfo, 24);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_RSP, Rsp.Write, 72);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.Write.FileInfo, 24);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_RSP, Rsp.QueryInformation, 72);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.QueryInformation.FileInfo, 24);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_RSP, Rsp.SetInformation, 72);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.SetInformation.FileInfo, 24);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_RSP, Rsp.QueryEa, 4);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.QueryEa.Ea, 24);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_RSP, Rsp.SetEa, 80);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.SetEa.FileInfo, 24);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.SetEa.Ea, 96);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_RSP, Rsp.FlushBuffers, 72);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.FlushBuffers.FileInfo, 24);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_RSP, Rsp.QueryVolumeInformation, 88);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.QueryVolumeInformation.VolumeInfo, 24);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_RSP, Rsp.SetVolumeInformation, 88);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.SetVolumeInformation.VolumeInfo, 24);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_RSP, Rsp.FileSystemControl, 4);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.FileSystemControl.Buffer, 24);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_RSP, Rsp.DeviceControl, 4);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.DeviceControl.Buffer, 24);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_RSP, Rsp.QuerySecurity, 4);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.QuerySecurity.SecurityDescriptor, 24);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_RSP, Rsp.SetSecurity, 4);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.SetSecurity.SecurityDescriptor, 24);
WF_FSP_ASSERT_MEMBER_SIZE(FSP_FSCTL_TRANSACT_RSP, Rsp.QueryStreamInformation, 4);
WF_FSP_ASSERT_OFFSET(FSP_FSCTL_TRANSACT_RSP, Rsp.QueryStreamInformation.Buffer, 24);

/* A normalized name returned in a Create response must be detectable as set: the response
   buffer has to be larger than the longest path. */
_Static_assert(FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX > FSP_FSCTL_TRANSACT_PATH_SIZEMAX,
    "response buffer must exceed the longest path");
_Static_assert(FSP_FSCTL_DEVICECONTROL_SIZEMAX < FSP_FSCTL_TRANSACT_REQ_SIZEMAX,
    "device control data must fit in a request");

#endif /* WINFUSE_WINFSP_ABI_H */
