/* fsd.h — the FSD stand-in: what WinFsp's FSD and the NT I/O manager do before a request
   reaches WinFuse, behind an NT-style call API that returns NTSTATUS. */
#ifndef WINFUSE_HOST_FSD_H
#define WINFUSE_HOST_FSD_H

#include <stdbool.h>
#include <stdint.h>

#include "winfuse/engine.h"
#include "winfuse/ntstatus.h"
#include "winfuse/winfsp_abi.h"
#include "waiter.h"

typedef struct wf_fsd wf_fsd;
typedef struct wf_fsd_file wf_fsd_file;

/* Where the stand-in sends each request it builds; the response must come back through
   wf_fsd_complete (from any thread, before or after submit returns). */
typedef void wf_fsd_submit_fn(void *ctx, const FSP_FSCTL_TRANSACT_REQ *request);

wf_fsd *wf_fsd_create(wf_fsd_submit_fn *submit, void *ctx);
/* The parameters the volume is mounted with, as the FSD holds them: the allocation unit
   (SectorSize * SectorsPerAllocationUnit) rounds FileAllocationInformation. Without them
   allocation sizes pass unrounded. */
void wf_fsd_set_volume_params(wf_fsd *fsd, const FSP_FSCTL_VOLUME_PARAMS *params);
/* The caller the stand-in acts for (copied; its pid is ignored: the token carries this
   process's). From then on every Create, and every rename that replaces, carries an access
   token naming it, which wf_fsd_resolve_token turns back into the identity: the engine's
   identity callback. Creates never claim the traverse privilege, so traverse checks are
   made. NULL: no identity, requests carry no token (the default). */
void wf_fsd_set_identity(wf_fsd *fsd, const wf_identity *identity);
/* The caller this thread acts for, over the stand-in's identity (copied, its pid kept: the
   token carries it): what a Linux system call carries into LXCORE, one caller per thread
   (`winfuse mount`, docs/mount.md). NULL: the stand-in's identity again. Its tokens resolve
   only on this thread, which the engine does in wf_engine_submit. */
void wf_fsd_set_thread_identity(wf_fsd *fsd, const wf_identity *identity);
/* The identity behind a token this stand-in issued (identity->pid is left as the caller
   set it); false for any other token. */
bool wf_fsd_resolve_token(wf_fsd *fsd, uint64_t token, wf_identity *identity);
/* Frees the stand-in; every file must have been closed. */
void wf_fsd_delete(wf_fsd *fsd);
/* The response to a request this stand-in submitted (an engine completion callback). */
void wf_fsd_complete(wf_fsd *fsd, const FSP_FSCTL_TRANSACT_RSP *response);
/* How callers wait for their responses from now on (copied); NULL: on a condition variable
   (the default). Set before any request is submitted; the Linux host lets the waiting
   thread read the channel itself (wf_devfuse_wait), which saves a wake-up per round trip. */
void wf_fsd_set_wait(wf_fsd *fsd, const wf_wait_ops *ops);

/* NtCreateFile's parameters; a field left out is 0 (NULL), as with designated initialisers:
   wf_fsd_create_file(fsd, &(wf_fsd_create_params){ .path = "\\f", .desired_access = ...,
   .create_disposition = FILE_OPEN }, &file, NULL). create_disposition 0 is FILE_SUPERSEDE,
   as in NT. */
typedef struct wf_fsd_create_params {
    /* Windows style and UTF-8 encoded: "\\dir\\file". The stand-in converts it to UTF-16
       for the request, as the I/O manager hands it to WinFsp. */
    const char *path;
    uint32_t desired_access, file_attributes, share_access;
    uint32_t create_disposition, create_options;
    uint64_t allocation_size;
    /* WF_FSD_OPEN_TARGET_DIRECTORY opens the parent of path (the I/O manager's
       SL_OPEN_TARGET_DIRECTORY); information is then FILE_EXISTS or FILE_DOES_NOT_EXIST
       for the last component, as the file system reports it. */
    uint32_t flags;
    /* An EA buffer (a FILE_FULL_EA_INFORMATION list), checked as the I/O manager checks it:
       the file system sets the EAs on a file it creates, and replaces a file's EAs with them
       when it overwrites or supersedes it (an empty buffer: ea_length 0). */
    const void *ea;
    uint32_t ea_length;
    /* A security descriptor (self-relative; the I/O manager's capture refuses a malformed
       one: STATUS_INVALID_SECURITY_DESCR). The request carries it after the name, as
       WinFsp's FSD lays it out; the file system gives a file it creates the owner, group
       and permissions it says, and ignores it for a file that exists. */
    const void *sd;
    uint32_t sd_length;
} wf_fsd_create_params;
#define WF_FSD_OPEN_TARGET_DIRECTORY 0x1u
/* NtCreateFile: *file is the new handle, *information (when not NULL) what the file system
   did (FILE_OPENED, FILE_CREATED, …). */
NTSTATUS wf_fsd_create_file(wf_fsd *fsd, const wf_fsd_create_params *params,
    wf_fsd_file **file, uint32_t *information);
/* NtQuerySecurityObject: the parts security_information selects (OWNER_, GROUP_,
   DACL_SECURITY_INFORMATION: READ_CONTROL on the handle; SACL_: ACCESS_SYSTEM_SECURITY) of
   the file's descriptor, self-relative, into buffer (*bytes long). STATUS_BUFFER_TOO_SMALL
   with *bytes the length needed when it does not fit; STATUS_INVALID_SECURITY_DESCR when
   the file system answers with a malformed one. */
NTSTATUS wf_fsd_query_security(wf_fsd_file *file, uint32_t security_information, void *buffer,
    uint32_t length, uint32_t *bytes);
/* NtSetSecurityObject: sets the parts security_information selects from sd (self-relative,
   length bytes). The handle needs WRITE_OWNER for the owner or group, WRITE_DAC for the
   DACL, ACCESS_SYSTEM_SECURITY for the SACL; a malformed sd is
   STATUS_INVALID_SECURITY_DESCR. Nothing is sent when either check fails. */
NTSTATUS wf_fsd_set_security(wf_fsd_file *file, uint32_t security_information, const void *sd,
    uint32_t length);
/* NtQueryEaFile of the whole list from its start (no name list, RestartScan): as many
   FILE_FULL_EA_INFORMATION entries as fit in buffer, *bytes their length.
   STATUS_NO_EAS_ON_FILE when the file has none, STATUS_BUFFER_TOO_SMALL when not even the
   first fits, STATUS_BUFFER_OVERFLOW when not all do. */
NTSTATUS wf_fsd_query_ea(wf_fsd_file *file, void *buffer, uint32_t length, uint32_t *bytes);
/* NtQueryEaFile with an EaList (FILE_GET_EA_INFORMATION) of count names: one entry per name
   (a repeated name, compared without case, once), the file's EA of that name found without
   case as WinFsp's FSD finds it (src/sys/ea.c), or the name with an empty value when there
   is none. STATUS_INVALID_EA_NAME for a name no EA can have, STATUS_BUFFER_OVERFLOW (and
   *bytes 0) when the entries do not all fit. */
NTSTATUS wf_fsd_query_ea_names(wf_fsd_file *file, const char *const *names, size_t count,
    void *buffer, uint32_t length, uint32_t *bytes);
/* NtSetEaFile: each entry sets its EA, or deletes it when its value is empty. The handle
   needs FILE_WRITE_EA; the list is checked first (STATUS_EA_LIST_INCONSISTENT,
   STATUS_INVALID_EA_NAME). */
NTSTATUS wf_fsd_set_ea(wf_fsd_file *file, const void *buffer, uint32_t length,
    FSP_FSCTL_FILE_INFO *info);
/* NtQueryInformationFile(FileStreamInformation): entry is called for each stream with its
   name as FILE_STREAM_INFORMATION spells it ("::$DATA", ":name:$DATA") and returns false
   to stop. */
typedef bool wf_fsd_stream_fn(void *ctx, const char *name, uint64_t size, uint64_t allocation);
NTSTATUS wf_fsd_query_streams(wf_fsd_file *file, wf_fsd_stream_fn *entry, void *ctx);
NTSTATUS wf_fsd_read(wf_fsd_file *file, void *buffer, uint64_t offset, uint32_t length,
    uint32_t *bytes_read);
NTSTATUS wf_fsd_query_info(wf_fsd_file *file, FSP_FSCTL_FILE_INFO *info);
/* What WinFsp's FSD itself adds to the file system's FileInfo for NtQueryInformationFile's
   classes (FileNameInformation, FileStandardInformation): the name it keeps for the file,
   from the volume's root (UTF-8, NUL-terminated; STATUS_BUFFER_OVERFLOW when it does not
   fit in name_cap), whether its delete is pending, whether it is a directory. */
NTSTATUS wf_fsd_query_file_state(wf_fsd_file *file, char *name, size_t name_cap,
    bool *delete_pending, bool *directory);
/* Calls entry for each directory entry that matches pattern (NULL or "*" for all), with its
   name in UTF-8; entry returns false to stop early. */
typedef bool wf_fsd_dir_entry_fn(void *ctx, const char *name, const FSP_FSCTL_FILE_INFO *info);
NTSTATUS wf_fsd_query_directory(wf_fsd_file *file, const char *pattern,
    wf_fsd_dir_entry_fn *entry, void *ctx);
NTSTATUS wf_fsd_query_volume(wf_fsd *fsd, FSP_FSCTL_VOLUME_INFO *info);
/* Cleanup, then Close, as the I/O manager does when the last handle goes. */
NTSTATUS wf_fsd_close(wf_fsd_file *file);

/* --- The write path and the namespace (NT semantics as NTFS shows them). --------------
   Create above takes every disposition; after FILE_OVERWRITTEN / FILE_SUPERSEDED the
   stand-in sends the Overwrite request, as WinFsp's FSD does. Every info argument below
   may be NULL when the caller does not want the file system's answer. */

/* WriteFile. offset WF_FSD_WRITE_TO_END appends; constrained (paging) I/O never extends. */
#define WF_FSD_WRITE_TO_END UINT64_MAX
NTSTATUS wf_fsd_write(wf_fsd_file *file, const void *buffer, uint64_t offset, uint32_t length,
    bool constrained, uint32_t *bytes_written, FSP_FSCTL_FILE_INFO *info);
/* FileBasicInformation: a time of 0 leaves it unchanged; attributes 0 leaves them unchanged
   (FILE_ATTRIBUTE_NORMAL clears them all), as NtSetInformationFile does. */
NTSTATUS wf_fsd_set_basic_info(wf_fsd_file *file, uint32_t file_attributes,
    uint64_t creation_time, uint64_t last_access_time, uint64_t last_write_time,
    uint64_t change_time, FSP_FSCTL_FILE_INFO *info);
NTSTATUS wf_fsd_set_end_of_file(wf_fsd_file *file, uint64_t size, FSP_FSCTL_FILE_INFO *info);
NTSTATUS wf_fsd_set_allocation_size(wf_fsd_file *file, uint64_t size, FSP_FSCTL_FILE_INFO *info);
/* FileDispositionInformationEx flags (FILE_DISPOSITION_DELETE, _POSIX_SEMANTICS,
   _IGNORE_READONLY_ATTRIBUTE, …); plain FileDispositionInformation is flags 0 or DELETE
   with ex false. */
NTSTATUS wf_fsd_set_disposition(wf_fsd_file *file, uint32_t flags, bool ex);
/* FileRenameInformation(Ex): new_path is a full Windows path; flags are FILE_RENAME_*
   (FILE_RENAME_REPLACE_IF_EXISTS, FILE_RENAME_POSIX_SEMANTICS, …). */
NTSTATUS wf_fsd_rename(wf_fsd_file *file, const char *new_path, uint32_t flags);
/* FileLinkInformation: a new name for the file. */
NTSTATUS wf_fsd_link(wf_fsd_file *file, const char *new_path, bool replace_if_exists);
/* FlushFileBuffers; file NULL flushes the volume. */
NTSTATUS wf_fsd_flush(wf_fsd *fsd, wf_fsd_file *file, FSP_FSCTL_FILE_INFO *info);
NTSTATUS wf_fsd_set_volume_label(wf_fsd *fsd, const char *label, FSP_FSCTL_VOLUME_INFO *info);

/* NtQueryDirectoryFile, one call at a time, with the I/O manager's per-handle state: the
   pattern of the first call (or after restart) holds until the next restart; each call
   returns at least one entry or STATUS_NO_MORE_FILES (STATUS_NO_SUCH_FILE when the very
   first call matched nothing). entry is called for each entry returned by this call; when
   it returns false the call ends after that entry, as when the caller's buffer is full. */
#define WF_FSD_RESTART_SCAN         0x1u
#define WF_FSD_RETURN_SINGLE_ENTRY  0x2u
NTSTATUS wf_fsd_query_directory_once(wf_fsd_file *file, const char *pattern, uint32_t flags,
    wf_fsd_dir_entry_fn *entry, void *ctx);

/* Reparse points (symbolic links, and POSIX special files as NFS reparse points). A Create
   whose path meets a link is answered STATUS_REPARSE and made again at the path the link
   leads to, as the I/O manager does (63 times at most: STATUS_REPARSE_POINT_NOT_RESOLVED);
   FILE_OPEN_REPARSE_POINT opens the link itself. A link whose target lies outside the
   volume (an absolute NT path), and tags without a handler (NFS:
   STATUS_IO_REPARSE_TAG_NOT_HANDLED), cannot be followed here.
   FSCTL_GET_REPARSE_POINT: the file's REPARSE_DATA_BUFFER into buffer (*bytes long);
   STATUS_BUFFER_TOO_SMALL when it does not fit, STATUS_NOT_A_REPARSE_POINT. */
NTSTATUS wf_fsd_get_reparse_point(wf_fsd_file *file, void *buffer, uint32_t length,
    uint32_t *bytes);
/* FSCTL_SET_REPARSE_POINT, checked as WinFsp's FSD does (FsRtlValidateReparsePointBuffer's
   rules; FILE_WRITE_DATA, FILE_APPEND_DATA or FILE_WRITE_ATTRIBUTES on the handle). As
   CreateSymbolicLinkW: create the file or directory (FILE_CREATE with
   FILE_OPEN_REPARSE_POINT), then set a symbolic link buffer on it. */
NTSTATUS wf_fsd_set_reparse_point(wf_fsd_file *file, const void *buffer, uint32_t length);
/* FSCTL_DELETE_REPARSE_POINT: buffer is the 8-byte header (24 for a third-party tag) with
   the file's tag and no data. */
NTSTATUS wf_fsd_delete_reparse_point(wf_fsd_file *file, const void *buffer, uint32_t length);

/* Change notification. The file system's changes, as the engine reports them
   (wf_engine_params.notify), go to each watch whose filter shares a bit with the record's
   and whose directory holds the name (or holds it below, for a watch of the tree): the
   FSD's FsRtlNotifyFilterReportChange. */
void wf_fsd_notify(wf_fsd *fsd, const FSP_FSCTL_NOTIFY_INFO *info);
/* NtNotifyChangeDirectoryFile on a directory handle. The first call arms the handle's watch
   with filter (FILE_NOTIFY_CHANGE_*) and watch_tree, which stay as they are for later calls,
   as NT keeps them; changes from then on are kept until a call takes them (the handle's
   Cleanup drops the watch). A call hands each kept change to change (FILE_ACTION_*, the name
   relative to the directory, UTF-8) and returns STATUS_SUCCESS, or waits up to timeout_ms
   for the first: STATUS_TIMEOUT when none came (the watch goes on). STATUS_NOTIFY_ENUM_DIR:
   more came than a watch keeps (256), they were dropped, list the directory. Refused:
   STATUS_INVALID_PARAMETER for a filter of 0 or with bits outside FILE_NOTIFY_VALID_MASK,
   or a handle that is not a directory's; STATUS_ACCESS_DENIED without FILE_LIST_DIRECTORY;
   STATUS_DELETE_PENDING. Not at the same time as wf_fsd_close of the handle. */
typedef void wf_fsd_change_fn(void *ctx, uint32_t action, const char *name);
NTSTATUS wf_fsd_notify_change_directory(wf_fsd_file *file, uint32_t filter, bool watch_tree,
    uint32_t timeout_ms, wf_fsd_change_fn *change, void *ctx);

/* Cancellation: cancel every request in progress on this handle (as CancelIoEx does); the
   stand-in asks its owner through the cancel callback with each request's Hint. */
typedef void wf_fsd_cancel_fn(void *ctx, uint64_t hint);
void wf_fsd_set_cancel(wf_fsd *fsd, wf_fsd_cancel_fn *cancel, void *ctx);
void wf_fsd_cancel_file(wf_fsd_file *file);
/* Every request waiting for its response, on any handle or none (a Create), each through
   cancel(ctx, hint) (the owner's callback when cancel is NULL): what a console's Ctrl-C
   does to the command it interrupts. */
void wf_fsd_cancel_all(wf_fsd *fsd, wf_fsd_cancel_fn *cancel, void *ctx);

/* A thread's synchronous calls, cancelled from another thread (NT's CancelSynchronousIo):
   what a signal to a Linux caller does to the system call it waits in (`winfuse mount`'s
   FUSE_INTERRUPT, docs/mount.md). The owner keeps one per calling thread, alive as long as
   the stand-in; a thread names its own with wf_fsd_set_thread_cancel and begins each piece
   of work with wf_fsd_cancel_begin(key). wf_fsd_cancel_thread(key) of that same key, from
   any thread, cancels the calls the thread waits in (through the owner's cancel callback),
   and each call it submits later in the same piece of work as soon as it is submitted
   (the owner decides what a cancel does: the engine interrupts the file system's request
   and lets it answer); a key the thread has moved on from cancels nothing. */
typedef struct wf_fsd_canceller {
    uint64_t key;           /* under the stand-in's lock */
    bool cancelled;
} wf_fsd_canceller;
void wf_fsd_set_thread_cancel(wf_fsd *fsd, wf_fsd_canceller *canceller);
void wf_fsd_cancel_begin(wf_fsd *fsd, wf_fsd_canceller *canceller, uint64_t key);
void wf_fsd_cancel_thread(wf_fsd *fsd, wf_fsd_canceller *canceller, uint64_t key);

#endif
