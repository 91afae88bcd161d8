/* op_read.c — Read: READ requests of the negotiated size until the length is served or the
   file ends, straight into the caller's buffer. */
#include "engine/engine_internal.h"
#include "engine/entry.h"

wf_step wf_op_read(wf_op *op)
{
    wf_engine *engine = op->engine;
    const wf_file *file = wf_op_file(op->req->Req.Read.UserContext2);
    uint8_t *buffer = (uint8_t *)(uintptr_t)op->req->Req.Read.Address;
    uint32_t length = op->req->Req.Read.Length;

    if (file && file->stream)
        return wf_stream_read(op);
    WF_CORO_BEGIN(op);

    if (!file) {
        op->status = STATUS_INVALID_HANDLE;
        WF_CORO_RETURN(op);
    }
    if (file->is_directory) {
        op->status = STATUS_INVALID_DEVICE_REQUEST;
        WF_CORO_RETURN(op);
    }
    if (wf_entry_node_bad(engine, file->node)) {
        op->status = STATUS_IO_DEVICE_ERROR;   /* the file system lied about its type */
        WF_CORO_RETURN(op);
    }
    if (!file->has_fh && !(engine->flags & FUSE_NO_OPEN_SUPPORT)) {
        /* Opened without data access: the FSD should have refused already. */
        op->status = STATUS_ACCESS_DENIED;
        WF_CORO_RETURN(op);
    }

    op->st.io.done = 0;
    while (op->st.io.done < length) {
        op->st.io.chunk = length - op->st.io.done < engine->read_size ? length - op->st.io.done : engine->read_size;
        op->u.read.in = (struct fuse_read_in){
            .fh = file->fh,
            .offset = op->req->Req.Read.Offset + op->st.io.done,
            .size = op->st.io.chunk,
            .flags = file->open_flags,
        };
        wf_call_begin(op, FUSE_READ, file->node->nodeid);
        wf_call_in(op, &op->u.read.in, sizeof op->u.read.in);
        wf_call_out(op, buffer + op->st.io.done, op->st.io.chunk);
        op->call.out_variable = true;
        WF_AWAIT_REPLY(op);

        if (op->call.error) {
            /* Data already read is delivered; the error shows on the next call. */
            if (op->st.io.done)
                break;
            op->status = wf_op_errno_status(op);
            WF_CORO_RETURN(op);
        }
        op->st.io.done += op->call.out_size;
        if (op->call.out_size < op->st.io.chunk)
            break;  /* a short read is the end of the file */
    }

    op->status = op->st.io.done || !length ? STATUS_SUCCESS : STATUS_END_OF_FILE;
    op->rsp->IoStatus.Information = op->st.io.done;

    WF_CORO_END(op);
}
