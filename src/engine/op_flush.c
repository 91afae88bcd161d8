/* op_flush.c — FlushBuffers. (Being written.) */
#include "engine/engine_internal.h"

wf_step wf_op_flush_buffers(wf_op *op)
{
    op->status = STATUS_INVALID_DEVICE_REQUEST;
    return WF_STEP_DONE;
}
