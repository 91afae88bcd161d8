/* file.c — open handles (WinFsp's per-handle UserContext2), their OPEN and RELEASE, and file
   information. */
#include "engine/engine_internal.h"
#include "engine/entry.h"
#include "engine/link.h"
#include "winfuse/linux_errno.h"
#include "winfuse/mappings.h"

wf_file *wf_op_file(uint64_t user_context2)
{
    wf_file *file = (wf_file *)(uintptr_t)user_context2;
    /* The FSD hands back what Create returned; the magic catches a stale or foreign value
       in the stand-in's tests before it is trusted. */
    if (!file || file->magic != WF_FILE_MAGIC)
        return NULL;
    return file;
}

/* Closed handles kept for reuse: a handle costs no allocation, and the free list rides
   on the engine-lock section that links the handle in or out anyway. A kept handle has
   magic 0, as a freed one: a stale UserContext2 is refused until the block is reused. */
#define WF_FILE_FREE_MAX 16u

_Static_assert(offsetof(wf_file, prev) < offsetof(wf_file, is_directory) &&
    offsetof(wf_file, next) < offsetof(wf_file, is_directory),
    "wf_file_new clears from is_directory on: the links come before it");

static void link_file_locked(wf_engine *engine, wf_file *file)
{
    file->prev = NULL;
    file->next = engine->files;
    if (file->next)
        file->next->prev = file;
    engine->files = file;
}

/* Fills a handle taken from the kept ones (linked already: only its links may be touched
   by others, under the lock). */
static void file_init(wf_engine *engine, wf_file *file, wf_node *node, wf_node *parent)
{
    wf_mem_set((uint8_t *)file + offsetof(wf_file, is_directory), 0,
        sizeof *file - offsetof(wf_file, is_directory));
    file->magic = WF_FILE_MAGIC;
    file->node = node;
    wf_cache_ref(engine->cache, node);
    file->parent = parent;
    if (parent)
        wf_cache_ref(engine->cache, parent);
}

wf_file *wf_file_spare_locked(wf_engine *engine)
{
    wf_file *file = engine->free_files;
    if (file) {
        engine->free_files = file->next;
        engine->free_file_count--;
        link_file_locked(engine, file);
    }
    return file;
}

wf_file *wf_op_file_new(wf_op *op, wf_node *node, wf_node *parent)
{
    wf_file *file = op->file_spare;
    if (!file)
        return wf_file_new(op->engine, node, parent);
    op->file_spare = NULL;
    file_init(op->engine, file, node, parent);
    return file;
}

wf_file *wf_file_new(wf_engine *engine, wf_node *node, wf_node *parent)
{
    wf_lock_acquire(engine->lock);
    wf_file *file = wf_file_spare_locked(engine);
    wf_lock_release(engine->lock);
    if (!file) {
        file = wf_mem_alloc(sizeof *file);
        if (!file)
            return NULL;
        wf_lock_acquire(engine->lock);
        link_file_locked(engine, file);
        wf_lock_release(engine->lock);
    }
    file_init(engine, file, node, parent);
    return file;
}

/* A handle goes in two parts: what it holds (no lock; it can no longer be used: magic 0),
   then its place on the engine's list (engine lock), which a Close leaves to the section
   its op ends in (wf_op_close_file). */
static void file_release_parts(wf_engine *engine, wf_file *file)
{
    file->magic = 0;
    if (file->dirbuf)
        wf_mem_free(file->dirbuf);
    wf_cache_release(engine->cache, file->node);
    wf_cache_release(engine->cache, file->parent);
    if (file->path)
        wf_mem_free(file->path);
    if (file->stream)
        wf_mem_free(file->stream);
}

/* Off the open list and onto the free list; returns the handle when that is full (the
   caller frees it after the lock), else NULL. Engine lock held. */
wf_file *wf_file_unlink_locked(wf_engine *engine, wf_file *file)
{
    if (file->prev)
        file->prev->next = file->next;
    else
        engine->files = file->next;
    if (file->next)
        file->next->prev = file->prev;
    if (engine->free_file_count < WF_FILE_FREE_MAX) {
        /* A kept handle may be linked again as a spare: it holds nothing (file_release_parts
           let it go), and engine delete may free it from the list as it is. */
        file->node = file->parent = NULL;
        file->dirbuf = NULL;
        file->path = NULL;
        file->stream = NULL;
        file->next = engine->free_files;
        engine->free_files = file;
        engine->free_file_count++;
        return NULL;
    }
    return file;
}

void wf_file_free(wf_engine *engine, wf_file *file)
{
    file_release_parts(engine, file);
    wf_lock_acquire(engine->lock);
    file = wf_file_unlink_locked(engine, file);
    wf_lock_release(engine->lock);
    wf_mem_free(file);
}

void wf_op_close_file(wf_op *op, wf_file *file)
{
    file_release_parts(op->engine, file);
    op->file_done = file;
}

void wf_file_clear(wf_engine *engine)
{
    while (engine->free_files) {
        wf_file *file = engine->free_files;
        engine->free_files = file->next;
        wf_mem_free(file);
    }
    engine->free_file_count = 0;
}

void wf_op_file_info(const struct fuse_attr *attr, FSP_FSCTL_FILE_INFO *info)
{
    wf_fuse_attr_to_file_info(attr, WF_ALLOCATION_UNIT, info);
}

void wf_op_file_info_full(wf_engine *engine, const wf_node *node, const struct fuse_attr *attr,
    FSP_FSCTL_FILE_INFO *info)
{
    uint8_t dos_state;
    uint32_t dos_attributes;
    uint64_t dos_creation;

    wf_op_file_info(attr, info);
    info->EaSize = wf_cache_info(engine->cache, node, attr, &dos_state, &dos_attributes,
        &dos_creation);
    if (!engine->dosattrib_off)
        wf_dos_apply(dos_state, dos_attributes, dos_creation, attr, info);
    wf_link_file_info(engine, node, info);
}

/* The common start of a request on a handle: its node, held for the request. */
bool wf_op_at_file(wf_op *op, const wf_file *file)
{
    if (!file) {
        op->status = STATUS_INVALID_HANDLE;
        return false;
    }
    if (wf_entry_node_bad(op->engine, file->node)) {
        op->status = STATUS_IO_DEVICE_ERROR;   /* the file system lied about its type */
        return false;
    }
    op->node = file->node;
    wf_cache_ref(op->engine->cache, op->node);
    op->attr_fresh = false;
    op->status = STATUS_SUCCESS;
    return true;
}

/* OPEN/OPENDIR of a handle, for Create and for a directory's first listing. */
void wf_open_fh_call(wf_op *op, uint64_t nodeid, uint32_t flags, bool directory)
{
    op->u.open.in = (struct fuse_open_in){ .flags = flags };   /* the rest zero, no call */
    wf_call_begin(op, directory ? FUSE_OPENDIR : FUSE_OPEN, nodeid);
    wf_call_in(op, &op->u.open.in, sizeof op->u.open.in);
    wf_call_out(op, &op->u.open.out, sizeof op->u.open.out);
}

void wf_open_call(wf_op *op, const wf_file *file)
{
    wf_open_fh_call(op, file->node->nodeid, file->open_flags, file->is_directory);
}

/* The OPEN/OPENDIR reply into the handle, for Create and for a directory's first listing. */
NTSTATUS wf_open_reply(wf_op *op, wf_file *file)
{
    if (op->call.error == WF_ENOSYS &&
        (op->engine->flags & (file->is_directory ? FUSE_NO_OPENDIR_SUPPORT : FUSE_NO_OPEN_SUPPORT)))
        return STATUS_SUCCESS;  /* no per-open state: handles are fh 0 from now on */
    if (op->call.error)
        return wf_op_errno_status(op);
    file->has_fh = true;
    file->fh = op->u.open.out.fh;
    file->fopen_flags = op->u.open.out.open_flags;
    return STATUS_SUCCESS;
}

/* RELEASE/RELEASEDIR of a handle: at Close, after a failed Create's EAs, at a reparse change. */
void wf_release_fh_call(wf_op *op, uint64_t nodeid, uint64_t fh, uint32_t flags,
    bool directory)
{
    op->u.release.in = (struct fuse_release_in){ .fh = fh, .flags = flags };
    wf_call_begin(op, directory ? FUSE_RELEASEDIR : FUSE_RELEASE, nodeid);
    wf_call_in(op, &op->u.release.in, sizeof op->u.release.in);
}

void wf_release_call(wf_op *op, const wf_file *file)
{
    wf_release_fh_call(op, file->node->nodeid, file->fh, file->open_flags,
        file->is_directory);
}
