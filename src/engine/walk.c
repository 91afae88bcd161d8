/* walk.c — from a Windows path to a FUSE node: one LOOKUP per component the cache cannot
   answer, and the attributes of the node reached; on a case-insensitive volume, a name not
   found as given is looked for in its directory under case folding. */
#include "winfuse/case_fold.h"
#include "engine/dirent.h"
#include "engine/engine_internal.h"
#include "engine/entry.h"
#include "winfuse/linux_errno.h"
#include "winfuse/mappings.h"

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

/* What NTFS takes for names, whoever sent the path, checked before anything is looked up:
   no "." or ".." component (a file system would resolve them; the VFS never asks it to),
   none longer than 255 units. */
static bool path_names_valid(const uint16_t *path, uint32_t units)
{
    uint32_t start = 0;
    while (start < units) {
        uint32_t end = start;
        while (end < units && path[end] != '\\')
            end++;
        uint32_t len = end - start;
        if (len > WF_NAME_UNITS_MAX || (len && path[start] == '.' &&
                (len == 1 || (len == 2 && path[start + 1] == '.'))))
            return false;
        start = end + 1;
    }
    return true;
}

static void move_down(wf_op *op, wf_node *child)
{
    /* By nodeid, as the kernel's lock_rename finds ancestors: no spelling can hide it. */
    if (op->walk_avoid && child->nodeid == op->walk_avoid)
        op->walk_met = true;
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

    WF_CORO_BEGIN(op);

    op->status = STATUS_SUCCESS;
    op->node = wf_cache_root(engine->cache);
    op->parent = NULL;
    op->walk_pos = 0;
    op->attr_fresh = false;
    op->name_len = 0;
    op->walk_met = false;
    path = request_path(op, name, &units);
    if (!path || !path_names_valid(path, units)) {
        op->status = STATUS_OBJECT_NAME_INVALID;
        WF_CORO_RETURN(op);
    }

    /* The path is found again only after a level down: no local survives a suspension, and
       the request it is in does not change (it was valid above, so it is found again). */
    for (;; path = request_path(op, name, &units)) {
        start = op->walk_pos;
        while (start < units && path[start] == '\\')
            start++;
        if (start >= units)
            WF_CORO_RETURN(op);
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
            WF_CORO_RETURN(op);
        }
        op->name_len = (uint32_t)name_len;
        op->name[name_len] = 0;
        op->name_folded = false;
        /* A name is about to be looked up in op->node (here, or by the caller when the
           walk stops at the parent): the caller must be able to search it. */
        if (op->traverse_check) {
            WF_AWAIT_CALL(op, wf_access_traverse(op));
            if (!NT_SUCCESS(op->status))
                WF_CORO_RETURN(op);
        }
        if (to_parent && op->walk_last)
            WF_CORO_RETURN(op);

        struct fuse_attr attr;
        bool attr_valid;
        wf_node *cached = wf_cache_lookup_attr(engine->cache, op->node, op->name, op->name_len,
            wf_engine_now(op->engine), &attr, &attr_valid);
        if (cached) {
            move_down(op, cached);
            op->attr_fresh = false;
            if (!op->walk_last) {
                /* Its type, whatever the attributes' age (a type never changes). */
                if (!WF_S_ISDIR(attr.mode)) {
                    op->status = STATUS_OBJECT_PATH_NOT_FOUND;
                    WF_CORO_RETURN(op);
                }
            }
            continue;
        }

        WF_AWAIT_CALL(op, wf_lookup(op));
        {
            wf_node *child;
            op->status = wf_lookup_take(op, &child);
            if (op->status == STATUS_OBJECT_NAME_NOT_FOUND && !op->walk_last)
                op->status = STATUS_OBJECT_PATH_NOT_FOUND;
            if (!NT_SUCCESS(op->status))
                WF_CORO_RETURN(op);
            move_down(op, child);
        }
        op->attr = op->u.lookup.out.attr;
        op->attr_fresh = true;
        if (!op->walk_last && !WF_S_ISDIR(op->attr.mode)) {
            op->status = STATUS_OBJECT_PATH_NOT_FOUND;
            WF_CORO_RETURN(op);
        }
    }

    WF_CORO_END(op);
}

void wf_getattr_call(wf_op *op, uint64_t nodeid, const wf_file *file)
{
    op->u.getattr.in = (struct fuse_getattr_in){ 0 };
    /* Only a file's handle, as the Linux client does: a directory's fh is the library's
       own (libfuse's high-level API) and a file system reading it as a file's fails. */
    if (file && file->has_fh && !file->is_directory) {
        op->u.getattr.in.getattr_flags = FUSE_GETATTR_FH;
        op->u.getattr.in.fh = file->fh;
    }
    wf_call_begin(op, FUSE_GETATTR, nodeid);
    wf_call_in(op, &op->u.getattr.in, sizeof op->u.getattr.in);
    wf_call_out(op, &op->u.getattr.out, sizeof op->u.getattr.out);
}

NTSTATUS wf_getattr_take(wf_op *op, wf_node *node, struct fuse_attr *attr)
{
    if (op->call.error)
        return wf_op_errno_status(op);
    NTSTATUS status = wf_entry_take_attr(op->engine, node, &op->u.getattr.out);
    if (NT_SUCCESS(status))
        *attr = op->u.getattr.out.attr;
    return status;
}

wf_step wf_getattr(wf_op *op, const wf_file *file)
{
    wf_engine *engine = op->engine;
    WF_CORO_BEGIN(op);

    op->status = STATUS_SUCCESS;
    if (wf_getattr_at_hand(op))
        WF_CORO_RETURN(op);
    if (wf_cache_get_attr(engine->cache, op->node, &op->attr, wf_engine_now(op->engine)))
        WF_CORO_RETURN(op);

    wf_getattr_call(op, op->node->nodeid, file);
    WF_AWAIT_REPLY(op);
    op->status = wf_getattr_take(op, op->node, &op->attr);
    op->attr_fresh = NT_SUCCESS(op->status);

    WF_CORO_END(op);
}

/* Case-insensitive lookups ------------------------------------------------------------- */

/* The directory scan reads this much per READDIR, at most. */
#define WF_FOLD_SCAN_BUFFER (64u * 1024u)

/* What ends a scan and is the lookup's answer too: anything but an errno answer (the file
   system gone, the request cancelled, a malformed listing). Other errors mean only that the
   scan found nothing. */
static bool fold_fatal(int32_t error)
{
    return error && !wf_error_refused(error);
}

/* Exchanges op->name and op->fold->name (the stored spelling the scan found). */
static void fold_swap_names(wf_op *op)
{
    uint32_t n = op->name_len > op->fold->name_len ? op->name_len : op->fold->name_len;
    for (uint32_t i = 0; i <= n; i++) {
        char c = op->name[i];
        op->name[i] = op->fold->name[i];
        op->fold->name[i] = c;
    }
    n = op->name_len;
    op->name_len = op->fold->name_len;
    op->fold->name_len = n;
    op->name_folded = true;
}

/* Looks at one READDIR reply for a name equal to op->name under folding; the first one
   goes into op->fold->name. Returns false when the listing is malformed. */
static bool fold_match(wf_op *op, uint32_t size, uint64_t *last_offset)
{
    wf_dirent d;
    for (uint32_t pos = 0; pos < size; pos += d.reclen) {
        if (!wf_dirent_at(op->dirbuf, pos, size, false, &d))
            return false;
        *last_offset = d.off;
        if (d.namelen <= WF_NAME_MAX && !wf_name_is_dot_or_dotdot(d.name, d.namelen) &&
            wf_fold_equal(d.name, d.namelen, op->name, op->name_len)) {
            bool clean = true;
            for (uint32_t i = 0; i < d.namelen; i++)
                clean = clean && d.name[i] != '/' && d.name[i] != 0;
            if (clean) {
                wf_mem_copy(op->fold->name, d.name, d.namelen);
                op->fold->name[d.namelen] = 0;
                op->fold->name_len = d.namelen;
                op->fold->found = true;
                return true;
            }
        }
    }
    return true;
}

/* Reads op->node's directory (OPENDIR, READDIR until the name or the end, RELEASEDIR) for
   a name equal to op->name under case folding. Plain READDIR, so that no entry counts a
   lookup. Leaves op->fold->found (and the name in op->fold->name), and in op->fold->error the
   error that ended the scan when it is one the lookup must report. Nested. */
static wf_step fold_scan(wf_op *op)
{
    wf_engine *engine = op->engine;
    uint64_t last;

    WF_CORO_BEGIN(op);

    op->fold->found = false;
    op->fold->error = 0;
    op->fold->has_fh = false;
    op->fold->fh = 0;
    if (!wf_engine_enosys(engine, FUSE_OPENDIR)) {
        wf_open_fh_call(op, op->node->nodeid, 0, true);
        WF_AWAIT_REPLY(op);
        if (op->call.error && !(op->call.error == WF_ENOSYS &&
                (engine->flags & FUSE_NO_OPENDIR_SUPPORT))) {
            op->fold->error = fold_fatal(op->call.error) ? op->call.error : 0;
            WF_CORO_RETURN(op);
        }
        if (!op->call.error) {
            op->fold->has_fh = true;
            op->fold->fh = op->u.open.out.fh;
        }
    }

    wf_mem_free(op->dirbuf);
    op->dirbuf_size = engine->read_size < WF_FOLD_SCAN_BUFFER ? engine->read_size :
        WF_FOLD_SCAN_BUFFER;
    op->dirbuf = wf_mem_alloc(op->dirbuf_size);
    if (!op->dirbuf) {
        op->fold->error = WF_ERR_TOO_BIG;
        goto release;
    }
    op->fold->offset = 0;
    for (;;) {
        wf_dir_read_call(op, false, op->node->nodeid, op->fold->fh, op->fold->offset);
        WF_AWAIT_REPLY(op);
        if (op->call.error) {
            op->fold->error = fold_fatal(op->call.error) ? op->call.error : 0;
            break;
        }
        if (op->call.out_size == 0)
            break;
        last = op->fold->offset;
        if (!fold_match(op, op->call.out_size, &last)) {
            wf_engine_count_bad_reply(engine);
            op->fold->error = WF_ERR_BAD_REPLY;
            break;
        }
        if (op->fold->found)
            break;
        if (last == op->fold->offset) {
            /* Offsets that do not advance would bring the same reply forever. */
            wf_engine_count_bad_reply(engine);
            break;
        }
        op->fold->offset = last;
    }
    wf_mem_free(op->dirbuf);
    op->dirbuf = NULL;

release:
    if (op->fold->has_fh) {
        wf_release_fh_call(op, op->node->nodeid, op->fold->fh, 0, true);
        WF_AWAIT_REPLY(op);
    }

    WF_CORO_END(op);
}

/* The LOOKUP missed: worth a scan on a case-insensitive volume, unless no other spelling
   of the name can exist. */
static bool fold_worth_scanning(const wf_op *op)
{
    return op->engine->params.case_insensitive &&
        (op->call.error == WF_ENOENT || (!op->call.error && op->u.lookup.out.nodeid == 0)) &&
        !wf_fold_is_caseless(op->name, op->name_len);
}

void wf_lookup_call(wf_op *op, uint64_t nodeid, const char *name, uint32_t name_len,
    struct fuse_entry_out *out)
{
    wf_call_begin(op, FUSE_LOOKUP, nodeid);
    wf_call_in(op, name, name_len + 1);
    wf_call_out(op, out, sizeof *out);
}

bool wf_fold_get(wf_op *op)
{
    if (!op->fold)
        op->fold = wf_mem_alloc(sizeof *op->fold);
    return op->fold != NULL;
}

wf_step wf_lookup(wf_op *op)
{
    WF_CORO_BEGIN(op);

    op->name_folded = false;
    wf_lookup_call(op, op->node->nodeid, op->name, op->name_len, &op->u.lookup.out);
    WF_AWAIT_REPLY(op);
    if (!fold_worth_scanning(op))
        WF_CORO_RETURN(op);
    if (!wf_fold_get(op)) {
        op->call.error = WF_ERR_TOO_BIG;    /* no memory to scan: as when no buffer is had */
        op->call.out_size = 0;
        WF_CORO_RETURN(op);
    }

    WF_AWAIT_CALL(op, fold_scan(op));
    if (!op->fold->found) {
        /* As the LOOKUP said: absent — unless the scan itself could not go on. */
        op->call.error = op->fold->error ? op->fold->error : WF_ENOENT;
        op->call.out_size = 0;
        WF_CORO_RETURN(op);
    }
    fold_swap_names(op);
    wf_lookup_call(op, op->node->nodeid, op->name, op->name_len, &op->u.lookup.out);
    WF_AWAIT_REPLY(op);

    WF_CORO_END(op);
}

NTSTATUS wf_lookup_take(wf_op *op, wf_node **child)
{
    *child = NULL;
    if (op->call.error == WF_ENOENT)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    if (op->call.error == WF_ENOTDIR)
        return STATUS_OBJECT_PATH_NOT_FOUND;
    if (op->call.error)
        return wf_op_errno_status(op);
    return wf_entry_take(op->engine, op->node, op->name, op->name_len, &op->u.lookup.out, 0,
        child);
}

void wf_lookup_unfold(wf_op *op)
{
    if (op->name_folded)
        fold_swap_names(op);
    op->name_folded = false;
}

wf_step wf_resolve_leaf(wf_op *op)
{
    wf_engine *engine = op->engine;
    size_t stored_len;

    WF_CORO_BEGIN(op);

    op->name_folded = false;
    /* Without memory for the fold, the name is left as it is (this never fails). */
    if (!engine->params.case_insensitive || op->name_len == 0 || !wf_fold_get(op))
        WF_CORO_RETURN(op);

    {
        wf_node *cached = wf_cache_lookup_stored(engine->cache, op->node, op->name,
            op->name_len, wf_engine_now(op->engine), op->fold->name, WF_NAME_MAX, &stored_len);
        if (cached) {
            wf_cache_release(engine->cache, cached);
            op->fold->name_len = (uint32_t)stored_len;
            op->fold->name[stored_len] = 0;
            if (stored_len != op->name_len ||
                wf_mem_compare(op->fold->name, op->name, stored_len) != 0)
                fold_swap_names(op);
            WF_CORO_RETURN(op);
        }
    }

    wf_lookup_call(op, op->node->nodeid, op->name, op->name_len, &op->u.lookup.out);
    WF_AWAIT_REPLY(op);
    if (!op->call.error && op->u.lookup.out.nodeid != 0) {
        /* There as given. The reply counted a lookup: it goes into the cache (or, refused,
           is given back; the name as given is still the one to use). */
        wf_node *found;
        if (NT_SUCCESS(wf_entry_take(engine, op->node, op->name, op->name_len,
                &op->u.lookup.out, 0, &found)))
            wf_cache_release(engine->cache, found);
        WF_CORO_RETURN(op);
    }
    if (!fold_worth_scanning(op))
        WF_CORO_RETURN(op);
    WF_AWAIT_CALL(op, fold_scan(op));
    if (op->fold->found)
        fold_swap_names(op);

    WF_CORO_END(op);
}
