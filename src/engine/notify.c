/* notify.c — messages the file system sends unasked (fuse_out_header.unique 0): the coherence
   notifications invalidate the entry cache and are reported to the host as changes; the
   others are counted and dropped. */
#include "engine/engine_internal.h"
#include "winfuse/mappings.h"
#include "winfuse/nt_constants.h"

/* Longest name a notification may carry, as the Linux client bounds it (its FUSE_NAME_MAX). */
#define WF_NOTIFY_NAME_MAX 1024u
/* A full name in UTF-16 as WinFsp carries one (FSP_FSCTL_TRANSACT_PATH_SIZEMAX), and room
   for its FUSE spelling (at most 3 bytes for each UTF-16 unit). */
#define WF_NOTIFY_PATH_UNITS (FSP_FSCTL_TRANSACT_PATH_SIZEMAX / sizeof(uint16_t))
#define WF_NOTIFY_FUSE_PATH_MAX (3u * WF_NOTIFY_PATH_UNITS + WF_NOTIFY_NAME_MAX + 1u)
/* Hard links of one node reported for one INVAL_INODE at most. */
#define WF_NOTIFY_NAMES_MAX 16u

/* What a record is built in: from the heap, since a path does not belong on the stack. */
typedef struct wf_notify_buffer {
    uint8_t *record;            /* FSP_FSCTL_NOTIFY_INFO and its name */
    char *path;                 /* the FUSE path, "a/b/c" */
} wf_notify_buffer;

static bool notify_buffer_get(wf_notify_buffer *b)
{
    b->record = wf_mem_alloc(sizeof(FSP_FSCTL_NOTIFY_INFO) + FSP_FSCTL_TRANSACT_PATH_SIZEMAX);
    b->path = wf_mem_alloc(WF_NOTIFY_FUSE_PATH_MAX);
    return b->record && b->path;
}

static void notify_buffer_put(wf_notify_buffer *b)
{
    wf_mem_free(b->record);
    wf_mem_free(b->path);
}

/* Gives the host one change of node's which-th name (leaf NULL), or of the name leaf in the
   directory node: the FUSE path from the cache, each component turned into its Windows form
   ("\\a\\b"). Returns false when that name is unknown or has no Windows form: nothing is
   reported then. */
static bool notify_report(wf_engine *engine, wf_notify_buffer *b, const wf_node *node,
    uint32_t which, const char *leaf, uint32_t leaf_len, uint32_t filter, uint32_t action)
{
    size_t len = 0, units = 0;
    if (!wf_cache_path(engine->cache, node, which, b->path, WF_NOTIFY_FUSE_PATH_MAX, &len))
        return false;
    if (leaf) {
        if (len + 1 + leaf_len > WF_NOTIFY_FUSE_PATH_MAX)
            return false;
        if (len)
            b->path[len++] = '/';
        wf_mem_copy(b->path + len, leaf, leaf_len);
        len += leaf_len;
    }
    if (len == 0)
        return false;   /* the root: it is no entry of any directory a watcher sees */

    FSP_FSCTL_NOTIFY_INFO *info = (FSP_FSCTL_NOTIFY_INFO *)b->record;
    uint16_t *name = (uint16_t *)(b->record + sizeof *info);
    for (size_t at = 0; at < len;) {
        size_t end = at, n = 0;
        while (end < len && b->path[end] != '/')
            end++;
        if (units + 1 >= WF_NOTIFY_PATH_UNITS)
            return false;
        name[units++] = '\\';
        if (wf_name_to_windows(b->path + at, end - at, name + units,
                WF_NOTIFY_PATH_UNITS - units, &n) != STATUS_SUCCESS)
            return false;
        units += n;
        at = end + 1;
    }
    info->Size = (uint16_t)(sizeof *info + units * sizeof *name);
    info->Filter = filter;
    info->Action = action;
    engine->params.notify(engine->params.host, info);
    return true;
}

/* Counts what was reported and what had no name to report it by. */
static void notify_count(wf_engine *engine, uint32_t reported, uint32_t unnamed)
{
    wf_lock_acquire(engine->lock);
    engine->changes_reported += reported;
    engine->changes_unnamed += unnamed;
    wf_lock_release(engine->lock);
}

/* A change of the name leaf in the directory parent (a node the caller holds). */
static void notify_entry_change(wf_engine *engine, const wf_node *parent, const char *leaf,
    uint32_t leaf_len, uint32_t filter, uint32_t action)
{
    wf_notify_buffer b;
    if (!engine->params.notify)
        return;
    bool reported = notify_buffer_get(&b) &&
        notify_report(engine, &b, parent, 0, leaf, leaf_len, filter, action);
    notify_buffer_put(&b);
    notify_count(engine, reported, !reported);
}

static NTSTATUS notify_malformed(wf_engine *engine)
{
    wf_engine_count_bad_reply(engine);
    return STATUS_INVALID_PARAMETER;
}

/* A notification body of fixed bytes, then a name of namelen bytes, then a NUL, and nothing
   more. The name must be one the engine could have cached: neither empty nor holding a NUL
   or a '/'. */
static bool notify_name_valid(const uint8_t *body, uint32_t size, uint32_t fixed,
    uint32_t namelen)
{
    if (namelen == 0 || namelen > WF_NOTIFY_NAME_MAX ||
        (uint64_t)size != (uint64_t)fixed + namelen + 1 || body[fixed + namelen] != 0)
        return false;
    for (uint32_t i = 0; i < namelen; i++)
        if (body[fixed + i] == 0 || body[fixed + i] == '/')
            return false;
    return true;
}

/* The next use of the node's attributes asks the file system. off/len name a range of file
   data to drop as well: the engine keeps no file data, so the attributes are all there is. */
static NTSTATUS notify_inval_inode(wf_engine *engine, const uint8_t *body, uint32_t size)
{
    struct fuse_notify_inval_inode_out out;
    if (size != sizeof out)
        return notify_malformed(engine);
    wf_mem_copy(&out, body, sizeof out);
    wf_node *node = wf_cache_find_node(engine->cache, out.ino);
    if (node) {
        wf_cache_expire_attr(engine->cache, node);
        /* Each name the node is known by: its data changed (off >= 0), or only its
           attributes (off < 0: libfuse's "invalidate attributes only"). */
        if (engine->params.notify && out.ino != FUSE_ROOT_ID) {
            uint32_t filter = out.off >= 0 ?
                FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_SIZE :
                FILE_NOTIFY_CHANGE_ATTRIBUTES | FILE_NOTIFY_CHANGE_LAST_WRITE |
                FILE_NOTIFY_CHANGE_SIZE | FILE_NOTIFY_CHANGE_SECURITY;
            wf_notify_buffer b;
            uint32_t reported = 0;
            if (notify_buffer_get(&b))
                while (reported < WF_NOTIFY_NAMES_MAX && notify_report(engine, &b, node,
                        reported, NULL, 0, filter, FILE_ACTION_MODIFIED))
                    reported++;
            notify_buffer_put(&b);
            notify_count(engine, reported, reported == 0);
        }
        wf_cache_release(engine->cache, node);
    }
    return STATUS_SUCCESS;
}

/* (parent, name) is no longer what the cache says: the next open of that name LOOKUPs, and
   the directory's own attributes (its times) are stale too. FUSE_EXPIRE_ONLY asks to expire
   rather than drop the entry; for the next open the two are the same, so both drop it. */
static NTSTATUS notify_inval_entry(wf_engine *engine, const uint8_t *body, uint32_t size)
{
    struct fuse_notify_inval_entry_out out;
    if (size < sizeof out)
        return notify_malformed(engine);
    wf_mem_copy(&out, body, sizeof out);
    if (!notify_name_valid(body, size, sizeof out, out.namelen))
        return notify_malformed(engine);
    wf_node *parent = wf_cache_find_node(engine->cache, out.parent);
    if (parent) {
        wf_cache_drop_entry(engine->cache, parent, (const char *)body + sizeof out, out.namelen);
        wf_cache_expire_attr(engine->cache, parent);
        /* The name now leads elsewhere, or nowhere, or somewhere new: FUSE does not say
           which, and asking (a LOOKUP) is a round trip the protocol does not need. A watcher
           hears that the name changed and looks. */
        notify_entry_change(engine, parent, (const char *)body + sizeof out, out.namelen,
            FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME, FILE_ACTION_MODIFIED);
        wf_cache_release(engine->cache, parent);
    } else if (engine->params.notify) {
        notify_count(engine, 0, 1);
    }
    return STATUS_SUCCESS;
}

/* child was deleted from (parent, name): the entry goes unless the name already names another
   node (a newer one: leave it, as the Linux client does); the child's link count and the
   directory's times have changed. */
static NTSTATUS notify_delete(wf_engine *engine, const uint8_t *body, uint32_t size)
{
    struct fuse_notify_delete_out out;
    if (size < sizeof out)
        return notify_malformed(engine);
    wf_mem_copy(&out, body, sizeof out);
    if (!notify_name_valid(body, size, sizeof out, out.namelen))
        return notify_malformed(engine);
    const char *name = (const char *)body + sizeof out;
    wf_node *child = out.child ? wf_cache_find_node(engine->cache, out.child) : NULL;
    /* A name of a directory or of a file, as the watcher's filter tells them apart; a
       child the engine does not know may be either. */
    uint32_t filter = FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME;
    if (child) {
        struct fuse_attr attr;
        (void)wf_cache_get_attr(engine->cache, child, &attr, 0);
        filter = (attr.mode & 0170000u) == 0040000u ? FILE_NOTIFY_CHANGE_DIR_NAME :
            FILE_NOTIFY_CHANGE_FILE_NAME;
    }
    wf_node *parent = wf_cache_find_node(engine->cache, out.parent);
    if (parent) {
        wf_node *named = wf_cache_lookup(engine->cache, parent, name, out.namelen,
            wf_engine_now(engine));
        if (!named || out.child == 0 || named->nodeid == out.child)
            wf_cache_drop_entry(engine->cache, parent, name, out.namelen);
        wf_cache_release(engine->cache, named);
        wf_cache_expire_attr(engine->cache, parent);
        notify_entry_change(engine, parent, name, out.namelen, filter, FILE_ACTION_REMOVED);
        wf_cache_release(engine->cache, parent);
    } else if (engine->params.notify) {
        notify_count(engine, 0, 1);
    }
    if (child) {
        wf_cache_expire_attr(engine->cache, child);
        wf_cache_release(engine->cache, child);
    }
    return STATUS_SUCCESS;
}

NTSTATUS wf_engine_notify(wf_engine *engine, int32_t code, const uint8_t *body, uint32_t size)
{
    switch (code) {
    case FUSE_NOTIFY_INVAL_INODE:
        return notify_inval_inode(engine, body, size);
    case FUSE_NOTIFY_INVAL_ENTRY:
        return notify_inval_entry(engine, body, size);
    case FUSE_NOTIFY_DELETE:
        return notify_delete(engine, body, size);
    case FUSE_NOTIFY_POLL:          /* the engine never asks to be told (no POLL sent) */
    case FUSE_NOTIFY_STORE:         /* data for a page cache: the engine keeps no file data */
    case FUSE_NOTIFY_RETRIEVE:      /* asks that page cache back: there is none to send */
    case FUSE_NOTIFY_RESEND:        /* requests are never lost here: nothing to resend */
    case FUSE_NOTIFY_INC_EPOCH:
    case FUSE_NOTIFY_PRUNE:
        return STATUS_SUCCESS;      /* counted by the caller, and dropped */
    default:
        /* Not a notification code: the Linux client refuses it too. */
        return notify_malformed(engine);
    }
}
