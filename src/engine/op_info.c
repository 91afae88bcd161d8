/* op_info.c — QueryInformation: GETATTR unless the attributes are cached, GETXATTR of
   user.DOSATTRIB unless its value is known for them. */
#include "engine/engine_internal.h"
#include "engine/link.h"

wf_step wf_op_query_information(wf_op *op)
{
    wf_engine *engine = op->engine;
    const wf_file *file = wf_op_file(op->req->Req.QueryInformation.UserContext2);

    if (file && file->stream)
        return wf_stream_query_information(op);
    WF_CORO_BEGIN(op);

    if (!wf_op_at_file(op, file))
        WF_CORO_RETURN(op);
    WF_AWAIT_CALL(op, wf_getattr(op, file));
    if (NT_SUCCESS(op->status))
        WF_AWAIT_CALL(op, wf_dos_read(op));
    if (NT_SUCCESS(op->status)) {
        wf_op_file_info_full(engine, op->node, &op->attr,
            &op->rsp->Rsp.QueryInformation.FileInfo);
    }

    WF_CORO_END(op);
}
