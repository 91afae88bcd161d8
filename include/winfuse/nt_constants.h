/* nt_constants.h — the NT I/O constants WinFuse needs, with Windows' names and values. */
#ifndef WINFUSE_NT_CONSTANTS_H
#define WINFUSE_NT_CONSTANTS_H

/*
 * Values are from Microsoft's documentation (docs.microsoft.com: NtCreateFile, ACCESS_MASK,
 * File Attribute Constants, FILE_DISPOSITION_INFORMATION_EX, FILE_RENAME_INFORMATION,
 * FILE_INFORMATION_CLASS, FS_INFORMATION_CLASS) and agree with mingw-w64's winnt.h, ntdef.h,
 * winioctl.h and ddk/wdm.h, ddk/ntifs.h (checked by compiling both against each other).
 *
 * Each name is defined only when nothing defined it before, so a translation unit that needs
 * the Windows SDK or DDK headers as well must include them BEFORE this header: then theirs
 * win. (The other order cannot work in general: the Windows headers define these without
 * guards, and the FILE_INFORMATION_CLASS names are enumerators there, not macros.)
 *
 * Bit masks carry a U suffix so they are unsigned int on every data model (on LP64 Linux an
 * L suffix would make them 64-bit); enumerated values stay plain int, as in Windows.
 */

/* ---- NtCreateFile CreateDisposition (WinFsp: high 8 bits of Req.Create.CreateOptions) -- */
#ifndef FILE_SUPERSEDE
#define FILE_SUPERSEDE                      0x00000000
#endif
#ifndef FILE_OPEN
#define FILE_OPEN                           0x00000001
#endif
#ifndef FILE_CREATE
#define FILE_CREATE                         0x00000002
#endif
#ifndef FILE_OPEN_IF
#define FILE_OPEN_IF                        0x00000003
#endif
#ifndef FILE_OVERWRITE
#define FILE_OVERWRITE                      0x00000004
#endif
#ifndef FILE_OVERWRITE_IF
#define FILE_OVERWRITE_IF                   0x00000005
#endif
#ifndef FILE_MAXIMUM_DISPOSITION
#define FILE_MAXIMUM_DISPOSITION            0x00000005
#endif

/* ---- NtCreateFile CreateOptions (low 24 bits of Req.Create.CreateOptions) ------------- */
#ifndef FILE_DIRECTORY_FILE
#define FILE_DIRECTORY_FILE                 0x00000001U
#endif
#ifndef FILE_WRITE_THROUGH
#define FILE_WRITE_THROUGH                  0x00000002U
#endif
#ifndef FILE_SEQUENTIAL_ONLY
#define FILE_SEQUENTIAL_ONLY                0x00000004U
#endif
#ifndef FILE_NO_INTERMEDIATE_BUFFERING
#define FILE_NO_INTERMEDIATE_BUFFERING      0x00000008U
#endif
#ifndef FILE_SYNCHRONOUS_IO_ALERT
#define FILE_SYNCHRONOUS_IO_ALERT           0x00000010U
#endif
#ifndef FILE_SYNCHRONOUS_IO_NONALERT
#define FILE_SYNCHRONOUS_IO_NONALERT        0x00000020U
#endif
#ifndef FILE_NON_DIRECTORY_FILE
#define FILE_NON_DIRECTORY_FILE             0x00000040U
#endif
#ifndef FILE_CREATE_TREE_CONNECTION
#define FILE_CREATE_TREE_CONNECTION         0x00000080U
#endif
#ifndef FILE_COMPLETE_IF_OPLOCKED
#define FILE_COMPLETE_IF_OPLOCKED           0x00000100U
#endif
#ifndef FILE_NO_EA_KNOWLEDGE
#define FILE_NO_EA_KNOWLEDGE                0x00000200U
#endif
#ifndef FILE_OPEN_REMOTE_INSTANCE
#define FILE_OPEN_REMOTE_INSTANCE           0x00000400U
#endif
#ifndef FILE_RANDOM_ACCESS
#define FILE_RANDOM_ACCESS                  0x00000800U
#endif
#ifndef FILE_DELETE_ON_CLOSE
#define FILE_DELETE_ON_CLOSE                0x00001000U
#endif
#ifndef FILE_OPEN_BY_FILE_ID
#define FILE_OPEN_BY_FILE_ID                0x00002000U
#endif
#ifndef FILE_OPEN_FOR_BACKUP_INTENT
#define FILE_OPEN_FOR_BACKUP_INTENT         0x00004000U
#endif
#ifndef FILE_NO_COMPRESSION
#define FILE_NO_COMPRESSION                 0x00008000U
#endif
#ifndef FILE_OPEN_REQUIRING_OPLOCK
#define FILE_OPEN_REQUIRING_OPLOCK          0x00010000U
#endif
#ifndef FILE_RESERVE_OPFILTER
#define FILE_RESERVE_OPFILTER               0x00100000U
#endif
#ifndef FILE_OPEN_REPARSE_POINT
#define FILE_OPEN_REPARSE_POINT             0x00200000U
#endif
#ifndef FILE_OPEN_NO_RECALL
#define FILE_OPEN_NO_RECALL                 0x00400000U
#endif
#ifndef FILE_OPEN_FOR_FREE_SPACE_QUERY
#define FILE_OPEN_FOR_FREE_SPACE_QUERY      0x00800000U
#endif
#ifndef FILE_VALID_OPTION_FLAGS
#define FILE_VALID_OPTION_FLAGS             0x00ffffffU
#endif

/* ---- IO_STATUS_BLOCK.Information after a create (Rsp IoStatus.Information) ----------- */
#ifndef FILE_SUPERSEDED
#define FILE_SUPERSEDED                     0x00000000
#endif
#ifndef FILE_OPENED
#define FILE_OPENED                         0x00000001
#endif
#ifndef FILE_CREATED
#define FILE_CREATED                        0x00000002
#endif
#ifndef FILE_OVERWRITTEN
#define FILE_OVERWRITTEN                    0x00000003
#endif
#ifndef FILE_EXISTS
#define FILE_EXISTS                         0x00000004
#endif
#ifndef FILE_DOES_NOT_EXIST
#define FILE_DOES_NOT_EXIST                 0x00000005
#endif

/* ---- ACCESS_MASK: file-specific rights (directory aliases share the bit) --------------- */
#ifndef FILE_READ_DATA
#define FILE_READ_DATA                      0x00000001U
#endif
#ifndef FILE_LIST_DIRECTORY
#define FILE_LIST_DIRECTORY                 0x00000001U
#endif
#ifndef FILE_WRITE_DATA
#define FILE_WRITE_DATA                     0x00000002U
#endif
#ifndef FILE_ADD_FILE
#define FILE_ADD_FILE                       0x00000002U
#endif
#ifndef FILE_APPEND_DATA
#define FILE_APPEND_DATA                    0x00000004U
#endif
#ifndef FILE_ADD_SUBDIRECTORY
#define FILE_ADD_SUBDIRECTORY               0x00000004U
#endif
#ifndef FILE_READ_EA
#define FILE_READ_EA                        0x00000008U
#endif
#ifndef FILE_WRITE_EA
#define FILE_WRITE_EA                       0x00000010U
#endif
#ifndef FILE_EXECUTE
#define FILE_EXECUTE                        0x00000020U
#endif
#ifndef FILE_TRAVERSE
#define FILE_TRAVERSE                       0x00000020U
#endif
#ifndef FILE_DELETE_CHILD
#define FILE_DELETE_CHILD                   0x00000040U
#endif
#ifndef FILE_READ_ATTRIBUTES
#define FILE_READ_ATTRIBUTES                0x00000080U
#endif
#ifndef FILE_WRITE_ATTRIBUTES
#define FILE_WRITE_ATTRIBUTES               0x00000100U
#endif

/* ---- ACCESS_MASK: standard, special and generic rights --------------------------------- */
#ifndef DELETE
#define DELETE                              0x00010000U
#endif
#ifndef READ_CONTROL
#define READ_CONTROL                        0x00020000U
#endif
#ifndef WRITE_DAC
#define WRITE_DAC                           0x00040000U
#endif
#ifndef WRITE_OWNER
#define WRITE_OWNER                         0x00080000U
#endif
#ifndef SYNCHRONIZE
#define SYNCHRONIZE                         0x00100000U
#endif
#ifndef STANDARD_RIGHTS_REQUIRED
#define STANDARD_RIGHTS_REQUIRED            0x000f0000U
#endif
#ifndef STANDARD_RIGHTS_READ
#define STANDARD_RIGHTS_READ                READ_CONTROL
#endif
#ifndef STANDARD_RIGHTS_WRITE
#define STANDARD_RIGHTS_WRITE               READ_CONTROL
#endif
#ifndef STANDARD_RIGHTS_EXECUTE
#define STANDARD_RIGHTS_EXECUTE             READ_CONTROL
#endif
#ifndef STANDARD_RIGHTS_ALL
#define STANDARD_RIGHTS_ALL                 0x001f0000U
#endif
#ifndef ACCESS_SYSTEM_SECURITY
#define ACCESS_SYSTEM_SECURITY              0x01000000U
#endif
#ifndef MAXIMUM_ALLOWED
#define MAXIMUM_ALLOWED                     0x02000000U
#endif
#ifndef GENERIC_ALL
#define GENERIC_ALL                         0x10000000U
#endif
#ifndef GENERIC_EXECUTE
#define GENERIC_EXECUTE                     0x20000000U
#endif
#ifndef GENERIC_WRITE
#define GENERIC_WRITE                       0x40000000U
#endif
#ifndef GENERIC_READ
#define GENERIC_READ                        0x80000000U
#endif
/* What the generic rights map to for files (IoGetFileObjectGenericMapping). */
#ifndef FILE_ALL_ACCESS
#define FILE_ALL_ACCESS                     (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1ffU)
#endif
#ifndef FILE_GENERIC_READ
#define FILE_GENERIC_READ                   (STANDARD_RIGHTS_READ | FILE_READ_DATA | \
                                             FILE_READ_ATTRIBUTES | FILE_READ_EA | SYNCHRONIZE)
#endif
#ifndef FILE_GENERIC_WRITE
#define FILE_GENERIC_WRITE                  (STANDARD_RIGHTS_WRITE | FILE_WRITE_DATA | \
                                             FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA | \
                                             FILE_APPEND_DATA | SYNCHRONIZE)
#endif
#ifndef FILE_GENERIC_EXECUTE
#define FILE_GENERIC_EXECUTE                (STANDARD_RIGHTS_EXECUTE | FILE_READ_ATTRIBUTES | \
                                             FILE_EXECUTE | SYNCHRONIZE)
#endif

/* ---- ShareAccess ----------------------------------------------------------------------- */
#ifndef FILE_SHARE_READ
#define FILE_SHARE_READ                     0x00000001U
#endif
#ifndef FILE_SHARE_WRITE
#define FILE_SHARE_WRITE                    0x00000002U
#endif
#ifndef FILE_SHARE_DELETE
#define FILE_SHARE_DELETE                   0x00000004U
#endif
#ifndef FILE_SHARE_VALID_FLAGS
#define FILE_SHARE_VALID_FLAGS              0x00000007U
#endif

/* ---- File attributes (FSP_FSCTL_FILE_INFO.FileAttributes) ------------------------------ */
#ifndef FILE_ATTRIBUTE_READONLY
#define FILE_ATTRIBUTE_READONLY             0x00000001U
#endif
#ifndef FILE_ATTRIBUTE_HIDDEN
#define FILE_ATTRIBUTE_HIDDEN               0x00000002U
#endif
#ifndef FILE_ATTRIBUTE_SYSTEM
#define FILE_ATTRIBUTE_SYSTEM               0x00000004U
#endif
#ifndef FILE_ATTRIBUTE_DIRECTORY
#define FILE_ATTRIBUTE_DIRECTORY            0x00000010U
#endif
#ifndef FILE_ATTRIBUTE_ARCHIVE
#define FILE_ATTRIBUTE_ARCHIVE              0x00000020U
#endif
#ifndef FILE_ATTRIBUTE_DEVICE
#define FILE_ATTRIBUTE_DEVICE               0x00000040U
#endif
#ifndef FILE_ATTRIBUTE_NORMAL
#define FILE_ATTRIBUTE_NORMAL               0x00000080U
#endif
#ifndef FILE_ATTRIBUTE_TEMPORARY
#define FILE_ATTRIBUTE_TEMPORARY            0x00000100U
#endif
#ifndef FILE_ATTRIBUTE_SPARSE_FILE
#define FILE_ATTRIBUTE_SPARSE_FILE          0x00000200U
#endif
#ifndef FILE_ATTRIBUTE_REPARSE_POINT
#define FILE_ATTRIBUTE_REPARSE_POINT        0x00000400U
#endif
#ifndef FILE_ATTRIBUTE_COMPRESSED
#define FILE_ATTRIBUTE_COMPRESSED           0x00000800U
#endif
#ifndef FILE_ATTRIBUTE_OFFLINE
#define FILE_ATTRIBUTE_OFFLINE              0x00001000U
#endif
#ifndef FILE_ATTRIBUTE_NOT_CONTENT_INDEXED
#define FILE_ATTRIBUTE_NOT_CONTENT_INDEXED  0x00002000U
#endif
#ifndef FILE_ATTRIBUTE_ENCRYPTED
#define FILE_ATTRIBUTE_ENCRYPTED            0x00004000U
#endif
#ifndef FILE_ATTRIBUTE_INTEGRITY_STREAM
#define FILE_ATTRIBUTE_INTEGRITY_STREAM     0x00008000U
#endif
#ifndef FILE_ATTRIBUTE_VIRTUAL
#define FILE_ATTRIBUTE_VIRTUAL              0x00010000U
#endif
#ifndef FILE_ATTRIBUTE_NO_SCRUB_DATA
#define FILE_ATTRIBUTE_NO_SCRUB_DATA        0x00020000U
#endif
/* EA and RECALL_ON_OPEN share one bit: Windows gives it either meaning by context. */
#ifndef FILE_ATTRIBUTE_EA
#define FILE_ATTRIBUTE_EA                   0x00040000U
#endif
#ifndef FILE_ATTRIBUTE_RECALL_ON_OPEN
#define FILE_ATTRIBUTE_RECALL_ON_OPEN       0x00040000U
#endif
#ifndef FILE_ATTRIBUTE_PINNED
#define FILE_ATTRIBUTE_PINNED               0x00080000U
#endif
#ifndef FILE_ATTRIBUTE_UNPINNED
#define FILE_ATTRIBUTE_UNPINNED             0x00100000U
#endif
#ifndef FILE_ATTRIBUTE_RECALL_ON_DATA_ACCESS
#define FILE_ATTRIBUTE_RECALL_ON_DATA_ACCESS 0x00400000U
#endif

/* ---- Reparse tags (FSP_FSCTL_FILE_INFO.ReparseTag) ------------------------------------- */
#ifndef IO_REPARSE_TAG_MOUNT_POINT
#define IO_REPARSE_TAG_MOUNT_POINT          0xa0000003U
#endif
#ifndef IO_REPARSE_TAG_SYMLINK
#define IO_REPARSE_TAG_SYMLINK              0xa000000cU
#endif
/* NFS-style special files (FIFO, socket, char/block device) as WinFsp-FUSE and WSL use. */
#ifndef IO_REPARSE_TAG_NFS
#define IO_REPARSE_TAG_NFS                  0x80000014U
#endif

/* ---- FILE_INFORMATION_CLASS values seen in Req.SetInformation.FileInformationClass ------
 * In the DDK these are enumerators of FILE_INFORMATION_CLASS, which #ifndef cannot see: once
 * wdm.h is in, they are left to it. After other headers (winternl.h) the macros merely shadow
 * enumerators of the same value. */
#ifndef _WDMDDK_
#ifndef FileBasicInformation
#define FileBasicInformation                4
#endif
#ifndef FileRenameInformation
#define FileRenameInformation               10
#endif
#ifndef FileLinkInformation
#define FileLinkInformation                 11
#endif
#ifndef FileDispositionInformation
#define FileDispositionInformation          13
#endif
#ifndef FileAllocationInformation
#define FileAllocationInformation           19
#endif
#ifndef FileEndOfFileInformation
#define FileEndOfFileInformation            20
#endif
#ifndef FileDispositionInformationEx
#define FileDispositionInformationEx        64
#endif
#ifndef FileRenameInformationEx
#define FileRenameInformationEx             65
#endif
/* FS_INFORMATION_CLASS value of Req.SetVolumeInformation.FsInformationClass. */
#ifndef FileFsLabelInformation
#define FileFsLabelInformation              2
#endif
#endif /* _WDMDDK_ */

/* ---- FILE_DISPOSITION_INFORMATION_EX.Flags (Req.SetInformation.Info.DispositionEx) ----- */
#ifndef FILE_DISPOSITION_DO_NOT_DELETE
#define FILE_DISPOSITION_DO_NOT_DELETE              0x00000000U
#endif
#ifndef FILE_DISPOSITION_DELETE
#define FILE_DISPOSITION_DELETE                     0x00000001U
#endif
#ifndef FILE_DISPOSITION_POSIX_SEMANTICS
#define FILE_DISPOSITION_POSIX_SEMANTICS            0x00000002U
#endif
#ifndef FILE_DISPOSITION_FORCE_IMAGE_SECTION_CHECK
#define FILE_DISPOSITION_FORCE_IMAGE_SECTION_CHECK  0x00000004U
#endif
#ifndef FILE_DISPOSITION_ON_CLOSE
#define FILE_DISPOSITION_ON_CLOSE                   0x00000008U
#endif
#ifndef FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE
#define FILE_DISPOSITION_IGNORE_READONLY_ATTRIBUTE  0x00000010U
#endif

/* ---- FILE_RENAME_INFORMATION_EX.Flags (Req.SetInformation.Info.RenameEx.Flags) --------- */
#ifndef FILE_RENAME_REPLACE_IF_EXISTS
#define FILE_RENAME_REPLACE_IF_EXISTS                   0x00000001U
#endif
#ifndef FILE_RENAME_POSIX_SEMANTICS
#define FILE_RENAME_POSIX_SEMANTICS                     0x00000002U
#endif
#ifndef FILE_RENAME_SUPPRESS_PIN_STATE_INHERITANCE
#define FILE_RENAME_SUPPRESS_PIN_STATE_INHERITANCE      0x00000004U
#endif
#ifndef FILE_RENAME_SUPPRESS_STORAGE_RESERVE_INHERITANCE
#define FILE_RENAME_SUPPRESS_STORAGE_RESERVE_INHERITANCE 0x00000008U
#endif
#ifndef FILE_RENAME_NO_INCREASE_AVAILABLE_SPACE
#define FILE_RENAME_NO_INCREASE_AVAILABLE_SPACE         0x00000010U
#endif
#ifndef FILE_RENAME_NO_DECREASE_AVAILABLE_SPACE
#define FILE_RENAME_NO_DECREASE_AVAILABLE_SPACE         0x00000020U
#endif
#ifndef FILE_RENAME_IGNORE_READONLY_ATTRIBUTE
#define FILE_RENAME_IGNORE_READONLY_ATTRIBUTE           0x00000040U
#endif
#ifndef FILE_RENAME_FORCE_RESIZE_TARGET_SR
#define FILE_RENAME_FORCE_RESIZE_TARGET_SR              0x00000080U
#endif
#ifndef FILE_RENAME_FORCE_RESIZE_SOURCE_SR
#define FILE_RENAME_FORCE_RESIZE_SOURCE_SR              0x00000100U
#endif

/* ---- I/O control code parts (CTL_CODE fields) and the reparse point FSCTLs ------------- */
#ifndef FILE_DEVICE_FILE_SYSTEM
#define FILE_DEVICE_FILE_SYSTEM             0x00000009
#endif
#ifndef METHOD_BUFFERED
#define METHOD_BUFFERED                     0
#endif
#ifndef METHOD_IN_DIRECT
#define METHOD_IN_DIRECT                    1
#endif
#ifndef METHOD_OUT_DIRECT
#define METHOD_OUT_DIRECT                   2
#endif
#ifndef METHOD_NEITHER
#define METHOD_NEITHER                      3
#endif
#ifndef FILE_ANY_ACCESS
#define FILE_ANY_ACCESS                     0
#endif
#ifndef FILE_SPECIAL_ACCESS
#define FILE_SPECIAL_ACCESS                 FILE_ANY_ACCESS
#endif
/* CTL_CODE(FILE_DEVICE_FILE_SYSTEM, 41/42/43, METHOD_BUFFERED, FILE_SPECIAL/ANY_ACCESS):
   (9 << 16) | (function << 2); ntifs.h / winioctl.h spell them through CTL_CODE. */
#ifndef FSCTL_SET_REPARSE_POINT
#define FSCTL_SET_REPARSE_POINT             0x000900a4U
#endif
#ifndef FSCTL_GET_REPARSE_POINT
#define FSCTL_GET_REPARSE_POINT             0x000900a8U
#endif
#ifndef FSCTL_DELETE_REPARSE_POINT
#define FSCTL_DELETE_REPARSE_POINT          0x000900acU
#endif

/* ---- Change notification (FILE_NOTIFY_INFORMATION, ReadDirectoryChangesW; winnt.h) ------ */
#ifndef FILE_NOTIFY_CHANGE_FILE_NAME
#define FILE_NOTIFY_CHANGE_FILE_NAME        0x00000001U
#endif
#ifndef FILE_NOTIFY_CHANGE_DIR_NAME
#define FILE_NOTIFY_CHANGE_DIR_NAME         0x00000002U
#endif
#ifndef FILE_NOTIFY_CHANGE_ATTRIBUTES
#define FILE_NOTIFY_CHANGE_ATTRIBUTES       0x00000004U
#endif
#ifndef FILE_NOTIFY_CHANGE_SIZE
#define FILE_NOTIFY_CHANGE_SIZE             0x00000008U
#endif
#ifndef FILE_NOTIFY_CHANGE_LAST_WRITE
#define FILE_NOTIFY_CHANGE_LAST_WRITE       0x00000010U
#endif
#ifndef FILE_NOTIFY_CHANGE_LAST_ACCESS
#define FILE_NOTIFY_CHANGE_LAST_ACCESS      0x00000020U
#endif
#ifndef FILE_NOTIFY_CHANGE_CREATION
#define FILE_NOTIFY_CHANGE_CREATION         0x00000040U
#endif
#ifndef FILE_NOTIFY_CHANGE_EA
#define FILE_NOTIFY_CHANGE_EA               0x00000080U
#endif
#ifndef FILE_NOTIFY_CHANGE_SECURITY
#define FILE_NOTIFY_CHANGE_SECURITY         0x00000100U
#endif
#ifndef FILE_NOTIFY_CHANGE_STREAM_NAME
#define FILE_NOTIFY_CHANGE_STREAM_NAME      0x00000200U
#endif
#ifndef FILE_NOTIFY_CHANGE_STREAM_SIZE
#define FILE_NOTIFY_CHANGE_STREAM_SIZE      0x00000400U
#endif
#ifndef FILE_NOTIFY_CHANGE_STREAM_WRITE
#define FILE_NOTIFY_CHANGE_STREAM_WRITE     0x00000800U
#endif
#ifndef FILE_NOTIFY_VALID_MASK
#define FILE_NOTIFY_VALID_MASK              0x00000fffU
#endif
#ifndef FILE_ACTION_ADDED
#define FILE_ACTION_ADDED                   0x00000001U
#endif
#ifndef FILE_ACTION_REMOVED
#define FILE_ACTION_REMOVED                 0x00000002U
#endif
#ifndef FILE_ACTION_MODIFIED
#define FILE_ACTION_MODIFIED                0x00000003U
#endif
#ifndef FILE_ACTION_RENAMED_OLD_NAME
#define FILE_ACTION_RENAMED_OLD_NAME        0x00000004U
#endif
#ifndef FILE_ACTION_RENAMED_NEW_NAME
#define FILE_ACTION_RENAMED_NEW_NAME        0x00000005U
#endif

#endif /* WINFUSE_NT_CONSTANTS_H */
