/* file.c — open handles (WinFsp's per-handle UserContext2) and file information. */
#include "engine/engine_internal.h"
#include "engine/mappings.h"

wf_file *wf_op_file(uint64_t user_context2)
{
    wf_file *file = (wf_file *)(uintptr_t)user_context2;
    /* The FSD hands back what Create returned; the magic catches a stale or foreign value
       in the stand-in's tests before it is trusted. */
    if (!file || file->magic != WF_FILE_MAGIC)
        return NULL;
    return file;
}

wf_file *wf_file_new(wf_engine *engine, wf_node *node, wf_node *parent)
{
    wf_file *file = wf_mem_alloc(sizeof *file);
    if (!file)
        return NULL;
    file->magic = WF_FILE_MAGIC;
    file->node = node;
    wf_cache_ref(engine->cache, node);
    file->parent = parent;
    if (parent)
        wf_cache_ref(engine->cache, parent);
    wf_lock_acquire(engine->lock);
    file->next = engine->files;
    if (file->next)
        file->next->prev = file;
    engine->files = file;
    wf_lock_release(engine->lock);
    return file;
}

void wf_file_free(wf_engine *engine, wf_file *file)
{
    wf_lock_acquire(engine->lock);
    if (file->prev)
        file->prev->next = file->next;
    else
        engine->files = file->next;
    if (file->next)
        file->next->prev = file->prev;
    wf_lock_release(engine->lock);
    wf_mem_free(file->dirbuf);
    wf_cache_release(engine->cache, file->node);
    wf_cache_release(engine->cache, file->parent);
    wf_mem_free(file->path);
    file->magic = 0;
    wf_mem_free(file);
}

void wf_op_file_info(const struct fuse_attr *attr, FSP_FSCTL_FILE_INFO *info)
{
    wf_fuse_attr_to_file_info(attr, WF_ALLOCATION_UNIT, info);
}
