/* op_pool.c — the engine's free list of request blocks (wf_op, its response, its request copy), so that a request costs neither an allocation nor the clearing of a fresh block. */
#include "engine/engine_internal.h"

/* Every pooled block has this room for the request's copy: a Create naming a long path
   with a security descriptor fits; a larger request gets a block of its own. */
#define WF_OP_POOL_REQ 2048u
/* Under AddressSanitizer (make sanitize) every block handed out is filled with garbage
   first, fresh or reused, so that every test runs against what a reused block may hold: a
   field op_reset fails to clear, or a Buffer[] byte read before it is written, shows. */
#if defined(__SANITIZE_ADDRESS__)
#define WF_OP_POOL_POISON 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WF_OP_POOL_POISON 1
#endif
#endif

size_t wf_op_pool_block_size(void)
{
    return FSP_FSCTL_DEFAULT_ALIGN_UP(sizeof(wf_op)) +
        FSP_FSCTL_DEFAULT_ALIGN_UP(sizeof(FSP_FSCTL_TRANSACT_RSP) +
            wf_op_rsp_buffer_cap(FspFsctlTransactCreateKind)) + WF_OP_POOL_REQ;
}

/* The slots are scanned from the first: a thread alone finds its block again in slot 0.
   An exchange hands a block to exactly one taker, and a slot is filled only when empty, so
   no block is ever in two places (a free list's ABA problem cannot arise: no link is read
   from a block another thread may hold). */
void *wf_op_pool_take(wf_engine *engine)
{
    wf_op *op = NULL;
    for (uint32_t i = 0; i < WF_OP_POOL_MAX && !op; i++)
        if (__atomic_load_n(&engine->pool[i], __ATOMIC_RELAXED))
            op = __atomic_exchange_n(&engine->pool[i], NULL, __ATOMIC_ACQUIRE);
    /* Not cleared: op_new resets what every request relies on (engine.c). */
    void *block = op ? (void *)op : wf_mem_alloc(wf_op_pool_block_size());
#ifdef WF_OP_POOL_POISON
    if (block)
        wf_mem_set(block, 0xa5, wf_op_pool_block_size());
#endif
    return block;
}

void wf_op_pool_give(wf_engine *engine, wf_op *op)
{
    for (uint32_t i = 0; i < WF_OP_POOL_MAX; i++) {
        wf_op *empty = NULL;
        if (!__atomic_load_n(&engine->pool[i], __ATOMIC_RELAXED) &&
            __atomic_compare_exchange_n(&engine->pool[i], &empty, op, false, __ATOMIC_RELEASE,
                __ATOMIC_RELAXED))
            return;
    }
    wf_mem_free(op);
}

void wf_op_pool_clear(wf_engine *engine)
{
    for (uint32_t i = 0; i < WF_OP_POOL_MAX; i++) {
        wf_mem_free(engine->pool[i]);
        engine->pool[i] = NULL;
    }
}
