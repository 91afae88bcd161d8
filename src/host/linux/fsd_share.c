/* fsd_share.c — the FSD stand-in's open files: share access, delete-pending, known size. */
#include "fsd_internal.h"

#include <stdlib.h>
#include <string.h>

#include "winfuse/nt_constants.h"

static wf_fsd_node *wf_fsd_node_find(wf_fsd *fsd, const uint16_t *name, size_t units)
{
    wf_fsd_node *node;
    for (node = fsd->nodes; node != NULL; node = node->next)
        if (wf_fsd_name_equal(fsd->case_insensitive, node->name, node->name_units, name, units))
            return node;
    return NULL;
}

/* Takes node out of the name table: it lives on for its handles, but new opens of its
   name meet a new node (after a deletion, or when a rename replaced it). */
void wf_fsd_node_unlist(wf_fsd *fsd, wf_fsd_node *node)
{
    wf_fsd_node **link;
    if (!node->listed)
        return;
    for (link = &fsd->nodes; *link != node; link = &(*link)->next)
        ;
    *link = node->next;
    node->next = NULL;
    node->listed = false;
}

/* IoCheckShareAccess: whether access with these shares conflicts with node's handles. */
static bool wf_fsd_share_conflicts(const wf_fsd_node *node, uint32_t access,
    uint32_t share_access)
{
    bool read = (access & (FILE_READ_DATA | FILE_EXECUTE)) != 0;
    bool write = (access & (FILE_WRITE_DATA | FILE_APPEND_DATA)) != 0;
    bool del = (access & DELETE) != 0;

    /* Handles that touch neither data nor existence take part in no sharing decision. */
    if (!read && !write && !del)
        return false;
    return (read && node->shared_read < node->open_count) ||
        (write && node->shared_write < node->open_count) ||
        (del && node->shared_delete < node->open_count) ||
        (node->readers != 0 && !(share_access & FILE_SHARE_READ)) ||
        (node->writers != 0 && !(share_access & FILE_SHARE_WRITE)) ||
        (node->deleters != 0 && !(share_access & FILE_SHARE_DELETE));
}

/* What WinFsp's FspFileNodeOpen does once the file system has opened the file: find the
   file's node by name (or make one), refuse a delete-pending file, check then set share
   access. extra_access takes part in the check only (overwrite and supersede change the
   data whatever was granted, WinFsp #364). Called with fsd->lock held. */
NTSTATUS wf_fsd_node_open(wf_fsd *fsd, wf_fsd_file *file, const uint16_t *name,
    size_t units, uint32_t access, uint32_t extra_access, uint32_t share_access,
    bool is_directory)
{
    wf_fsd_node *node = wf_fsd_node_find(fsd, name, units);

    if (node != NULL) {
        if (node->delete_pending)
            return STATUS_DELETE_PENDING;
        if ((extra_access != 0 &&
                wf_fsd_share_conflicts(node, access | extra_access, share_access)) ||
            wf_fsd_share_conflicts(node, access, share_access))
            return STATUS_SHARING_VIOLATION;
    } else {
        node = calloc(1, sizeof *node);
        if (node == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
        node->is_directory = is_directory;
        node->name_units = units;
        memcpy(node->name, name, units * sizeof(uint16_t));
        node->listed = true;
        node->next = fsd->nodes;
        fsd->nodes = node;
    }

    file->access_read = (access & (FILE_READ_DATA | FILE_EXECUTE)) != 0;
    file->access_write = (access & (FILE_WRITE_DATA | FILE_APPEND_DATA)) != 0;
    file->access_delete = (access & DELETE) != 0;
    file->share_read = (share_access & FILE_SHARE_READ) != 0;
    file->share_write = (share_access & FILE_SHARE_WRITE) != 0;
    file->share_delete = (share_access & FILE_SHARE_DELETE) != 0;
    file->share_counted = file->access_read || file->access_write || file->access_delete;

    node->handles++;
    if (file->share_counted) {
        node->open_count++;
        node->readers += file->access_read;
        node->writers += file->access_write;
        node->deleters += file->access_delete;
        node->shared_read += file->share_read;
        node->shared_write += file->share_write;
        node->shared_delete += file->share_delete;
    }
    file->node = node;
    return STATUS_SUCCESS;
}

/* IoRemoveShareAccess; the node goes with its last handle. Called with fsd->lock held. */
void wf_fsd_node_close(wf_fsd *fsd, wf_fsd_file *file)
{
    wf_fsd_node *node = file->node;

    if (file->share_counted) {
        node->open_count--;
        node->readers -= file->access_read;
        node->writers -= file->access_write;
        node->deleters -= file->access_delete;
        node->shared_read -= file->share_read;
        node->shared_write -= file->share_write;
        node->shared_delete -= file->share_delete;
    }
    if (--node->handles == 0) {
        wf_fsd_node_unlist(fsd, node);
        free(node);
    }
    file->node = NULL;
}

/* What the file system just said of the file: its size, for the reads to come. */
void wf_fsd_learn_size(wf_fsd_file *file, const FSP_FSCTL_FILE_INFO *info)
{
    wf_fsd *fsd = file->fsd;
    pthread_mutex_lock(&fsd->lock);
    if (file->node != NULL && !file->is_directory) {
        file->node->size_known = true;
        file->node->file_size = info->FileSize;
    }
    pthread_mutex_unlock(&fsd->lock);
}
