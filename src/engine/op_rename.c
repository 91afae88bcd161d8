/* op_rename.c — SetInformation Rename and Link. (Being written.) */
#include "engine/engine_internal.h"

wf_step wf_setinfo_rename(wf_op *op)
{
    op->status = STATUS_INVALID_DEVICE_REQUEST;
    return WF_STEP_DONE;
}

wf_step wf_setinfo_link(wf_op *op)
{
    op->status = STATUS_INVALID_DEVICE_REQUEST;
    return WF_STEP_DONE;
}
