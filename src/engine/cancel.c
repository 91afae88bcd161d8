/* cancel.c — cancellation of WinFsp requests: FUSE_INTERRUPT. (Being written.) */
#include "engine/engine_internal.h"

bool wf_engine_cancel(wf_engine *engine, uint64_t hint)
{
    (void)engine;
    (void)hint;
    return false;
}
