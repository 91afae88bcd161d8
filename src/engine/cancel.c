/* cancel.c — cancellation of WinFsp requests: one not yet started completes with
   STATUS_CANCELLED at once; one with a FUSE request out gets FUSE_INTERRUPT, as the Linux client
   sends it, and ends as the file system answers (EINTR: STATUS_CANCELLED). */
#include "engine/engine_internal.h"
#include "winfuse/linux_errno.h"

/* A resend after EAGAIN (the file system had not seen the request yet) waits this long, so
   that a file system that answers EAGAIN at once is not kept spinning. */
#define WF_INTERRUPT_RETRY_MS 10u

bool wf_interrupts_refused_locked(const wf_engine *engine)
{
    return (__atomic_load_n(&engine->enosys[FUSE_INTERRUPT / 64], __ATOMIC_RELAXED) >>
        (FUSE_INTERRUPT % 64)) & 1;
}

size_t wf_interrupt_emit_locked(wf_engine *engine, uint64_t unique, void *buf, size_t cap)
{
    struct fuse_in_header header;
    struct fuse_interrupt_in in;
    if (cap < sizeof header + sizeof in)
        return 0;
    /* As the Linux client: the interrupted unique with the low bit set, no node, no identity. */
    wf_mem_set(&header, 0, sizeof header);
    header.len = sizeof header + sizeof in;
    header.opcode = FUSE_INTERRUPT;
    header.unique = unique | WF_UNIQUE_INTERRUPT;
    wf_mem_set(&in, 0, sizeof in);
    in.unique = unique;
    wf_mem_copy(buf, &header, sizeof header);
    wf_mem_copy((uint8_t *)buf + sizeof header, &in, sizeof in);
    engine->requests_sent++;
    engine->sent_by_opcode[FUSE_INTERRUPT]++;
    return header.len;
}

void wf_interrupt_queue_locked(wf_engine *engine, wf_op *op, uint64_t due_ms)
{
    if (wf_interrupts_refused_locked(engine))
        return;
    op->interrupt_unique = op->unique;
    if (op->interrupt_queued) {
        if (due_ms < op->interrupt_due_ms)
            op->interrupt_due_ms = due_ms;
        return;
    }
    op->interrupt_due_ms = due_ms;
    op->interrupt_queued = true;
    op->interrupt_next = NULL;
    if (engine->interrupt_tail)
        engine->interrupt_tail->interrupt_next = op;
    else
        engine->interrupt_head = op;
    engine->interrupt_tail = op;
    wf_event_wake_one(engine->work);
}

void wf_interrupt_dequeue_locked(wf_engine *engine, wf_op *op)
{
    if (!op->interrupt_queued)
        return;
    wf_op *prev = NULL;
    for (wf_op *at = engine->interrupt_head; at; prev = at, at = at->interrupt_next) {
        if (at != op)
            continue;
        if (prev)
            prev->interrupt_next = op->interrupt_next;
        else
            engine->interrupt_head = op->interrupt_next;
        if (engine->interrupt_tail == op)
            engine->interrupt_tail = prev;
        break;
    }
    op->interrupt_queued = false;
    op->interrupt_next = NULL;
}

void wf_interrupt_clear_locked(wf_engine *engine)
{
    while (engine->interrupt_head)
        wf_interrupt_dequeue_locked(engine, engine->interrupt_head);
}

size_t wf_interrupt_take_locked(wf_engine *engine, uint64_t now_ms, void *buf, size_t cap)
{
    if (wf_interrupts_refused_locked(engine)) {
        wf_interrupt_clear_locked(engine);
        return 0;
    }
    wf_op *op = engine->interrupt_head;
    while (op && op->interrupt_due_ms > now_ms)
        op = op->interrupt_next;
    if (!op || cap < sizeof(struct fuse_in_header) + sizeof(struct fuse_interrupt_in))
        return 0;
    wf_interrupt_dequeue_locked(engine, op);
    op->interrupted_unique = op->interrupt_unique;
    return wf_interrupt_emit_locked(engine, op->interrupt_unique, buf, cap);
}

uint32_t wf_interrupt_wait_ms_locked(wf_engine *engine, uint64_t now_ms)
{
    uint64_t wait = UINT32_MAX;
    for (wf_op *op = engine->interrupt_head; op; op = op->interrupt_next) {
        uint64_t left = op->interrupt_due_ms > now_ms ? op->interrupt_due_ms - now_ms : 0;
        if (left < wait)
            wait = left;
    }
    return (uint32_t)wait;
}

NTSTATUS wf_interrupt_reply(wf_engine *engine, const struct fuse_out_header *header,
    size_t body_size)
{
    /* An INTERRUPT has no answer of its own; the file system sends one only to say it will
       never take interrupts (ENOSYS) or has not seen the request yet (EAGAIN), and without
       a body. Others are accepted and mean nothing. */
    if (body_size || header->error > 0 || header->error <= -4096) {
        wf_engine_count_bad_reply(engine);
        return STATUS_INVALID_PARAMETER;
    }
    wf_lock_acquire(engine->lock);
    if (header->error == -WF_ENOSYS) {
        /* The request keeps waiting for its own reply; no INTERRUPT goes out again. */
        __atomic_fetch_or(&engine->enosys[FUSE_INTERRUPT / 64], 1ull << (FUSE_INTERRUPT % 64),
            __ATOMIC_RELAXED);      /* the memo is atomic (engine.c) */
        wf_interrupt_clear_locked(engine);
    } else if (header->error == -WF_EAGAIN) {
        /* Once the request is answered there is nothing left to interrupt: a late EAGAIN
           is a normal race, not an unknown reply. */
        wf_op *op = wf_engine_inflight_find_locked(engine,
            header->unique & ~(uint64_t)WF_UNIQUE_INTERRUPT);
        if (op)
            wf_interrupt_queue_locked(engine, op, wf_engine_now(engine) + WF_INTERRUPT_RETRY_MS);
    }
    wf_lock_release(engine->lock);
    return STATUS_SUCCESS;
}

static bool take_unstarted_locked(wf_engine *engine, wf_op *op)
{
    wf_op *prev = NULL;
    for (wf_op *at = engine->new_head; at; prev = at, at = at->next) {
        if (at != op)
            continue;
        if (prev)
            prev->next = op->next;
        else
            engine->new_head = op->next;
        if (engine->new_tail == op)
            engine->new_tail = prev;
        op->next = NULL;
        engine->pending_count--;
        return true;
    }
    return false;
}

bool wf_engine_cancel(wf_engine *engine, uint64_t hint)
{
    return wf_engine_cancel_within(engine, hint, 0);
}

bool wf_engine_cancel_within(wf_engine *engine, uint64_t hint, uint32_t grace_ms)
{
    wf_lock_acquire(engine->lock);
    wf_op *op = engine->ops;
    while (op && op->req->Hint != hint)
        op = op->ops_next;
    if (!op) {
        wf_lock_release(engine->lock);
        return false;
    }
    if (grace_ms) {
        /* Every FUSE request of op, the one out now included, is given up by then
           (timeout.c), whatever the file system does with the INTERRUPT. */
        uint64_t deadline = wf_engine_now(engine) + grace_ms;
        if (!op->cancel_deadline_ms || deadline < op->cancel_deadline_ms)
            op->cancel_deadline_ms = deadline;
        if (op->unique && wf_engine_inflight_find_locked(engine, op->unique) == op &&
            (!op->deadline_ms || deadline < op->deadline_ms)) {
            op->deadline_ms = deadline;
            if (!engine->next_deadline_ms || deadline < engine->next_deadline_ms)
                engine->next_deadline_ms = deadline;
            wf_event_wake_all(engine->work);
        }
    }
    /* Cleanup cannot fail and Close must release the handle: Windows never cancels them,
       and neither does the engine. A second cancel changes nothing. */
    if (op->kind == FspFsctlTransactCleanupKind || op->kind == FspFsctlTransactCloseKind ||
        op->cancel_requested) {
        wf_lock_release(engine->lock);
        return true;
    }
    op->cancel_requested = true;
    if (take_unstarted_locked(engine, op)) {
        wf_lock_release(engine->lock);
        wf_engine_abort_unstarted(engine, op, STATUS_CANCELLED);
        return true;
    }
    /* A request out now is interrupted now; one still to go out (queued, or its operation
       running) is interrupted as it goes out (hand_out). */
    if (op->unique && wf_engine_inflight_find_locked(engine, op->unique) == op)
        wf_interrupt_queue_locked(engine, op, 0);
    wf_lock_release(engine->lock);
    return true;
}
