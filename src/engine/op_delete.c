/* op_delete.c — deletion: the Disposition checks and UNLINK/RMDIR at Cleanup. (Being written.) */
#include "engine/engine_internal.h"

wf_step wf_setinfo_disposition(wf_op *op)
{
    op->status = STATUS_INVALID_DEVICE_REQUEST;
    return WF_STEP_DONE;
}

wf_step wf_delete_at_cleanup(wf_op *op, wf_file *file)
{
    (void)file;
    op->status = STATUS_SUCCESS;
    return WF_STEP_DONE;
}
