/* fsd_close.c — the FSD stand-in's Cleanup and Close, as the last handle to a file goes. */
#include "fsd_internal.h"

#include <stdlib.h>

/* Undoes the file system's open with a Close alone, as WinFsp's FSD does when it refuses
   an open the file system granted: the handle never existed, so there is nothing to clean
   up. */
void wf_fsd_post_close(wf_fsd *fsd, uint64_t user_context, uint64_t user_context2)
{
    FSP_FSCTL_TRANSACT_REQ head = { 0 };
    FSP_FSCTL_TRANSACT_RSP rsp;
    head.Req.Close.UserContext = user_context;
    head.Req.Close.UserContext2 = user_context2;
    wf_fsd_send(fsd, &(wf_fsd_request){ .kind = FspFsctlTransactCloseKind, .head = &head },
        &rsp);
}

NTSTATUS wf_fsd_close(wf_fsd_file *file)
{
    wf_fsd *fsd = file->fsd;
    wf_fsd_node *node = file->node;
    FSP_FSCTL_TRANSACT_REQ head = { 0 };
    FSP_FSCTL_TRANSACT_RSP rsp;
    NTSTATUS cleanup_status, close_status;
    bool delete_file = false;

    /* WinFsp's FspFileNodeCleanup: FILE_DELETE_ON_CLOSE makes the file delete-pending now;
       the file's last handle deletes it, or at once the handle that set a POSIX
       disposition (the name goes, other handles stay open on the unnamed file). */
    pthread_mutex_lock(&fsd->lock);
    wf_fsd_watch_end(fsd, file);
    if (file->delete_on_close)
        node->delete_pending = true;
    if (!node->posix_deleted) {
        if (file->posix_delete) {
            node->posix_deleted = true;
            delete_file = true;
        } else if (node->handles == 1) {
            delete_file = node->delete_pending;
        }
    }
    pthread_mutex_unlock(&fsd->lock);

    head.Req.Cleanup.Delete = delete_file;
    cleanup_status = wf_fsd_send(fsd, &(wf_fsd_request){ .kind = FspFsctlTransactCleanupKind,
        .head = &head, .file = file, .file_name = true }, &rsp);

    pthread_mutex_lock(&fsd->lock);
    /* A deleted file's name can be opened again as a new file. */
    if (delete_file)
        wf_fsd_node_unlist(fsd, node);
    wf_fsd_node_close(fsd, file);
    fsd->open_files--;
    pthread_mutex_unlock(&fsd->lock);

    close_status = wf_fsd_send(fsd, &(wf_fsd_request){ .kind = FspFsctlTransactCloseKind,
        .file = file, .post = true }, &rsp);
    pthread_mutex_destroy(&file->dir_lock);
    free(file->dir);
    free(file);
    return cleanup_status != STATUS_SUCCESS ? cleanup_status : close_status;
}
