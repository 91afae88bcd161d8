/* fsd_notify.c — the stand-in's change notification: directory handles watched as
   NtNotifyChangeDirectoryFile watches them, fed by the changes the file system reports. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fsd_internal.h"
#include "winfuse/mappings.h"
#include "winfuse/nt_constants.h"

/* Changes a watch keeps between two calls; more, and NT's notify package tells the caller
   to list the directory instead (STATUS_NOTIFY_ENUM_DIR). */
#define WF_FSD_WATCH_KEEP 256u

typedef struct wf_fsd_change {
    uint32_t action;
    char *name;                 /* UTF-8, relative to the watched directory */
} wf_fsd_change;

struct wf_fsd_watch {
    struct wf_fsd_watch *next;  /* in fsd->watches */
    wf_fsd_file *file;
    uint32_t filter;
    bool tree;
    bool overflow;              /* changes were dropped since the last call */
    uint32_t count;
    wf_fsd_change changes[WF_FSD_WATCH_KEEP];
};

/* Called with the lock held. */
static void wf_fsd_watch_drop_changes(struct wf_fsd_watch *watch)
{
    uint32_t i;
    for (i = 0; i < watch->count; i++)
        free(watch->changes[i].name);
    watch->count = 0;
    watch->overflow = false;
}

/* Keeps one change for watch: name[0..units) relative to its directory. Lock held. */
static void wf_fsd_watch_keep(struct wf_fsd_watch *watch, uint32_t action,
    const uint16_t *name, size_t units)
{
    size_t len = 0;
    char *utf8;

    if (watch->overflow)
        return;
    if (watch->count == WF_FSD_WATCH_KEEP) {
        wf_fsd_watch_drop_changes(watch);
        watch->overflow = true;
        return;
    }
    utf8 = malloc(units * 3 + 1);
    if (utf8 == NULL || wf_utf16_to_utf8(name, units, utf8, units * 3, &len) != STATUS_SUCCESS) {
        /* A change that cannot be kept is a change lost: list the directory. */
        free(utf8);
        wf_fsd_watch_drop_changes(watch);
        watch->overflow = true;
        return;
    }
    utf8[len] = '\0';
    watch->changes[watch->count].action = action;
    watch->changes[watch->count].name = utf8;
    watch->count++;
}

void wf_fsd_notify(wf_fsd *fsd, const FSP_FSCTL_NOTIFY_INFO *info)
{
    const uint16_t *name = info->FileNameBuf;
    size_t units, parent_units;
    struct wf_fsd_watch *watch;
    bool kept = false;

    if (fsd == NULL || info->Size <= sizeof *info || (info->Size - sizeof *info) % 2 != 0)
        return;
    units = (info->Size - sizeof *info) / sizeof(uint16_t);
    if (name[0] != '\\')
        return;
    /* The directory the name is in: up to its last backslash ("\" for the root's). */
    for (parent_units = units - 1; parent_units > 0 && name[parent_units] != '\\';)
        parent_units--;
    if (parent_units == units - 1)
        return;     /* a trailing backslash: no name */

    pthread_mutex_lock(&fsd->lock);
    for (watch = fsd->watches; watch != NULL; watch = watch->next) {
        const wf_fsd_node *dir = watch->file->node;
        size_t skip;
        if ((watch->filter & info->Filter) == 0)
            continue;
        if (wf_fsd_name_equal(fsd->case_insensitive, name, parent_units ? parent_units : 1,
                dir->name, dir->name_units)) {
            skip = parent_units + 1;
        } else if (watch->tree &&
            wf_fsd_name_below(fsd->case_insensitive, name, units, dir->name, dir->name_units)) {
            skip = dir->name_units == 1 ? 1 : dir->name_units + 1;
        } else {
            continue;
        }
        wf_fsd_watch_keep(watch, info->Action, name + skip, units - skip);
        kept = true;
    }
    if (kept)
        pthread_cond_broadcast(&fsd->notify_cond);
    pthread_mutex_unlock(&fsd->lock);
}

NTSTATUS wf_fsd_notify_change_directory(wf_fsd_file *file, uint32_t filter, bool watch_tree,
    uint32_t timeout_ms, wf_fsd_change_fn *change, void *ctx)
{
    wf_fsd *fsd = file->fsd;
    struct wf_fsd_watch *watch;
    struct timespec deadline;
    wf_fsd_change *taken = NULL;
    uint32_t count = 0, i;
    bool overflow;

    /* The I/O manager's checks, then WinFsp's FSD's (FspFsvolNotifyChangeDirectory). */
    if (filter == 0 || (filter & ~FILE_NOTIFY_VALID_MASK) != 0)
        return STATUS_INVALID_PARAMETER;
    if ((file->granted_access & FILE_LIST_DIRECTORY) == 0)
        return STATUS_ACCESS_DENIED;
    if (!file->is_directory)
        return STATUS_INVALID_PARAMETER;

    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ms / 1000u;
    deadline.tv_nsec += (long)(timeout_ms % 1000u) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }

    pthread_mutex_lock(&fsd->lock);
    if (file->node->delete_pending) {
        pthread_mutex_unlock(&fsd->lock);
        return STATUS_DELETE_PENDING;
    }
    watch = file->watch;
    if (watch == NULL) {
        /* The first call arms the watch; its filter and tree stay, as NT keeps them. */
        watch = calloc(1, sizeof *watch);
        if (watch == NULL) {
            pthread_mutex_unlock(&fsd->lock);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        watch->file = file;
        watch->filter = filter;
        watch->tree = watch_tree;
        watch->next = fsd->watches;
        fsd->watches = watch;
        file->watch = watch;
    }
    while (watch->count == 0 && !watch->overflow) {
        if (pthread_cond_timedwait(&fsd->notify_cond, &fsd->lock, &deadline) == ETIMEDOUT)
            break;
    }
    overflow = watch->overflow;
    watch->overflow = false;
    if (watch->count != 0) {
        taken = malloc(watch->count * sizeof *taken);
        if (taken == NULL) {
            wf_fsd_watch_drop_changes(watch);
            overflow = true;
        } else {
            memcpy(taken, watch->changes, watch->count * sizeof *taken);
            count = watch->count;
            watch->count = 0;
        }
    }
    pthread_mutex_unlock(&fsd->lock);

    for (i = 0; i < count; i++) {
        change(ctx, taken[i].action, taken[i].name);
        free(taken[i].name);
    }
    free(taken);
    if (overflow)
        return STATUS_NOTIFY_ENUM_DIR;
    return count != 0 ? STATUS_SUCCESS : STATUS_TIMEOUT;
}

void wf_fsd_watch_end(wf_fsd *fsd, wf_fsd_file *file)
{
    struct wf_fsd_watch **link;

    if (file->watch == NULL)
        return;
    for (link = &fsd->watches; *link != file->watch; link = &(*link)->next)
        ;
    *link = file->watch->next;
    wf_fsd_watch_drop_changes(file->watch);
    free(file->watch);
    file->watch = NULL;
}
