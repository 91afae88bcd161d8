/* op_volume.c — SetVolumeInformation. (Being written.) */
#include "engine/engine_internal.h"

wf_step wf_op_set_volume_information(wf_op *op)
{
    op->status = STATUS_INVALID_DEVICE_REQUEST;
    return WF_STEP_DONE;
}
