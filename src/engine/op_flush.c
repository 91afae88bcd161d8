/* op_flush.c — FlushBuffers: FSYNC / FSYNCDIR for a handle, SYNCFS for the whole volume;
   what the file system does not implement is remembered and then costs no round trip. */
#include "engine/engine_internal.h"
#include "winfuse/linux_errno.h"

#define WF_MINOR_SYNCFS 34u

/* SYNCFS when the protocol has it; a file system without it has nothing more to write. */
static wf_step flush_volume(wf_op *op)
{
    wf_engine *engine = op->engine;
    WF_CORO_BEGIN(op);

    op->status = STATUS_SUCCESS;
    if (engine->minor < WF_MINOR_SYNCFS || wf_engine_enosys(engine, FUSE_SYNCFS))
        WF_CORO_RETURN(op);
    wf_mem_set(&op->u.syncfs.in, 0, sizeof op->u.syncfs.in);
    wf_call_begin(op, FUSE_SYNCFS, FUSE_ROOT_ID);
    wf_call_in(op, &op->u.syncfs.in, sizeof op->u.syncfs.in);
    WF_AWAIT_REPLY(op);
    if (op->call.error && op->call.error != WF_ENOSYS)
        op->status = wf_op_errno_status(op);

    WF_CORO_END(op);
}

wf_step wf_op_flush_buffers(wf_op *op)
{
    wf_engine *engine = op->engine;
    uint64_t handle = op->req->Req.FlushBuffers.UserContext2;
    const wf_file *file = wf_op_file(handle);
    uint32_t opcode = file && file->is_directory ? FUSE_FSYNCDIR : FUSE_FSYNC;

    if (!handle)    /* the FSD asks for the whole volume with no handle */
        return flush_volume(op);

    WF_CORO_BEGIN(op);

    if (!wf_op_at_file(op, file))
        WF_CORO_RETURN(op);

    /* A handle opened without data access (no fh) wrote nothing; a stateless file system
       (OPEN answered ENOSYS) takes fh 0. */
    if ((file->has_fh || (!file->is_directory && (file->open_flags & 3u) != WF_O_RDONLY &&
            wf_engine_enosys(engine, FUSE_OPEN))) && !wf_engine_enosys(engine, opcode)) {
        wf_mem_set(&op->u.fsync.in, 0, sizeof op->u.fsync.in);
        op->u.fsync.in.fh = file->fh;
        wf_call_begin(op, opcode, file->node->nodeid);
        wf_call_in(op, &op->u.fsync.in, sizeof op->u.fsync.in);
        WF_AWAIT_REPLY(op);
        if (op->call.error && op->call.error != WF_ENOSYS) {
            op->status = wf_op_errno_status(op);
            WF_CORO_RETURN(op);
        }
    }
    WF_AWAIT_CALL(op, wf_getattr(op, file));
    if (NT_SUCCESS(op->status))
        wf_op_file_info(&op->attr, &op->rsp->Rsp.FlushBuffers.FileInfo);

    WF_CORO_END(op);
}
