/* link.c — symbolic links in the namespace: READLINK, the STATUS_REPARSE a Create answers
   when its path meets a link, and whether a link leads to a directory (found once per node
   and kept on it). */
#include "engine/entry.h"
#include "engine/link.h"
#include "winfuse/linux_errno.h"
#include "winfuse/mappings.h"

wf_link_ctx *wf_link_ctx_get(wf_op *op)
{
    if (!op->link)
        op->link = wf_mem_alloc(sizeof *op->link);
    return op->link;
}

static void release_node(wf_op *op, wf_node **node)
{
    wf_cache_release(op->engine->cache, *node);
    *node = NULL;
}

/* The nodes a probe holds, let go once it has its answer. */
static void release_walk(wf_op *op)
{
    wf_link_ctx *ctx = op->link;
    release_node(op, &ctx->node);
    release_node(op, &ctx->probed);
    release_node(op, &ctx->at);
    release_node(op, &ctx->child);
}

void wf_link_release(wf_op *op)
{
    if (!op->link)
        return;
    release_walk(op);
    release_node(op, &op->link->made);
    wf_mem_free(op->link);
    op->link = NULL;
}

const uint16_t *wf_link_request_path(const wf_op *op, size_t *units)
{
    const FSP_FSCTL_TRANSACT_BUF *name = &op->req->FileName;
    uint32_t buffer_size = op->req->Size - (uint32_t)sizeof(FSP_FSCTL_TRANSACT_REQ);
    const uint16_t *path;
    size_t n;

    *units = 0;
    if ((uint32_t)name->Offset + name->Size > buffer_size || (name->Offset & 1))
        return NULL;
    path = (const uint16_t *)(const void *)(op->req->Buffer + name->Offset);
    n = name->Size / sizeof(uint16_t);
    while (n && path[n - 1] == 0)
        n--;
    *units = n;
    return path;
}

/* ---- READLINK ---------------------------------------------------------------------------- */

void wf_link_readlink_call(wf_op *op, wf_node *node)
{
    wf_call_begin(op, FUSE_READLINK, node->nodeid);
    wf_call_out(op, op->link->target, WF_LINK_TARGET_MAX);
    op->call.out_variable = true;
}

NTSTATUS wf_link_readlink_reply(wf_op *op)
{
    wf_link_ctx *ctx = op->link;
    uint32_t n = op->call.out_size;

    ctx->target_len = 0;
    if (op->call.error)
        return op->call.error == WF_EINVAL ? STATUS_NOT_A_REPARSE_POINT : wf_op_errno_status(op);
    /* libfuse sends the target without its NUL; one that counts it is forgiven. */
    if (n && ctx->target[n - 1] == '\0')
        n--;
    /* No POSIX link is empty or holds a NUL (symlink(2) could not have made it): cut at
       the NUL, the target would be another one. */
    bool malformed = n == 0;
    for (uint32_t i = 0; i < n && !malformed; i++)
        malformed = ctx->target[i] == '\0';
    if (malformed) {
        wf_engine_count_bad_reply(op->engine);
        return STATUS_IO_REPARSE_DATA_INVALID;
    }
    /* NTFS keeps a link's directory bit in the link; a POSIX link keeps it in the one
       place it has, its text: "dir/" resolves only to a directory (docs/engine.md). */
    ctx->target_dir = n > 1 && ctx->target[n - 1] == '/';
    while (n > 1 && ctx->target[n - 1] == '/')
        n--;
    ctx->target[n] = '\0';
    ctx->target_len = n;
    return STATUS_SUCCESS;
}

bool wf_link_mark_target(wf_link_ctx *ctx, bool dir)
{
    uint32_t n = ctx->target_len;
    while (n > 1 && ctx->target[n - 1] == '/')
        n--;
    if (dir && !(n == 1 && ctx->target[0] == '/')) {
        if (n + 1 > WF_LINK_TARGET_MAX)
            return false;
        ctx->target[n++] = '/';
    }
    ctx->target[n] = '\0';
    ctx->target_len = n;
    return true;
}

/* ---- what a link is known to lead to ----------------------------------------------------- */

bool wf_link_needs_probe(wf_engine *engine, const wf_node *node, uint32_t mode)
{
    bool unknown;
    if (!node || !WF_S_ISLNK(mode))
        return false;
    wf_lock_acquire(engine->lock);
    unknown = node->link_dir == WF_LINK_UNKNOWN;
    wf_lock_release(engine->lock);
    return unknown;
}

void wf_link_set_dir(wf_engine *engine, wf_node *node, bool dir)
{
    wf_lock_acquire(engine->lock);
    node->link_dir = dir ? WF_LINK_DIR : WF_LINK_NOT_DIR;
    wf_lock_release(engine->lock);
}

bool wf_link_is_dir(wf_engine *engine, const wf_node *node, const struct fuse_attr *attr)
{
    bool dir;
    if (!node || !WF_S_ISLNK(attr->mode))
        return false;
    wf_lock_acquire(engine->lock);
    dir = node->link_dir == WF_LINK_DIR;
    wf_lock_release(engine->lock);
    return dir;
}

void wf_link_file_info(wf_engine *engine, const wf_node *node, FSP_FSCTL_FILE_INFO *info)
{
    bool dir = false;
    if (!node || info->ReparseTag != IO_REPARSE_TAG_SYMLINK)
        return;
    wf_lock_acquire(engine->lock);
    dir = node->link_dir == WF_LINK_DIR;
    wf_lock_release(engine->lock);
    if (dir)
        info->FileAttributes |= FILE_ATTRIBUTE_DIRECTORY;
}

void wf_link_remember_path(wf_op *op, wf_file *file)
{
    const uint16_t *path;
    size_t units;

    if (!file->is_directory || file->path || op->req->Req.Create.OpenTargetDirectory)
        return;
    path = wf_link_request_path(op, &units);
    if (!path || units > WF_REPARSE_PATH_MAX)
        return;
    /* Without memory, the listing only leaves its links' directory bit unknown. */
    file->path = wf_mem_alloc((units + 1) * sizeof(uint16_t));
    if (!file->path)
        return;
    wf_mem_copy(file->path, path, units * sizeof(uint16_t));
    file->path_units = (uint32_t)units;
}

/* ---- Create meets a link ----------------------------------------------------------------- */

/* The component of path that ends at end (trailing separators skipped back over). */
static void component_before(const uint16_t *path, size_t end, size_t *start, size_t *stop)
{
    while (end > 0 && path[end - 1] == '\\')
        end--;
    *stop = end;
    while (end > 0 && path[end - 1] != '\\')
        end--;
    *start = end;
}

/* Puts a reparse buffer's bytes in the Create response; they were built in place. */
static void reparse_response(wf_op *op, uint32_t tag, size_t size)
{
    op->rsp->Size = (uint16_t)(sizeof(FSP_FSCTL_TRANSACT_RSP) + size);
    op->rsp->Rsp.Create.Reparse.Buffer.Offset = 0;
    op->rsp->Rsp.Create.Reparse.Buffer.Size = (uint16_t)size;
    op->rsp->IoStatus.Information = tag;
    op->status = STATUS_REPARSE;
}

wf_step wf_link_reparse(wf_op *op, const struct fuse_attr *attr)
{
    wf_link_ctx *ctx = op->link;
    size_t cap = wf_op_rsp_buffer_cap(op->kind), target_units, units, size;
    const uint16_t *path;

    WF_CORO_BEGIN(op);

    ctx = wf_link_ctx_get(op);
    if (!ctx) {
        op->status = STATUS_INSUFFICIENT_RESOURCES;
        WF_CORO_RETURN(op);
    }
    /* The response's Buffer[] comes uncleared from the engine's pool (op_pool.c). */
    wf_mem_set(op->rsp->Buffer, 0, cap);
    if (!WF_S_ISLNK(attr->mode)) {
        /* A special file: its own data, for a filter that knows the tag (none does on a
           stock system: the open fails there). */
        op->status = wf_reparse_build_nfs(attr->mode, attr->rdev, op->rsp->Buffer, cap, &size);
        if (NT_SUCCESS(op->status))
            reparse_response(op, IO_REPARSE_TAG_NFS, size);
        WF_CORO_RETURN(op);
    }

    wf_link_readlink_call(op, op->node);
    WF_AWAIT_REPLY(op);
    op->status = wf_link_readlink_reply(op);
    if (op->status == STATUS_NOT_A_REPARSE_POINT)
        op->status = STATUS_REPARSE_POINT_NOT_RESOLVED;     /* no longer a link */
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    if (ctx->target_dir)
        wf_link_set_dir(op->engine, op->node, true);
    op->status = wf_reparse_target_to_windows(ctx->target, ctx->target_len, ctx->wtarget,
        WF_LINK_TARGET_MAX, &target_units);
    if (!NT_SUCCESS(op->status)) {
        op->status = STATUS_REPARSE_POINT_NOT_RESOLVED;
        WF_CORO_RETURN(op);
    }
    path = wf_link_request_path(op, &units);
    if (!path) {
        op->status = STATUS_OBJECT_NAME_INVALID;
        WF_CORO_RETURN(op);
    }
    component_before(path, op->walk_pos < units ? op->walk_pos : units, &ctx->link_start,
        &ctx->link_end);
    op->status = wf_reparse_splice(path, units, ctx->link_start, ctx->link_end, ctx->wtarget,
        target_units, ctx->spliced, WF_REPARSE_PATH_MAX, &units);
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);
    op->status = wf_reparse_build_symlink(ctx->spliced, units, SYMLINK_FLAG_RELATIVE,
        op->rsp->Buffer, cap, &size);
    if (!NT_SUCCESS(op->status)) {
        op->status = STATUS_REPARSE_POINT_NOT_RESOLVED;
        WF_CORO_RETURN(op);
    }
    reparse_response(op, IO_REPARSE_TAG_SYMLINK, size);

    WF_CORO_END(op);
}

/* ---- does a link lead to a directory? ---------------------------------------------------- */

/* Replaces the link component of ctx->path by ctx->target (read just now). */
static bool splice_target(wf_link_ctx *ctx)
{
    size_t units, out;
    if (!NT_SUCCESS(wf_reparse_target_to_windows(ctx->target, ctx->target_len, ctx->wtarget,
            WF_LINK_TARGET_MAX, &units)))
        return false;
    if (!NT_SUCCESS(wf_reparse_splice(ctx->path, ctx->units, ctx->link_start, ctx->link_end,
            ctx->wtarget, units, ctx->spliced, WF_REPARSE_PATH_MAX, &out)))
        return false;
    wf_mem_copy(ctx->path, ctx->spliced, out * sizeof(uint16_t));
    ctx->units = out;
    return true;
}

/* The next component of ctx->path from ctx->pos: false at the end. */
static bool next_component(wf_link_ctx *ctx, size_t *start, size_t *end)
{
    size_t i = ctx->pos;
    while (i < ctx->units && ctx->path[i] == '\\')
        i++;
    if (i >= ctx->units)
        return false;
    *start = i;
    while (i < ctx->units && ctx->path[i] != '\\')
        i++;
    *end = i;
    return true;
}

/* An answer that only a failure to ask gave: the probe may be tried again later. */
static bool transient(int32_t error)
{
    return (error && !wf_error_refused(error)) || error == WF_EIO || error == WF_ENOMEM;
}

wf_step wf_link_probe(wf_op *op, wf_node *node, const uint16_t *path, size_t units,
    const char *name, size_t name_len)
{
    wf_engine *engine = op->engine;
    wf_link_ctx *ctx = op->link;
    size_t start, end, n;
    bool found = false;
    NTSTATUS status;

    WF_CORO_BEGIN(op);

    if (!wf_link_needs_probe(engine, node, WF_S_IFLNK))
        WF_CORO_RETURN(op);
    ctx = wf_link_ctx_get(op);
    if (!path)
        path = wf_link_request_path(op, &units);
    if (!ctx || !path || units > WF_REPARSE_PATH_MAX)
        WF_CORO_RETURN(op);
    /* The link's own path: its directory, then its name in Windows form. */
    wf_mem_copy(ctx->path, path, units * sizeof(uint16_t));
    ctx->units = units;
    if (name) {
        if (ctx->units + 1 > WF_REPARSE_PATH_MAX)
            WF_CORO_RETURN(op);
        ctx->path[ctx->units++] = '\\';
        if (!NT_SUCCESS(wf_name_to_windows(name, name_len, ctx->path + ctx->units,
                WF_REPARSE_PATH_MAX - ctx->units, &n)))
            WF_CORO_RETURN(op);
        ctx->units += n;
    }
    component_before(ctx->path, ctx->units, &ctx->link_start, &ctx->link_end);
    release_walk(op);
    wf_cache_ref(engine->cache, node);
    ctx->probed = node;
    wf_cache_ref(engine->cache, node);
    ctx->node = node;
    ctx->hops = 0;

    for (;;) {
        /* ctx->node is a link at ctx->path[link_start..link_end): read it, splice it in. */
        if (++ctx->hops > WF_LINK_HOPS_MAX)
            goto answer;
        wf_link_readlink_call(op, ctx->node);
        WF_AWAIT_REPLY(op);
        if (!NT_SUCCESS(wf_link_readlink_reply(op))) {
            if (transient(op->call.error))
                goto unknown;
            goto answer;
        }
        release_node(op, &ctx->node);
        /* The probed link itself says it is a directory link: whatever its target is or
           becomes, as on NTFS; no walk. */
        if (ctx->hops == 1 && ctx->target_dir) {
            found = true;
            goto answer;
        }
        if (!splice_target(ctx))
            goto answer;

        /* Walk the new path from the root. */
        release_node(op, &ctx->at);
        ctx->at = wf_cache_root(engine->cache);
        ctx->pos = 0;
        for (;;) {
            if (!next_component(ctx, &start, &end)) {
                /* The target: the root, or what the last step reached. */
                found = ctx->at->nodeid == FUSE_ROOT_ID || WF_S_ISDIR(ctx->attr.mode);
                goto answer;
            }
            ctx->link_start = start;
            ctx->link_end = end;
            ctx->pos = end;
            if (!NT_SUCCESS(wf_name_to_fuse(ctx->path + start, end - start, ctx->name,
                    WF_NAME_MAX, &n)))
                goto answer;
            ctx->name[n] = '\0';
            ctx->name_len = (uint32_t)n;
            ctx->child = wf_cache_lookup(engine->cache, ctx->at, ctx->name, ctx->name_len,
                wf_engine_now(engine));
            if (ctx->child) {
                wf_cache_get_attr(engine->cache, ctx->child, &ctx->attr, 0);
            } else {
                wf_lookup_call(op, ctx->at->nodeid, ctx->name, ctx->name_len, &ctx->entry);
                WF_AWAIT_REPLY(op);
                if (op->call.error) {
                    /* Missing (or not a directory on the way): a dangling link. */
                    if (transient(op->call.error))
                        goto unknown;
                    goto answer;
                }
                /* A negative entry is a dangling link too; an entry the intake refuses
                   (a bad reply, counted) leaves the answer unknown, as a bad reply does. */
                status = wf_entry_take(engine, ctx->at, ctx->name, ctx->name_len,
                    &ctx->entry, 0, &ctx->child);
                if (status == STATUS_OBJECT_NAME_NOT_FOUND)
                    goto answer;
                if (!NT_SUCCESS(status))
                    goto unknown;
                ctx->attr = ctx->entry.attr;
            }
            if (WF_S_ISLNK(ctx->attr.mode)) {
                /* Another link on the way: follow it from where it is. */
                ctx->node = ctx->child;
                ctx->child = NULL;
                ctx->pos = 0;
                break;
            }
            if (ctx->pos < ctx->units && !WF_S_ISDIR(ctx->attr.mode))
                goto answer;
            release_node(op, &ctx->at);
            ctx->at = ctx->child;
            ctx->child = NULL;
        }
    }

answer:
    wf_link_set_dir(engine, ctx->probed, found);
unknown:
    release_walk(op);

    WF_CORO_END(op);
}
