/* op_write.c — Write and Overwrite. (Being written: answers INVALID_DEVICE_REQUEST.) */
#include "engine/engine_internal.h"

wf_step wf_op_overwrite(wf_op *op)
{
    op->status = STATUS_INVALID_DEVICE_REQUEST;
    return WF_STEP_DONE;
}

wf_step wf_op_write(wf_op *op)
{
    op->status = STATUS_INVALID_DEVICE_REQUEST;
    return WF_STEP_DONE;
}
