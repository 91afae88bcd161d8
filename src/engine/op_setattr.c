/* op_setattr.c — SetInformation Basic, Allocation, EndOfFile. (Being written.) */
#include "engine/engine_internal.h"

wf_step wf_setinfo_basic(wf_op *op)
{
    op->status = STATUS_INVALID_DEVICE_REQUEST;
    return WF_STEP_DONE;
}

wf_step wf_setinfo_allocation(wf_op *op)
{
    op->status = STATUS_INVALID_DEVICE_REQUEST;
    return WF_STEP_DONE;
}

wf_step wf_setinfo_end_of_file(wf_op *op)
{
    op->status = STATUS_INVALID_DEVICE_REQUEST;
    return WF_STEP_DONE;
}
