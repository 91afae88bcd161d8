/* lx_interrupt.c — `winfuse mount`: a signal to a caller cancels the NT calls its request waits in. */
#include "lx.h"

#include <stdlib.h>

/* One worker thread's canceller. Kept (and reused by later threads) until wf_lx_fini:
   libfuse may run the interrupt function after the thread has gone. */
typedef struct wf_lx_slot {
    wf_fsd_canceller canceller;
    wf_lx *lx;
    struct wf_lx_slot *next;
    bool in_use;                /* under lx->lock */
} wf_lx_slot;

static void wf_lx_slot_release(void *p)
{
    wf_lx_slot *slot = p;
    pthread_mutex_lock(&slot->lx->lock);
    slot->in_use = false;
    pthread_mutex_unlock(&slot->lx->lock);
}

bool wf_lx_interrupt_init(wf_lx *lx)
{
    lx->slots = NULL;
    return pthread_key_create(&lx->slot_key, wf_lx_slot_release) == 0;
}

void wf_lx_interrupt_fini(wf_lx *lx)
{
    wf_lx_slot *slot = lx->slots;
    /* The thread that ends the mount may hold a slot: its destructor must not run later. */
    pthread_setspecific(lx->slot_key, NULL);
    pthread_key_delete(lx->slot_key);
    while (slot != NULL) {
        wf_lx_slot *next = slot->next;
        free(slot);
        slot = next;
    }
    lx->slots = NULL;
}

/* This thread's slot: a free one, or a new one; NULL when out of memory. */
static wf_lx_slot *wf_lx_slot_get(wf_lx *lx)
{
    wf_lx_slot *slot = pthread_getspecific(lx->slot_key);
    if (slot != NULL)
        return slot;
    pthread_mutex_lock(&lx->lock);
    for (slot = lx->slots; slot != NULL && slot->in_use; slot = slot->next)
        ;
    if (slot == NULL) {
        slot = calloc(1, sizeof *slot);
        if (slot != NULL) {
            slot->lx = lx;
            slot->next = lx->slots;
            lx->slots = slot;
        }
    }
    if (slot != NULL)
        slot->in_use = true;
    pthread_mutex_unlock(&lx->lock);
    if (slot != NULL && pthread_setspecific(lx->slot_key, slot) != 0) {
        wf_lx_slot_release(slot);
        slot = NULL;
    }
    return slot;
}

/* libfuse calls it once the kernel's INTERRUPT for req came (at once, from
   fuse_req_interrupt_func, when it came first). While it runs libfuse holds req, so no
   later request has its address: a key the slot has moved on from cancels nothing. */
static void wf_lx_interrupted(fuse_req_t req, void *data)
{
    wf_lx_slot *slot = data;
    wf_fsd_cancel_thread(slot->lx->fsd, &slot->canceller, (uint64_t)(uintptr_t)req);
}

void wf_lx_interrupt_enter(wf_lx *lx, fuse_req_t req)
{
    wf_lx_slot *slot = wf_lx_slot_get(lx);
    if (slot == NULL) {
        /* No canceller: the request is served, only not interruptible. */
        wf_fsd_set_thread_cancel(lx->fsd, NULL);
        return;
    }
    wf_fsd_set_thread_cancel(lx->fsd, &slot->canceller);
    wf_fsd_cancel_begin(lx->fsd, &slot->canceller, (uint64_t)(uintptr_t)req);
    fuse_req_interrupt_func(req, wf_lx_interrupted, slot);
}
