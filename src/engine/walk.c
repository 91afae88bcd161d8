/* walk.c — from a Windows path to a FUSE node: one LOOKUP per component the cache cannot
   answer, and the attributes of the node reached. */
#include "engine/engine_internal.h"
#include "engine/linux_errno.h"
#include "engine/mappings.h"

NTSTATUS wf_op_errno_status(const wf_op *op)
{
    switch (op->call.error) {
    case WF_ERR_BAD_REPLY:
        return STATUS_IO_DEVICE_ERROR;
    case WF_ERR_DISCONNECTED:
        return STATUS_CONNECTION_DISCONNECTED;
    case WF_ERR_TOO_BIG:
        return STATUS_INSUFFICIENT_RESOURCES;
    default:
        return wf_errno_to_ntstatus(op->call.error);
    }
}

/* A path in the request (FileName, or another buffer such as a rename's NewFileName) as
   UTF-16 units without the terminator, or NULL when the buffer descriptor points outside
   the request. */
static const uint16_t *request_path(const wf_op *op, const FSP_FSCTL_TRANSACT_BUF *name,
    uint32_t *units)
{
    uint32_t buffer_size = op->req->Size - (uint32_t)sizeof(FSP_FSCTL_TRANSACT_REQ);
    if ((uint32_t)name->Offset + name->Size > buffer_size || (name->Offset & 1))
        return NULL;
    const uint16_t *path = (const uint16_t *)(const void *)(op->req->Buffer + name->Offset);
    uint32_t n = name->Size / 2;
    while (n && path[n - 1] == 0)
        n--;
    *units = n;
    return path;
}

static void move_down(wf_op *op, wf_node *child)
{
    wf_cache_release(op->engine->cache, op->parent);
    op->parent = op->node;
    op->node = child;
}

wf_step wf_walk(wf_op *op, bool to_parent)
{
    return wf_walk_buf(op, &op->req->FileName, to_parent);
}

wf_step wf_walk_buf(wf_op *op, const FSP_FSCTL_TRANSACT_BUF *name, bool to_parent)
{
    wf_engine *engine = op->engine;
    const uint16_t *path;
    uint32_t units, start, end;

    WF_CORO_BEGIN(op->walk_state);

    op->status = STATUS_SUCCESS;
    op->node = wf_cache_root(engine->cache);
    op->parent = NULL;
    op->walk_pos = 0;
    op->attr_fresh = false;
    op->name_len = 0;

    for (;;) {
        path = request_path(op, name, &units);
        if (!path) {
            op->status = STATUS_OBJECT_NAME_INVALID;
            WF_CORO_RETURN(op->walk_state);
        }
        start = op->walk_pos;
        while (start < units && path[start] == '\\')
            start++;
        if (start >= units)
            WF_CORO_RETURN(op->walk_state);
        end = start;
        while (end < units && path[end] != '\\')
            end++;
        op->walk_pos = end;
        while (op->walk_pos < units && path[op->walk_pos] == '\\')
            op->walk_pos++;
        op->walk_last = op->walk_pos >= units;

        size_t name_len;
        op->status = wf_name_to_fuse(path + start, end - start, op->name, WF_NAME_MAX, &name_len);
        if (!NT_SUCCESS(op->status)) {
            op->status = op->status == STATUS_BUFFER_OVERFLOW ?
                STATUS_OBJECT_NAME_INVALID : op->status;
            WF_CORO_RETURN(op->walk_state);
        }
        op->name_len = (uint32_t)name_len;
        op->name[name_len] = 0;
        if (to_parent && op->walk_last)
            WF_CORO_RETURN(op->walk_state);

        wf_node *cached = wf_cache_lookup(engine->cache, op->node, op->name, op->name_len,
            wf_engine_now());
        if (cached) {
            move_down(op, cached);
            op->attr_fresh = false;
            if (!op->walk_last) {
                struct fuse_attr attr;
                wf_cache_get_attr(engine->cache, op->node, &attr, 0);
                if (!WF_S_ISDIR(attr.mode)) {
                    op->status = STATUS_OBJECT_PATH_NOT_FOUND;
                    WF_CORO_RETURN(op->walk_state);
                }
            }
            continue;
        }

        wf_call_begin(op, FUSE_LOOKUP, op->node->nodeid);
        wf_call_in(op, op->name, op->name_len + 1);
        wf_call_out(op, &op->u.lookup.out, sizeof op->u.lookup.out);
        WF_AWAIT_REPLY(op->walk_state);

        /* A zero nodeid is a negative entry: the name does not exist. */
        if (op->call.error == WF_ENOENT ||
            (!op->call.error && op->u.lookup.out.nodeid == 0)) {
            op->status = op->walk_last ? STATUS_OBJECT_NAME_NOT_FOUND : STATUS_OBJECT_PATH_NOT_FOUND;
            WF_CORO_RETURN(op->walk_state);
        }
        if (op->call.error == WF_ENOTDIR) {
            op->status = STATUS_OBJECT_PATH_NOT_FOUND;
            WF_CORO_RETURN(op->walk_state);
        }
        if (op->call.error) {
            op->status = wf_op_errno_status(op);
            WF_CORO_RETURN(op->walk_state);
        }
        if (op->u.lookup.out.nodeid == FUSE_ROOT_ID && op->node->nodeid != FUSE_ROOT_ID) {
            /* The root cannot be a child: a confused file system. */
            op->status = STATUS_IO_DEVICE_ERROR;
            WF_CORO_RETURN(op->walk_state);
        }
        {
            wf_node *child = wf_cache_insert(engine->cache, op->node, op->name, op->name_len,
                &op->u.lookup.out, wf_engine_now());
            if (!child) {
                op->status = STATUS_INSUFFICIENT_RESOURCES;
                WF_CORO_RETURN(op->walk_state);
            }
            move_down(op, child);
        }
        op->attr = op->u.lookup.out.attr;
        op->attr_fresh = true;
        if (!op->walk_last && !WF_S_ISDIR(op->attr.mode)) {
            op->status = STATUS_OBJECT_PATH_NOT_FOUND;
            WF_CORO_RETURN(op->walk_state);
        }
    }

    WF_CORO_END(op->walk_state);
}

wf_step wf_getattr(wf_op *op, const wf_file *file)
{
    wf_engine *engine = op->engine;
    WF_CORO_BEGIN(op->sub_state);

    op->status = STATUS_SUCCESS;
    if (op->attr_fresh)
        WF_CORO_RETURN(op->sub_state);
    if (wf_cache_get_attr(engine->cache, op->node, &op->attr, wf_engine_now()))
        WF_CORO_RETURN(op->sub_state);

    wf_mem_set(&op->u.getattr.in, 0, sizeof op->u.getattr.in);
    if (file && file->has_fh) {
        op->u.getattr.in.getattr_flags = FUSE_GETATTR_FH;
        op->u.getattr.in.fh = file->fh;
    }
    wf_call_begin(op, FUSE_GETATTR, op->node->nodeid);
    wf_call_in(op, &op->u.getattr.in, sizeof op->u.getattr.in);
    wf_call_out(op, &op->u.getattr.out, sizeof op->u.getattr.out);
    WF_AWAIT_REPLY(op->sub_state);

    if (op->call.error) {
        op->status = wf_op_errno_status(op);
        WF_CORO_RETURN(op->sub_state);
    }
    wf_cache_set_attr(engine->cache, op->node, &op->u.getattr.out.attr,
        op->u.getattr.out.attr_valid, op->u.getattr.out.attr_valid_nsec, wf_engine_now());
    op->attr = op->u.getattr.out.attr;
    op->attr_fresh = true;

    WF_CORO_END(op->sub_state);
}
