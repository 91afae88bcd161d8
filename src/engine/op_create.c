/* op_create.c — opening and closing: Create, Cleanup (FLUSH, as a POSIX close) and Close
   (RELEASE / RELEASEDIR). */
#include "engine/engine_internal.h"
#include "engine/linux_errno.h"

#define WF_DATA_ACCESS (FILE_READ_DATA | FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_EXECUTE)

static uint32_t granted_access(uint32_t desired)
{
    /* Until access checks come (they need the caller's identity), MAXIMUM_ALLOWED grants
       what any reader may do; the file system still decides at OPEN. */
    if (desired & MAXIMUM_ALLOWED)
        desired = (desired & ~MAXIMUM_ALLOWED) | FILE_GENERIC_READ | FILE_GENERIC_EXECUTE;
    return desired;
}

static uint32_t open_flags_for(uint32_t access)
{
    bool reads = access & (FILE_READ_DATA | FILE_EXECUTE);
    bool writes = access & (FILE_WRITE_DATA | FILE_APPEND_DATA);
    if (reads && writes)
        return WF_O_RDWR;
    return writes ? WF_O_WRONLY : WF_O_RDONLY;
}

wf_step wf_op_create(wf_op *op)
{
    wf_engine *engine = op->engine;
    uint32_t disposition = op->req->Req.Create.CreateOptions >> 24;
    uint32_t options = op->req->Req.Create.CreateOptions & 0xffffff;
    wf_file *file = op->file;

    WF_CORO_BEGIN(op->state);

    /* Creating, overwriting and delete-on-close come with the write path. */
    if (disposition != FILE_OPEN || op->req->Req.Create.OpenTargetDirectory ||
        (options & FILE_DELETE_ON_CLOSE)) {
        op->status = STATUS_INVALID_DEVICE_REQUEST;
        WF_CORO_RETURN(op->state);
    }
    if (op->req->Req.Create.NamedStream) {
        op->status = STATUS_OBJECT_NAME_INVALID;
        WF_CORO_RETURN(op->state);
    }

    WF_AWAIT_CALL(op->state, op->walk_state, wf_walk(op, false));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op->state);
    WF_AWAIT_CALL(op->state, op->sub_state, wf_getattr(op, NULL));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op->state);

    if (WF_S_ISDIR(op->attr.mode)) {
        if (options & FILE_NON_DIRECTORY_FILE) {
            op->status = STATUS_FILE_IS_A_DIRECTORY;
            WF_CORO_RETURN(op->state);
        }
    } else {
        if (options & FILE_DIRECTORY_FILE) {
            op->status = STATUS_NOT_A_DIRECTORY;
            WF_CORO_RETURN(op->state);
        }
        if (op->req->Req.Create.HasTrailingBackslash) {
            op->status = STATUS_OBJECT_NAME_INVALID;
            WF_CORO_RETURN(op->state);
        }
    }

    file = op->file = wf_file_new(engine, op->node, op->parent);
    if (!file) {
        op->status = STATUS_INSUFFICIENT_RESOURCES;
        WF_CORO_RETURN(op->state);
    }
    file->is_directory = WF_S_ISDIR(op->attr.mode);
    op->rsp->Rsp.Create.Opened.GrantedAccess = granted_access(op->req->Req.Create.DesiredAccess);

    /* A FUSE handle is opened only when the data will be used: metadata-only opens (stat,
       attributes) need none, as with O_PATH. Directories open at the first listing if not
       here. */
    if (file->is_directory ?
            (op->rsp->Rsp.Create.Opened.GrantedAccess & FILE_LIST_DIRECTORY) :
            (WF_S_ISREG(op->attr.mode) && (op->rsp->Rsp.Create.Opened.GrantedAccess & WF_DATA_ACCESS))) {
        file->open_flags = file->is_directory ? WF_O_RDONLY :
            open_flags_for(op->rsp->Rsp.Create.Opened.GrantedAccess);
        if (!wf_engine_enosys(engine, file->is_directory ? FUSE_OPENDIR : FUSE_OPEN)) {
            wf_mem_set(&op->u.open.in, 0, sizeof op->u.open.in);
            op->u.open.in.flags = file->open_flags;
            wf_call_begin(op, file->is_directory ? FUSE_OPENDIR : FUSE_OPEN, file->node->nodeid);
            wf_call_in(op, &op->u.open.in, sizeof op->u.open.in);
            wf_call_out(op, &op->u.open.out, sizeof op->u.open.out);
            WF_AWAIT_REPLY(op->state);

            file = op->file;
            if (op->call.error == WF_ENOSYS &&
                (engine->flags & (file->is_directory ? FUSE_NO_OPENDIR_SUPPORT : FUSE_NO_OPEN_SUPPORT))) {
                /* The file system keeps no per-open state: handles are fh 0 from now on. */
            } else if (op->call.error) {
                op->status = wf_op_errno_status(op);
                wf_file_free(engine, file);
                op->file = NULL;
                WF_CORO_RETURN(op->state);
            } else {
                file->has_fh = true;
                file->fh = op->u.open.out.fh;
                file->fopen_flags = op->u.open.out.open_flags;
            }
        }
    }

    op->rsp->Rsp.Create.Opened.UserContext = file->node->nodeid;
    op->rsp->Rsp.Create.Opened.UserContext2 = (uint64_t)(uintptr_t)file;
    wf_op_file_info(&op->attr, &op->rsp->Rsp.Create.Opened.FileInfo);
    op->rsp->IoStatus.Information = FILE_OPENED;
    op->status = STATUS_SUCCESS;

    WF_CORO_END(op->state);
}

wf_step wf_op_cleanup(wf_op *op)
{
    wf_engine *engine = op->engine;
    wf_file *file = wf_op_file(op->req->Req.Cleanup.UserContext2);

    WF_CORO_BEGIN(op->state);

    if (!file) {
        op->status = STATUS_INVALID_HANDLE;
        WF_CORO_RETURN(op->state);
    }
    op->status = STATUS_SUCCESS;
    /* The last close of a handle is where POSIX close(2) sends FLUSH (its write-back errors
       surface there); Cleanup cannot fail, so the answer only feeds the ENOSYS memo. */
    if (file->has_fh && !file->is_directory && !(file->fopen_flags & FOPEN_NOFLUSH) &&
        !wf_engine_enosys(engine, FUSE_FLUSH)) {
        wf_mem_set(&op->u.flush.in, 0, sizeof op->u.flush.in);
        op->u.flush.in.fh = file->fh;
        wf_call_begin(op, FUSE_FLUSH, file->node->nodeid);
        wf_call_in(op, &op->u.flush.in, sizeof op->u.flush.in);
        WF_AWAIT_REPLY(op->state);
        file = wf_op_file(op->req->Req.Cleanup.UserContext2);
    }
    if (op->req->Req.Cleanup.Delete)
        WF_AWAIT_CALL(op->state, op->sub_state, wf_delete_at_cleanup(op, file));
    op->status = STATUS_SUCCESS;

    WF_CORO_END(op->state);
}

wf_step wf_op_close(wf_op *op)
{
    wf_engine *engine = op->engine;
    wf_file *file = wf_op_file(op->req->Req.Close.UserContext2);

    WF_CORO_BEGIN(op->state);

    if (!file) {
        op->status = STATUS_INVALID_HANDLE;
        WF_CORO_RETURN(op->state);
    }
    if (file->has_fh) {
        wf_mem_set(&op->u.release.in, 0, sizeof op->u.release.in);
        op->u.release.in.fh = file->fh;
        op->u.release.in.flags = file->open_flags;
        wf_call_begin(op, file->is_directory ? FUSE_RELEASEDIR : FUSE_RELEASE, file->node->nodeid);
        wf_call_in(op, &op->u.release.in, sizeof op->u.release.in);
        WF_AWAIT_REPLY(op->state);
        file = wf_op_file(op->req->Req.Close.UserContext2);
    }
    /* Whatever RELEASE answered, the handle is gone on the Windows side. */
    wf_file_free(engine, file);
    op->status = STATUS_SUCCESS;

    WF_CORO_END(op->state);
}
