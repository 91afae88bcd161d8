/* op_info.c — QueryInformation (GETATTR unless cached) and QueryVolumeInformation (STATFS). */
#include "engine/engine_internal.h"

wf_step wf_op_query_information(wf_op *op)
{
    wf_engine *engine = op->engine;
    const wf_file *file = wf_op_file(op->req->Req.QueryInformation.UserContext2);

    WF_CORO_BEGIN(op->state);

    if (!file) {
        op->status = STATUS_INVALID_HANDLE;
        WF_CORO_RETURN(op->state);
    }
    op->node = file->node;
    wf_cache_ref(engine->cache, op->node);
    op->attr_fresh = false;
    WF_AWAIT_CALL(op->state, op->sub_state, wf_getattr(op, file));
    if (NT_SUCCESS(op->status))
        wf_op_file_info(&op->attr, &op->rsp->Rsp.QueryInformation.FileInfo);

    WF_CORO_END(op->state);
}

wf_step wf_op_query_volume_information(wf_op *op)
{
    WF_CORO_BEGIN(op->state);

    wf_call_begin(op, FUSE_STATFS, FUSE_ROOT_ID);
    wf_call_out(op, &op->u.statfs.out, sizeof op->u.statfs.out);
    WF_AWAIT_REPLY(op->state);

    if (op->call.error) {
        op->status = wf_op_errno_status(op);
        WF_CORO_RETURN(op->state);
    }
    {
        const struct fuse_kstatfs *st = &op->u.statfs.out.st;
        /* f_frsize is the unit of the block counts; old file systems leave it 0. */
        uint64_t unit = st->frsize ? st->frsize : st->bsize;
        FSP_FSCTL_VOLUME_INFO *info = &op->rsp->Rsp.QueryVolumeInformation.VolumeInfo;
        info->TotalSize = st->blocks * unit;
        /* What a caller can still use, as Windows reports free space to a user. */
        info->FreeSize = st->bavail * unit;
        info->VolumeLabelLength = 0;
    }
    op->status = STATUS_SUCCESS;

    WF_CORO_END(op->state);
}
