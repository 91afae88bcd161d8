/* entry.c — the one intake of entries and attributes from the file system into the cache:
   nodeid 0, the root, file types and sizes checked alike at every site (entry.h). */
#include "engine/entry.h"

#define WF_ENTRY_IFSOCK 0140000u
#define WF_ENTRY_IFBLK  0060000u
#define WF_ENTRY_IFCHR  0020000u
#define WF_ENTRY_IFIFO  0010000u

bool wf_entry_type_valid(uint32_t mode)
{
    switch (mode & WF_S_IFMT) {
    case WF_S_IFREG: case WF_S_IFDIR: case WF_S_IFLNK: case WF_ENTRY_IFCHR:
    case WF_ENTRY_IFBLK: case WF_ENTRY_IFIFO: case WF_ENTRY_IFSOCK:
        return true;
    default:
        return false;
    }
}

/* The Linux client's fuse_invalid_attr: a type it knows, a size a loff_t holds. */
static bool attr_valid(const struct fuse_attr *attr)
{
    return wf_entry_type_valid(attr->mode) && attr->size <= (uint64_t)INT64_MAX;
}

static NTSTATUS refuse(wf_engine *engine, const wf_node *parent, const char *name,
    size_t name_len, uint64_t give_back)
{
    wf_engine_count_bad_reply(engine);
    if (give_back)
        wf_cache_give_back(engine->cache, give_back);
    /* What was cached under the name is in doubt too: the next open asks again. */
    if (name)
        wf_cache_drop_entry(engine->cache, parent, name, name_len);
    return STATUS_IO_DEVICE_ERROR;
}

NTSTATUS wf_entry_take(wf_engine *engine, const wf_node *parent, const char *name,
    size_t name_len, const struct fuse_entry_out *entry, uint32_t made_type, wf_node **node)
{
    return wf_entry_take_at(engine, parent, name, name_len, entry, made_type,
        wf_engine_now(engine), node);
}

NTSTATUS wf_entry_take_at(wf_engine *engine, const wf_node *parent, const char *name,
    size_t name_len, const struct fuse_entry_out *entry, uint32_t made_type, uint64_t now_ms,
    wf_node **node)
{
    uint64_t nodeid = entry->nodeid;
    bool conflict;

    *node = NULL;
    if (nodeid == 0) {
        if (!made_type)
            return STATUS_OBJECT_NAME_NOT_FOUND;
        return refuse(engine, parent, name, name_len, 0);
    }
    /* The root's lookups are never forgotten (as the Linux client never forgets it), so
       the one this reply counted is not given back either. */
    if (nodeid == FUSE_ROOT_ID)
        return refuse(engine, parent, name, name_len, 0);
    if (!attr_valid(&entry->attr) || nodeid == parent->nodeid ||
        (made_type && (entry->attr.mode & WF_S_IFMT) != (made_type & WF_S_IFMT)))
        return refuse(engine, parent, name, name_len, nodeid);
    *node = wf_cache_insert(engine->cache, parent, name, name_len, entry, now_ms, &conflict);
    if (*node)
        return STATUS_SUCCESS;
    if (conflict)   /* given back by the cache, under its lock */
        return refuse(engine, parent, name, name_len, 0);
    return STATUS_INSUFFICIENT_RESOURCES;
}

NTSTATUS wf_entry_take_attr(wf_engine *engine, wf_node *node, const struct fuse_attr_out *out)
{
    if (!attr_valid(&out->attr)) {
        wf_cache_make_bad(engine->cache, node);
        wf_engine_count_bad_reply(engine);
        return STATUS_IO_DEVICE_ERROR;
    }
    if (!wf_cache_set_attr(engine->cache, node, &out->attr, out->attr_valid,
            out->attr_valid_nsec, wf_engine_now(engine))) {
        wf_engine_count_bad_reply(engine);
        return STATUS_IO_DEVICE_ERROR;
    }
    return STATUS_SUCCESS;
}

bool wf_entry_node_bad(wf_engine *engine, const wf_node *node)
{
    return wf_cache_is_bad(engine->cache, node);
}
