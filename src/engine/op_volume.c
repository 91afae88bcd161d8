/* op_volume.c — QueryVolumeInformation and SetVolumeInformation: sizes from STATFS, and the
   volume label, which FUSE does not have, kept by the engine for the session. */
#include "engine/engine_internal.h"

#define WF_LABEL_MAX_UNITS 32u  /* FSP_FSCTL_VOLUME_INFO.VolumeLabel */

/* A size in bytes from a block count: a product beyond 64 bits is the largest size, never a
   wrapped (and so small, even zero) one. */
static uint64_t blocks_to_bytes(uint64_t blocks, uint64_t unit)
{
    if (unit && blocks > UINT64_MAX / unit)
        return UINT64_MAX;
    return blocks * unit;
}

/* STATFS, then the volume information with the session's label (nested). */
static wf_step volume_info(wf_op *op, FSP_FSCTL_VOLUME_INFO *info)
{
    wf_engine *engine = op->engine;
    WF_CORO_BEGIN(op);

    wf_call_begin(op, FUSE_STATFS, FUSE_ROOT_ID);
    wf_call_out(op, &op->u.statfs.out, sizeof op->u.statfs.out);
    WF_AWAIT_REPLY(op);

    if (op->call.error) {
        op->status = wf_op_errno_status(op);
        WF_CORO_RETURN(op);
    }
    {
        const struct fuse_kstatfs *st = &op->u.statfs.out.st;
        /* f_frsize is the unit of the block counts; old file systems leave it 0. */
        uint64_t unit = st->frsize ? st->frsize : st->bsize;
        info->TotalSize = blocks_to_bytes(st->blocks, unit);
        /* What a caller can still use, as Windows reports free space to a user. */
        info->FreeSize = blocks_to_bytes(st->bavail, unit);
    }
    wf_lock_acquire(engine->lock);
    info->VolumeLabelLength = engine->volume_label_size;
    wf_mem_copy(info->VolumeLabel, engine->volume_label, engine->volume_label_size);
    wf_lock_release(engine->lock);
    op->status = STATUS_SUCCESS;

    WF_CORO_END(op);
}

wf_step wf_op_query_volume_information(wf_op *op)
{
    WF_CORO_BEGIN(op);
    WF_AWAIT_CALL(op, volume_info(op, &op->rsp->Rsp.QueryVolumeInformation.VolumeInfo));
    WF_CORO_END(op);
}

/* The new label in the request, without the terminator the FSD adds; NULL when the buffer
   descriptor points outside the request. */
static const uint8_t *request_label(const wf_op *op, uint32_t *size)
{
    const FSP_FSCTL_TRANSACT_BUF *label = &op->req->Req.SetVolumeInformation.Info.Label.VolumeLabel;
    uint32_t buffer_size = op->req->Size - (uint32_t)sizeof(FSP_FSCTL_TRANSACT_REQ);
    if ((uint32_t)label->Offset + label->Size > buffer_size || (label->Offset & 1))
        return NULL;
    const uint8_t *p = op->req->Buffer + label->Offset;
    uint32_t n = label->Size & ~1u;
    while (n && p[n - 2] == 0 && p[n - 1] == 0)
        n -= 2;
    *size = n;
    return p;
}

wf_step wf_op_set_volume_information(wf_op *op)
{
    wf_engine *engine = op->engine;
    const uint8_t *label;
    uint32_t size = 0;

    WF_CORO_BEGIN(op);

    if (op->req->Req.SetVolumeInformation.FsInformationClass != FileFsLabelInformation) {
        op->status = STATUS_INVALID_INFO_CLASS;
        WF_CORO_RETURN(op);
    }
    label = request_label(op, &size);
    if (!label || size > WF_LABEL_MAX_UNITS * sizeof(uint16_t)) {
        op->status = STATUS_INVALID_PARAMETER;
        WF_CORO_RETURN(op);
    }
    /* The label changes only if the volume answers, so a failure changes nothing. */
    WF_AWAIT_CALL(op, volume_info(op, &op->rsp->Rsp.SetVolumeInformation.VolumeInfo));
    if (!NT_SUCCESS(op->status))
        WF_CORO_RETURN(op);

    label = request_label(op, &size);
    wf_lock_acquire(engine->lock);
    wf_mem_copy(engine->volume_label, label, size);
    engine->volume_label_size = (uint16_t)size;
    wf_lock_release(engine->lock);
    {
        FSP_FSCTL_VOLUME_INFO *info = &op->rsp->Rsp.SetVolumeInformation.VolumeInfo;
        info->VolumeLabelLength = (uint16_t)size;
        wf_mem_copy(info->VolumeLabel, label, size);
    }

    WF_CORO_END(op);
}
