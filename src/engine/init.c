/* init.c — the session's first and last requests: INIT negotiation and DESTROY. */
#include "engine/engine_internal.h"

/* What this engine can use, offered in INIT; the file system's reply narrows it. */
#define WF_INIT_FLAGS ( \
    FUSE_ASYNC_READ |           /* several READs of one file may be out at once */ \
    FUSE_BIG_WRITES |           /* WRITE up to max_write, not one page */ \
    FUSE_DO_READDIRPLUS |       /* listings with attributes, no LOOKUP per entry */ \
    FUSE_PARALLEL_DIROPS |      /* lookups in one directory are not serialized */ \
    FUSE_MAX_PAGES |            /* READ sizes beyond 32 pages */ \
    FUSE_NO_OPEN_SUPPORT |      /* OPEN answered ENOSYS means "stateless files" */ \
    FUSE_NO_OPENDIR_SUPPORT | \
    FUSE_DONT_MASK |            /* the engine masks new modes itself (op_create.c); a file \
                                   system that requires this (fuse-overlayfs) aborts without */ \
    FUSE_INIT_EXT)

/* The oldest protocol whose request formats this engine sends (umask in CREATE etc.). */
#define WF_MIN_MINOR 12u
#define WF_DEFAULT_MAX_PAGES 32u    /* what the Linux client assumes without MAX_PAGES */
#define WF_MAX_MAX_PAGES 256u
#define WF_PAGE_SIZE 4096u

static void init_fail(wf_engine *engine, NTSTATUS status)
{
    wf_lock_acquire(engine->lock);
    engine->init_status = status;
    wf_lock_release(engine->lock);
    wf_engine_disconnect(engine);
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

static void init_accept(wf_engine *engine, const struct fuse_init_out *out, uint32_t out_size)
{
    uint64_t flags = out->flags;
    if (out->minor >= 36 && (flags & FUSE_INIT_EXT))
        flags |= (uint64_t)out->flags2 << 32;
    flags &= WF_INIT_FLAGS;

    /* A reply older than 7.23 is the 24-byte form: max_write is there, time_gran not. */
    uint32_t max_write = out_size >= 24 ? out->max_write : 0;
    if (max_write < WF_PAGE_SIZE)
        max_write = WF_PAGE_SIZE;
    uint32_t max_pages = WF_DEFAULT_MAX_PAGES;
    if ((flags & FUSE_MAX_PAGES) && out_size >= 30 && out->max_pages)
        max_pages = min_u32(out->max_pages, WF_MAX_MAX_PAGES);

    uint32_t message = engine->params.max_message;
    uint32_t read_room = message - (uint32_t)sizeof(struct fuse_out_header);
    uint32_t write_room = message - (uint32_t)(sizeof(struct fuse_in_header) +
        sizeof(struct fuse_write_in));

    wf_lock_acquire(engine->lock);
    engine->initialized = true;
    engine->minor = out->minor;
    engine->flags = flags;
    engine->max_write = max_write;
    engine->max_pages = max_pages;
    engine->max_readahead = out->max_readahead;
    engine->time_gran = out_size >= 28 ? out->time_gran : 0;
    engine->read_size = min_u32(max_pages * WF_PAGE_SIZE, read_room) & ~(WF_PAGE_SIZE - 1);
    engine->write_size = min_u32(max_write, write_room) & ~(WF_PAGE_SIZE - 1);
    if (engine->state == WF_ENGINE_STARTING)
        engine->state = WF_ENGINE_RUNNING;
    wf_event_wake_all(engine->work);
    wf_lock_release(engine->lock);
}

wf_step wf_op_init(wf_op *op)
{
    wf_engine *engine = op->engine;
    WF_CORO_BEGIN(op);

    op->u.init.in.major = FUSE_KERNEL_VERSION;
    op->u.init.in.minor = FUSE_KERNEL_MINOR_VERSION;
    op->u.init.in.max_readahead = engine->params.max_readahead;
    op->u.init.in.flags = (uint32_t)WF_INIT_FLAGS;
    op->u.init.in.flags2 = (uint32_t)((uint64_t)WF_INIT_FLAGS >> 32);
    wf_call_begin(op, FUSE_INIT, 0);
    wf_call_in(op, &op->u.init.in, sizeof op->u.init.in);
    wf_call_out(op, &op->u.init.out, sizeof op->u.init.out);
    op->call.out_variable = true;
    WF_AWAIT_REPLY(op);

    if (op->call.error == WF_ERR_DISCONNECTED)
        WF_CORO_RETURN(op);
    if (op->call.error || op->call.out_size < 8) {
        init_fail(engine, op->call.error && op->call.error < WF_ERR_BAD_REPLY ?
            STATUS_CONNECTION_REFUSED : STATUS_IO_DEVICE_ERROR);
        WF_CORO_RETURN(op);
    }
    wf_lock_acquire(engine->lock);
    engine->fs_major = op->u.init.out.major;
    engine->fs_minor = op->u.init.out.minor;
    wf_lock_release(engine->lock);
    /* Another major is another protocol; a minor this old lacks request formats we send. */
    if (op->u.init.out.major != FUSE_KERNEL_VERSION || op->u.init.out.minor < WF_MIN_MINOR) {
        init_fail(engine, STATUS_CONNECTION_REFUSED);
        WF_CORO_RETURN(op);
    }
    init_accept(engine, &op->u.init.out, op->call.out_size);

    WF_CORO_END(op);
}

wf_step wf_op_destroy(wf_op *op)
{
    wf_engine *engine = op->engine;
    WF_CORO_BEGIN(op);

    wf_call_begin(op, FUSE_DESTROY, 0);
    WF_AWAIT_REPLY(op);

    /* Answered or not, the session is over. */
    wf_lock_acquire(engine->lock);
    engine->state = WF_ENGINE_DEAD;
    wf_event_wake_all(engine->work);
    wf_lock_release(engine->lock);

    WF_CORO_END(op);
}
