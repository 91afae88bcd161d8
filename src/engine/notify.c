/* notify.c — messages the file system sends unasked (fuse_out_header.unique 0): the coherence
   notifications invalidate the entry cache, the others are counted and dropped. */
#include "engine/engine_internal.h"

/* Longest name a notification may carry, as the Linux client bounds it (its FUSE_NAME_MAX). */
#define WF_NOTIFY_NAME_MAX 1024u

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
        wf_cache_release(engine->cache, parent);
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
    wf_node *parent = wf_cache_find_node(engine->cache, out.parent);
    if (parent) {
        wf_node *named = wf_cache_lookup(engine->cache, parent, name, out.namelen,
            wf_engine_now(engine));
        if (!named || out.child == 0 || named->nodeid == out.child)
            wf_cache_drop_entry(engine->cache, parent, name, out.namelen);
        wf_cache_release(engine->cache, named);
        wf_cache_expire_attr(engine->cache, parent);
        wf_cache_release(engine->cache, parent);
    }
    wf_node *child = out.child ? wf_cache_find_node(engine->cache, out.child) : NULL;
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
