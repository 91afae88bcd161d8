/* engine.c — the engine instance: WinFsp requests in through submit, FUSE requests out
   and replies in through transact, and the lifecycle (INIT, disconnect, shutdown). */
#include "engine/engine_internal.h"
#include "engine/link.h"
#include "winfuse/linux_errno.h"
#include "winfuse/mappings.h"

#define WF_INFLIGHT_BUCKETS 1024u
#define WF_SWEEP_INTERVAL_MS 1000u
#define WF_FORGET_BATCH 64u         /* this many pending FORGETs go out at once */
#define WF_FORGET_DELAY_MS 10u      /* default: fewer wait at most this long for company */

/* FUSE uses even uniques; the low bit marks INTERRUPT requests (FUSE_INT_REQ_BIT). */
#define WF_UNIQUE_STEP 2u

typedef enum wf_hand_out {
    WF_HANDED_OUT,
    WF_HAND_OUT_DEAD,
    WF_HAND_OUT_TOO_BIG,
} wf_hand_out;

uint64_t wf_engine_now(const wf_engine *engine)
{
    if (engine->params.clock)
        return engine->params.clock(engine->params.host);
    return wf_time_monotonic_ms();
}

/* The ENOSYS memo only ever gains bits: it is read and set with atomic operations, no
   lock (a request racing the first ENOSYS may still ask once more, as it could before). */
bool wf_engine_enosys(wf_engine *engine, uint32_t opcode)
{
    if (opcode >= 128)
        return false;
    return (__atomic_load_n(&engine->enosys[opcode / 64], __ATOMIC_RELAXED) >> (opcode % 64)) & 1;
}

void wf_engine_count_bad_reply(wf_engine *engine)
{
    wf_lock_acquire(engine->lock);
    engine->bad_replies++;
    wf_lock_release(engine->lock);
}

void wf_engine_count_bad_name(wf_engine *engine)
{
    wf_lock_acquire(engine->lock);
    engine->bad_names++;
    wf_lock_release(engine->lock);
}

void wf_engine_note_enosys(wf_engine *engine, uint32_t opcode)
{
    if (opcode >= 128)
        return;
    __atomic_fetch_or(&engine->enosys[opcode / 64], 1ull << (opcode % 64), __ATOMIC_RELAXED);
}

NTSTATUS wf_engine_create(const wf_engine_params *params, wf_engine **out)
{
    *out = NULL;
    if (!params || !params->complete || params->max_message < WF_ENGINE_MIN_MESSAGE)
        return STATUS_INVALID_PARAMETER;
    wf_engine *engine = wf_mem_alloc(sizeof *engine);
    if (!engine)
        return STATUS_INSUFFICIENT_RESOURCES;
    engine->params = *params;
    engine->dosattrib_off = params->no_dosattrib;
    engine->streams_off = params->no_streams;
    if (!engine->params.forget_delay_ms)
        engine->params.forget_delay_ms = WF_FORGET_DELAY_MS;
    engine->lock = wf_lock_create();
    engine->work = wf_event_create();
    engine->cache = wf_cache_create(params->cache_capacity);
    if (engine->cache)
        wf_cache_set_case_insensitive(engine->cache, params->case_insensitive);
    engine->pool_block_size = wf_op_pool_block_size();
    engine->inflight_buckets = WF_INFLIGHT_BUCKETS;
    engine->inflight = wf_mem_alloc(WF_INFLIGHT_BUCKETS * sizeof *engine->inflight);
    if (!engine->lock || !engine->work || !engine->cache ||
        !engine->inflight) {
        wf_engine_delete(engine);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    engine->state = WF_ENGINE_STARTING;
    engine->next_unique = WF_UNIQUE_STEP;
    engine->init_status = STATUS_SUCCESS;
    *out = engine;
    return STATUS_SUCCESS;
}

/* An op ends in three parts: what it holds is let go (no engine lock), it leaves the
   submitted list (engine lock), and its block goes back. transact defers the middle part
   of the ops a reply finished to the engine-lock section it takes next anyway (op_free
   does all three at once). */
static void op_release_parts(wf_engine *engine, wf_op *op)
{
    /* Most ops hold one or two nodes and no link state: no call for what is not held. */
    if (op->node)
        wf_cache_release(engine->cache, op->node);
    if (op->parent)
        wf_cache_release(engine->cache, op->parent);
    if (op->node2)
        wf_cache_release(engine->cache, op->node2);
    if (op->link)
        wf_link_release(op);
    if (op->ea)
        wf_mem_free(op->ea);
    if (op->fold)
        wf_mem_free(op->fold);
    if (op->stream)
        wf_mem_free(op->stream);
    if (op->dirbuf)
        wf_mem_free(op->dirbuf);
}

static void op_unlink_locked(wf_engine *engine, wf_op *op)
{
    if (!op->on_ops)
        return;
    if (op->ops_prev)
        op->ops_prev->ops_next = op->ops_next;
    else
        engine->ops = op->ops_next;
    if (op->ops_next)
        op->ops_next->ops_prev = op->ops_prev;
    wf_interrupt_dequeue_locked(engine, op);
}

static void op_give_back(wf_engine *engine, wf_op *op)
{
    if (op->pooled)
        wf_op_pool_give(engine, op);
    else
        wf_mem_free(op);
}

static void op_free(wf_engine *engine, wf_op *op)
{
    wf_file *file_done = NULL, *file_spare = NULL;
    op_release_parts(engine, op);
    if (op->on_ops || op->file_done || op->file_spare) {
        wf_lock_acquire(engine->lock);
        op_unlink_locked(engine, op);
        if (op->file_done)
            file_done = wf_file_unlink_locked(engine, op->file_done);
        if (op->file_spare)
            file_spare = wf_file_unlink_locked(engine, op->file_spare);
        wf_lock_release(engine->lock);
    }
    if (file_spare)
        wf_mem_free(file_spare);
    op_give_back(engine, op);
    if (file_done)
        wf_mem_free(file_done);
}

/* The ops op_finish left chained by next (their parts let go): off the submitted list
   (with the handle a Close let go, and a Create's unused spare), their blocks back.
   Engine lock held. A handle the free list cannot keep is freed here, under the lock
   (rare: more than 16 closed). */
static void ops_finished_locked(wf_engine *engine, wf_op *finished)
{
    for (wf_op *op = finished, *next; op; op = next) {
        next = op->next;
        op_unlink_locked(engine, op);
        if (op->file_done)
            wf_mem_free(wf_file_unlink_locked(engine, op->file_done));
        if (op->file_spare)
            wf_mem_free(wf_file_unlink_locked(engine, op->file_spare));
        op_give_back(engine, op);
    }
}

static void ops_finished(wf_engine *engine, wf_op *finished)
{
    if (!finished)
        return;
    wf_lock_acquire(engine->lock);
    ops_finished_locked(engine, finished);
    wf_lock_release(engine->lock);
}

void wf_engine_delete(wf_engine *engine)
{
    if (!engine)
        return;
    /* Nothing should remain; free what does without completing it. */
    wf_op *lists[2] = { engine->new_head, engine->ready_head };
    for (int i = 0; i < 2; i++)
        for (wf_op *op = lists[i], *next; op; op = next) {
            next = op->next;
            op_free(engine, op);
        }
    if (engine->inflight)
        for (uint32_t b = 0; b < engine->inflight_buckets; b++)
            for (wf_op *op = engine->inflight[b], *next; op; op = next) {
                next = op->next;
                op_free(engine, op);
            }
    while (engine->files)
        wf_file_free(engine, engine->files);
    wf_file_clear(engine);
    if (engine->lock)
        wf_zombie_clear_locked(engine);
    wf_mem_free(engine->inflight);
    wf_cache_delete(engine->cache);
    wf_event_delete(engine->work);
    wf_lock_delete(engine->lock);
    wf_op_pool_clear(engine);
    wf_mem_free(engine);
}

void wf_engine_get_info(wf_engine *engine, wf_engine_info *info)
{
    wf_mem_set(info, 0, sizeof *info);
    wf_lock_acquire(engine->lock);
    info->initialized = engine->initialized;
    info->connected = engine->state == WF_ENGINE_STARTING || engine->state == WF_ENGINE_RUNNING;
    info->init_status = engine->init_status;
    info->major = engine->fs_major;
    info->minor = engine->fs_minor;
    info->flags = engine->flags;
    info->max_write = engine->max_write;
    info->max_pages = engine->max_pages;
    info->max_readahead = engine->max_readahead;
    info->time_gran = engine->time_gran;
    info->read_size = engine->read_size;
    info->write_size = engine->write_size;
    info->requests_sent = engine->requests_sent;
    info->replies_received = engine->replies_received;
    info->bad_replies = engine->bad_replies;
    info->unknown_replies = engine->unknown_replies;
    info->notifications = engine->notifications;
    info->changes_reported = engine->changes_reported;
    info->changes_unnamed = engine->changes_unnamed;
    info->forgets_sent = engine->forgets_sent;
    info->bad_names = engine->bad_names;
    info->requests_in_flight = engine->inflight_count;
    info->timeouts = engine->timeouts;
    info->late_replies = engine->late_replies;
    info->requests_given_up = engine->zombie_count;
    info->requests_pending = engine->pending_count;
    info->dosattrib_off = engine->dosattrib_off;
    wf_mem_copy(info->sent_by_opcode, engine->sent_by_opcode, sizeof info->sent_by_opcode);
    wf_lock_release(engine->lock);
    info->nodes_cached = wf_cache_node_count(engine->cache);
}

static void copy_name(uint16_t *dst, size_t cap, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < cap; i++)
        dst[i] = (uint8_t)src[i];
    dst[i] = 0;
}

void wf_engine_get_volume_params(wf_engine *engine, FSP_FSCTL_VOLUME_PARAMS *params)
{
    wf_mem_set(params, 0, sizeof *params);
    params->Version = sizeof *params;
    params->SectorSize = 512;
    params->SectorsPerAllocationUnit = WF_ALLOCATION_UNIT / 512;
    params->MaxComponentLength = 255;
    /* The engine caches what the file system allows and for as long as it says, so the
       FSD must not keep file information of its own. */
    params->FileInfoTimeout = 0;
    /* A case-insensitive volume folds case in its lookups (walk.c) and keeps names as the
       file system stores them. */
    params->CaseSensitiveSearch = !engine->params.case_insensitive;
    params->CasePreservedNames = 1;
    /* EAs are user.* xattrs (op_ea.c), whose names keep their case: without this the FSD
       would upper-case them. */
    params->ExtendedAttributes = 1;
    params->CasePreservedExtendedAttributes = 1;
    params->UnicodeOnDisk = 1;
    params->PersistentAcls = 1;
    params->ReparsePoints = 1;
    /* Streams as user.DosStream.* xattrs (stream.c), unless turned off or found missing:
       a file system that answered ENOSYS or EOPNOTSUPP to them no longer shows them. */
    params->NamedStreams = !engine->streams_off;
    /* A POSIX close sends FLUSH whether or not the file was written: so does Cleanup. */
    params->PostCleanupWhenModifiedOnly = 0;
    /* READDIR offsets are the resume points WinFsp hands back. */
    params->DirectoryMarkerAsNextOffset = 1;
    /* UNLINK and RENAME leave open files usable, which is what POSIX semantics ask; the
       FSD refuses the Ex classes that request them unless this is set. */
    params->SupportsPosixUnlinkRename = 1;
    params->FsextControlCode = WF_FUSE_FSCTL_TRANSACT;
    copy_name(params->FileSystemName, sizeof params->FileSystemName / sizeof(uint16_t), "FUSE");
}

/* Queues ------------------------------------------------------------------------------ */

static void push(wf_op **head, wf_op **tail, wf_op *op)
{
    op->next = NULL;
    if (*tail)
        (*tail)->next = op;
    else
        *head = op;
    *tail = op;
}

static wf_op *pop(wf_op **head, wf_op **tail)
{
    wf_op *op = *head;
    if (op) {
        *head = op->next;
        if (!*head)
            *tail = NULL;
        op->next = NULL;
    }
    return op;
}

static void inflight_insert(wf_engine *engine, wf_op *op)
{
    wf_op **bucket = &engine->inflight[(op->unique / WF_UNIQUE_STEP) % engine->inflight_buckets];
    op->next = *bucket;
    *bucket = op;
    engine->inflight_count++;
}

wf_op *wf_engine_inflight_find_locked(wf_engine *engine, uint64_t unique)
{
    wf_op *op = engine->inflight[(unique / WF_UNIQUE_STEP) % engine->inflight_buckets];
    while (op && op->unique != unique)
        op = op->next;
    return op;
}

static wf_op *inflight_remove(wf_engine *engine, uint64_t unique)
{
    wf_op **link = &engine->inflight[(unique / WF_UNIQUE_STEP) % engine->inflight_buckets];
    while (*link && (*link)->unique != unique)
        link = &(*link)->next;
    wf_op *op = *link;
    if (op) {
        *link = op->next;
        op->next = NULL;
        engine->inflight_count--;
    }
    return op;
}

/* Operations --------------------------------------------------------------------------- */

/* Where op_reset starts clearing (the identity's privileged flag). */
#define WF_OP_RESET_FROM (offsetof(wf_op, identity) + offsetof(wf_identity, privileged))

uint32_t wf_op_rsp_buffer_cap(uint32_t kind)
{
    switch (kind) {
    case FspFsctlTransactQuerySecurityKind:
    case FspFsctlTransactQueryEaKind:
    case FspFsctlTransactSetEaKind:
    case FspFsctlTransactFileSystemControlKind:
    case FspFsctlTransactQueryStreamInformationKind:
        return (uint32_t)FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX;
    case FspFsctlTransactCreateKind:
        /* STATUS_REPARSE: a symbolic link buffer holding the longest path (link.c). */
        return WF_REPARSE_SYMLINK_PATH_OFFSET + WF_REPARSE_PATH_MAX * sizeof(uint16_t);
    default:
        return 0;
    }
}

/* Clears what a request relies on finding zero, and nothing more: everything but what
   leads the op (the two name buffers, each NUL-terminated and measured by whoever writes
   it; the directory attributes, read only for the node dir_attr_nodeid names; the
   identity, which op_new sets), and the response's header, which follows the op in its
   block (op_size bytes on). A block from the pool holds the last request's bytes;
   clearing the whole of it (2.5 KB) was most of a warm request's cost. One call: all that
   is cleared is contiguous. */
static void op_reset(wf_op *op, size_t op_size)
{
    op->name[0] = 0;
    op->name2[0] = 0;
    wf_mem_set(&op->identity.privileged, 0, op_size - WF_OP_RESET_FROM +
        sizeof(FSP_FSCTL_TRANSACT_RSP));
}

_Static_assert(offsetof(wf_op, name) == 0 &&
    offsetof(wf_op, name2) == WF_NAME_MAX + 1 &&
    offsetof(wf_op, dir_attr) - (offsetof(wf_op, name2) + WF_NAME_MAX + 1) < 8 &&
    offsetof(wf_op, identity) == offsetof(wf_op, dir_attr) + sizeof(struct fuse_attr) &&
    offsetof(wf_identity, privileged) == offsetof(wf_identity, groups) +
        sizeof(((wf_identity *)0)->groups) &&
    offsetof(wf_op, next) < offsetof(wf_op, identity) + sizeof(wf_identity) + sizeof(void *),
    "op_reset leaves only the names, dir_attr and the identity up to its groups: they must "
    "lead the op in this order, and privileged must follow the groups");

/* One block: the context, then its response (with room for the Buffer[] its kind may
   fill), then the copy of its request. From the pool when it fits there; the response's
   Buffer[] is not cleared (a handler that fills it clears what it uses). */
static wf_op *op_new(wf_engine *engine, uint32_t kind, const FSP_FSCTL_TRANSACT_REQ *req)
{
    size_t op_size = FSP_FSCTL_DEFAULT_ALIGN_UP(sizeof(wf_op));
    size_t rsp_size = FSP_FSCTL_DEFAULT_ALIGN_UP(sizeof(FSP_FSCTL_TRANSACT_RSP) +
        wf_op_rsp_buffer_cap(kind));
    size_t req_size = req ? req->Size : sizeof(FSP_FSCTL_TRANSACT_REQ);
    bool pooled = op_size + rsp_size + req_size <= engine->pool_block_size;
    uint8_t *block = pooled ? wf_op_pool_take(engine) :
        wf_mem_alloc(op_size + rsp_size + req_size);
    if (!block)
        return NULL;
    wf_op *op = (wf_op *)(void *)block;
    op_reset(op, op_size);
    op->pooled = pooled;
    op->rsp = (FSP_FSCTL_TRANSACT_RSP *)(void *)(block + op_size);
    op->req = (FSP_FSCTL_TRANSACT_REQ *)(void *)(block + op_size + rsp_size);
    op->engine = engine;
    op->kind = kind;
    /* The host's identity, until wf_access_begin finds the caller's (no groups: op_reset
       leaves groups[] as the last request had it, read only below group_count). */
    op->identity.uid = engine->params.uid;
    op->identity.gid = engine->params.gid;
    op->identity.pid = engine->params.pid;
    op->identity.group_count = 0;
    if (req)
        wf_mem_copy(op->req, req, req_size);
    else
        wf_mem_set(op->req, 0, req_size);
    return op;
}

static bool is_winfsp_kind(uint32_t kind)
{
    return kind < FspFsctlTransactKindCount;
}

static void respond(wf_engine *engine, uint32_t kind, uint64_t hint,
    FSP_FSCTL_TRANSACT_RSP *rsp, NTSTATUS status)
{
    rsp->Version = sizeof *rsp;
    /* A handler that filled Buffer[] set Size to cover it; an error response carries none. */
    if (rsp->Size < sizeof *rsp || (uint32_t)status >= 0xC0000000u)
        rsp->Size = sizeof *rsp;
    rsp->Kind = kind;
    rsp->Hint = hint;
    rsp->IoStatus.Status = (uint32_t)status;
    engine->params.complete(engine->params.host, rsp);
}

/* Answers op and frees it; with finished, the engine-lock part is left to the caller
   (ops_finished): op is chained there. */
static void op_finish(wf_engine *engine, wf_op *op, wf_op **finished)
{
    if (is_winfsp_kind(op->kind))
        respond(engine, op->req->Kind, op->req->Hint, op->rsp, op->status);
    if (!finished) {
        op_free(engine, op);
        return;
    }
    op_release_parts(engine, op);
    op->next = *finished;
    *finished = op;
}

/* A WinFsp request that never started: it completes with status, and a Close still
   frees its handle (the FSD forgets the handle whatever Close answers). */
static void op_abort_unstarted(wf_engine *engine, wf_op *op, NTSTATUS status)
{
    if (op->kind == FspFsctlTransactCloseKind) {
        wf_file *file = wf_op_file(op->req->Req.Close.UserContext2);
        if (file)
            wf_file_free(engine, file);
    }
    op->status = status;
    op_finish(engine, op, NULL);
}

void wf_engine_abort_unstarted(wf_engine *engine, wf_op *op, NTSTATUS status)
{
    op_abort_unstarted(engine, op, status);
}

wf_op *wf_engine_internal_op(wf_engine *engine, uint32_t kind)
{
    return op_new(engine, kind, NULL);
}

#ifdef WF_DEBUG
static __attribute__((noreturn)) void coro_trap(const char *what)
{
    (void)what;
    __builtin_trap();
}

void (*wf_coro_fault)(const char *what) __attribute__((noreturn)) = coro_trap;
#endif

static wf_step op_run(wf_op *op)
{
    wf_step step;
    switch (op->kind) {
    case WF_KIND_INIT:
        step = wf_op_init(op);
        break;
    case WF_KIND_DESTROY:
        step = wf_op_destroy(op);
        break;
    case WF_KIND_GIVE_BACK:
        step = wf_op_give_back(op);
        break;
    default:
        step = op->kind < FspFsctlTransactKindCount ? wf_op_kinds[op->kind].handler(op) :
            wf_op_handler(op->kind)(op);
        break;
    }
    wf_coro_check_idle(&op->coro, step);
    return step;
}

/* Hands the operation's FUSE request out in buf: serialized first, then registered in
   flight (so its reply, which cannot arrive before the caller sends it, finds it). */
static wf_hand_out hand_out(wf_engine *engine, wf_op *op, void *buf, size_t cap, size_t *len)
{
    /* Uniques are taken with an atomic add: one engine-lock section per request handed out
       (the state is checked there, before the request counts as out). */
    uint64_t unique = __atomic_fetch_add(&engine->next_unique, WF_UNIQUE_STEP, __ATOMIC_RELAXED);

    uint32_t n = wf_call_serialize(&op->call, unique, op->identity.uid, op->identity.gid,
        op->identity.pid, buf, cap);
    if (!n)
        return WF_HAND_OUT_TOO_BIG;

    wf_lock_acquire(engine->lock);
    if (engine->state == WF_ENGINE_DEAD) {
        wf_lock_release(engine->lock);
        return WF_HAND_OUT_DEAD;
    }
    op->unique = unique;
    inflight_insert(engine, op);
    op->deadline_ms = 0;
    if (engine->params.request_timeout_ms || op->cancel_deadline_ms)
        wf_timeout_arm_locked(engine, op, wf_engine_now(engine));
    if (op->cancel_requested)
        wf_interrupt_queue_locked(engine, op, 0);   /* goes out after this request */
    engine->requests_sent++;
    if (op->call.opcode < 64)
        engine->sent_by_opcode[op->call.opcode]++;
    wf_lock_release(engine->lock);
    *len = n;
    return WF_HANDED_OUT;
}

static bool enqueue_ready(wf_engine *engine, wf_op *op)
{
    wf_lock_acquire(engine->lock);
    bool alive = engine->state != WF_ENGINE_DEAD;
    if (alive) {
        push(&engine->ready_head, &engine->ready_tail, op);
        wf_event_wake_one(engine->work);
    }
    wf_lock_release(engine->lock);
    return alive;
}

/* Runs the operation until it finishes or has a request out (in buf when the caller still
   has room for one, else on the ready queue). A request that cannot go out is answered at
   once with an error, so every operation reaches its end through its own code. */
static void advance_finishing(wf_engine *engine, wf_op *op, void *buf, size_t cap,
    size_t *len, wf_op **finished)
{
    for (;;) {
        if (op_run(op) == WF_STEP_DONE) {
            op_finish(engine, op, finished);
            return;
        }
        if (buf && *len == 0) {
            wf_hand_out result = hand_out(engine, op, buf, cap, len);
            if (result == WF_HANDED_OUT)
                return;
            /* A submitter's small buffer: a transact caller's full-size one will carry it. */
            if (result == WF_HAND_OUT_TOO_BIG && cap < engine->params.max_message &&
                enqueue_ready(engine, op))
                return;
            op->call.error = result == WF_HAND_OUT_DEAD ? WF_ERR_DISCONNECTED : WF_ERR_TOO_BIG;
        } else {
            if (enqueue_ready(engine, op))
                return;
            op->call.error = WF_ERR_DISCONNECTED;
        }
        op->call.out_size = 0;
    }
}

static void advance(wf_engine *engine, wf_op *op, void *buf, size_t cap, size_t *len)
{
    advance_finishing(engine, op, buf, cap, len, NULL);
}

/* The WinFsp side ----------------------------------------------------------------------- */

void wf_engine_submit(wf_engine *engine, const FSP_FSCTL_TRANSACT_REQ *req)
{
    size_t len = 0;
    wf_engine_submit_transact(engine, req, NULL, 0, &len);
}

void wf_engine_submit_transact(wf_engine *engine, const FSP_FSCTL_TRANSACT_REQ *req,
    void *request, size_t request_cap, size_t *request_len)
{
    *request_len = 0;
    if (req->Size < sizeof *req || req->Size > FSP_FSCTL_TRANSACT_REQ_SIZEMAX ||
        !is_winfsp_kind(req->Kind)) {
        /* A kind beyond WinFsp's would be taken for an internal op (INIT, DESTROY) and
           never answered. */
        FSP_FSCTL_TRANSACT_RSP rsp;
        wf_mem_set(&rsp, 0, sizeof rsp);
        respond(engine, req->Kind, req->Hint, &rsp, is_winfsp_kind(req->Kind) ?
            STATUS_INVALID_PARAMETER : STATUS_INVALID_DEVICE_REQUEST);
        return;
    }
    wf_op *op = op_new(engine, req->Kind, req);
    if (!op) {
        FSP_FSCTL_TRANSACT_RSP rsp;
        wf_mem_set(&rsp, 0, sizeof rsp);
        if (req->Kind == FspFsctlTransactCloseKind) {
            wf_file *file = wf_op_file(req->Req.Close.UserContext2);
            if (file)
                wf_file_free(engine, file);
        }
        respond(engine, req->Kind, req->Hint, &rsp, STATUS_INSUFFICIENT_RESOURCES);
        return;
    }
    wf_access_begin(engine, op);    /* whom it acts for: the token's caller, the opener */
    wf_lock_acquire(engine->lock);
    wf_engine_state state = engine->state;
    if (state == WF_ENGINE_STARTING || state == WF_ENGINE_RUNNING) {
        /* Known by its Hint from now on, for wf_engine_cancel. */
        op->ops_next = engine->ops;
        if (engine->ops)
            engine->ops->ops_prev = op;
        engine->ops = op;
        op->on_ops = true;
        /* A Create's handle, from the closed ones kept, linked here where the lock is
           held anyway (file.c): the Create makes it without a lock section of its own. */
        if (op->kind == FspFsctlTransactCreateKind)
            op->file_spare = wf_file_spare_locked(engine);
    }
    if (state == WF_ENGINE_STARTING) {
        push(&engine->new_head, &engine->new_tail, op);
        engine->pending_count++;
    }
    wf_lock_release(engine->lock);
    if (state == WF_ENGINE_RUNNING) {
        /* Start it here: what the cache answers completes without any thread switch, and
           its first FUSE request goes to the caller to send, or to the ready queue. */
        advance(engine, op, request, request_cap, request_len);
    } else if (state != WF_ENGINE_STARTING) {
        op_abort_unstarted(engine, op, STATUS_CONNECTION_DISCONNECTED);
    }
}

/* The FUSE side ------------------------------------------------------------------------- */

/* own: the host made this reply (an EIO for a request it could not carry, or whose reply
   it could not take); when the request is no longer in flight the engine had failed it
   already, and the file system sent nothing unknown. */
static NTSTATUS receive(wf_engine *engine, const void *msg, size_t len, bool own, wf_op **out)
{
    struct fuse_out_header header;
    *out = NULL;
    if (len < sizeof header) {
        wf_lock_acquire(engine->lock);
        engine->bad_replies++;
        wf_lock_release(engine->lock);
        return STATUS_INVALID_PARAMETER;
    }
    wf_mem_copy(&header, msg, sizeof header);

    wf_lock_acquire(engine->lock);
    if (header.len != len) {
        engine->bad_replies++;
        wf_lock_release(engine->lock);
        return STATUS_INVALID_PARAMETER;
    }
    if (header.unique == 0) {
        /* An unsolicited notification; its code is in the error field. */
        engine->notifications++;
        wf_lock_release(engine->lock);
        return wf_engine_notify(engine, header.error, (const uint8_t *)msg + sizeof header,
            (uint32_t)(len - sizeof header));
    }
    if (header.unique & WF_UNIQUE_INTERRUPT) {
        /* The file system's answer to an INTERRUPT, not to a request. */
        engine->replies_received++;
        wf_lock_release(engine->lock);
        return wf_interrupt_reply(engine, &header, len - sizeof header);
    }
    wf_op *op = inflight_remove(engine, header.unique);
    if (!op) {
        wf_lock_release(engine->lock);
        /* A request given up on (timeout.c): what its reply grants is given back, by the
           operation that comes out here when one is needed. */
        if (wf_zombie_reply(engine, &header, (const uint8_t *)msg + sizeof header,
                (uint32_t)(len - sizeof header), out))
            return STATUS_SUCCESS;
        if (!own) {
            wf_lock_acquire(engine->lock);
            engine->unknown_replies++;
            wf_lock_release(engine->lock);
        }
        return STATUS_NOT_FOUND;
    }
    wf_interrupt_dequeue_locked(engine, op);    /* answered: nothing left to interrupt */
    engine->replies_received++;
    if (engine->state == WF_ENGINE_SHUTTING_DOWN && engine->inflight_count == 0)
        wf_event_wake_all(engine->work);    /* the session may end now */
    wf_lock_release(engine->lock);

    NTSTATUS status = wf_call_deliver(&op->call, &header,
        (const uint8_t *)msg + sizeof header, (uint32_t)(len - sizeof header));
    if (!NT_SUCCESS(status)) {
        wf_lock_acquire(engine->lock);
        engine->bad_replies++;
        wf_lock_release(engine->lock);
        op->call.error = WF_ERR_BAD_REPLY;
    } else if (op->call.error == WF_ENOSYS) {
        wf_engine_note_enosys(engine, op->call.opcode);
    }
    *out = op;
    return status;
}

/* FORGETs wait a little to go out together: a burst of released nodes (a listing with
   TTL 0, a tree walk) becomes one BATCH_FORGET instead of one message each. Called with
   the engine lock held. */
static bool forgets_due(wf_engine *engine, uint64_t now)
{
    size_t pending = wf_cache_forgets_pending(engine->cache);
    if (!pending) {
        engine->forgets_since_ms = 0;
        return false;
    }
    if (!engine->forgets_since_ms)
        engine->forgets_since_ms = now;
    if (pending < WF_FORGET_BATCH && engine->state == WF_ENGINE_RUNNING &&
        now - engine->forgets_since_ms < engine->params.forget_delay_ms)
        return false;
    engine->forgets_since_ms = 0;
    return true;
}

/* FORGET or BATCH_FORGET straight into the caller's buffer: wf_forget has the layout of
   fuse_forget_one, so the cache's queue is taken in place. */
static size_t emit_forgets(wf_engine *engine, void *buf, size_t cap)
{
    struct fuse_in_header header;
    wf_mem_set(&header, 0, sizeof header);
    uint8_t *p = buf;
    size_t n;

    if (engine->minor >= 16) {
        struct fuse_batch_forget_in batch;
        size_t room = (cap - sizeof header - sizeof batch) / sizeof(struct fuse_forget_one);
        n = wf_cache_take_forgets(engine->cache,
            (wf_forget *)(void *)(p + sizeof header + sizeof batch), room);
        if (!n)
            return 0;
        wf_mem_set(&batch, 0, sizeof batch);
        batch.count = (uint32_t)n;
        header.opcode = n > 1 ? FUSE_BATCH_FORGET : FUSE_FORGET;
        if (n == 1) {
            /* A single node: FORGET is the smaller, older message. */
            wf_forget one;
            struct fuse_forget_in in;
            wf_mem_copy(&one, p + sizeof header + sizeof batch, sizeof one);
            header.nodeid = one.nodeid;
            in.nlookup = one.nlookup;
            wf_mem_copy(p + sizeof header, &in, sizeof in);
            header.len = sizeof header + sizeof in;
        } else {
            wf_mem_copy(p + sizeof header, &batch, sizeof batch);
            header.len = (uint32_t)(sizeof header + sizeof batch + n * sizeof(struct fuse_forget_one));
        }
    } else {
        wf_forget one;
        struct fuse_forget_in in;
        n = wf_cache_take_forgets(engine->cache, &one, 1);
        if (!n)
            return 0;
        header.opcode = FUSE_FORGET;
        header.nodeid = one.nodeid;
        in.nlookup = one.nlookup;
        wf_mem_copy(p + sizeof header, &in, sizeof in);
        header.len = sizeof header + sizeof in;
    }
    wf_lock_acquire(engine->lock);
    header.unique = __atomic_fetch_add(&engine->next_unique, WF_UNIQUE_STEP, __ATOMIC_RELAXED);
    engine->requests_sent++;
    engine->forgets_sent += n;
    engine->sent_by_opcode[header.opcode]++;
    wf_lock_release(engine->lock);
    wf_mem_copy(p, &header, sizeof header);
    return header.len;
}

/* Starts an internal operation (INIT, DESTROY) as if WinFsp had submitted it. */
static void start_internal(wf_engine *engine, uint32_t kind, void *buf, size_t cap, size_t *len)
{
    wf_op *op = op_new(engine, kind, NULL);
    if (!op) {
        if (kind == WF_KIND_INIT) {
            wf_engine_disconnect(engine);
        } else {
            wf_lock_acquire(engine->lock);
            engine->state = WF_ENGINE_DEAD;
            wf_event_wake_all(engine->work);
            wf_lock_release(engine->lock);
        }
        return;
    }
    advance(engine, op, buf, cap, len);
}

/* Takes every request whose deadline has passed out of flight (each leaves a zombie that
   keeps its unique), chained by next; recomputes the next deadline. Lock held. */
static wf_op *expire_locked(wf_engine *engine, uint64_t now)
{
    wf_op *expired = NULL;
    uint64_t next = 0;
    for (uint32_t b = 0; b < engine->inflight_buckets; b++) {
        wf_op **link = &engine->inflight[b];
        while (*link) {
            wf_op *op = *link;
            if (op->deadline_ms && op->deadline_ms <= now) {
                *link = op->next;
                engine->inflight_count--;
                wf_interrupt_dequeue_locked(engine, op);
                wf_zombie_add_locked(engine, op);
                op->next = expired;
                expired = op;
                continue;
            }
            if (op->deadline_ms && (!next || op->deadline_ms < next))
                next = op->deadline_ms;
            link = &op->next;
        }
    }
    engine->next_deadline_ms = next;
    if (expired && engine->state == WF_ENGINE_SHUTTING_DOWN && engine->inflight_count == 0)
        wf_event_wake_all(engine->work);
    return expired;
}

/* How long next_request sleeps when nothing is to hand out: until the next sweep, queued
   INTERRUPT, batch of FORGETs or deadline, or the caller's timeout, whichever is first. */
static uint32_t wait_ms_locked(wf_engine *engine, uint64_t now, uint64_t waited,
    uint32_t timeout_ms)
{
    uint32_t wait = WF_SWEEP_INTERVAL_MS;
    uint32_t interrupt_wait = wf_interrupt_wait_ms_locked(engine, now);
    if (interrupt_wait < wait)
        wait = interrupt_wait;
    if (engine->forgets_since_ms && engine->state != WF_ENGINE_STARTING) {
        uint64_t due = engine->forgets_since_ms + engine->params.forget_delay_ms;
        uint32_t forget_wait = due > now ? (uint32_t)(due - now) : 0;
        if (forget_wait < wait)
            wait = forget_wait ? forget_wait : 1;
    }
    if (engine->next_deadline_ms) {
        uint64_t left = engine->next_deadline_ms > now ? engine->next_deadline_ms - now : 1;
        if (left < wait)
            wait = (uint32_t)left;
    }
    if (timeout_ms != UINT32_MAX && timeout_ms - waited < wait)
        wait = (uint32_t)(timeout_ms - waited);
    return wait;
}

/* finished: ops a reply just ended (op_finish), taken off the submitted list in the
   first lock section here. */
static NTSTATUS next_request(wf_engine *engine, void *buf, size_t cap, size_t *len,
    uint32_t timeout_ms, wf_op *finished)
{
    /* The clock is read once per round of the loop (the host's callback), under the lock:
       what one round decides is decided at one instant. */
    uint64_t start = wf_engine_now(engine);
    wf_lock_acquire(engine->lock);
    ops_finished_locked(engine, finished);
    for (;;) {
        uint64_t now = wf_engine_now(engine);
        if (engine->state == WF_ENGINE_DEAD) {
            wf_lock_release(engine->lock);
            return STATUS_CONNECTION_DISCONNECTED;
        }
        if (!engine->init_sent) {
            engine->init_sent = true;
            wf_lock_release(engine->lock);
            start_internal(engine, WF_KIND_INIT, buf, cap, len);
            if (*len)
                return STATUS_SUCCESS;
            wf_lock_acquire(engine->lock);
            continue;
        }
        /* Requests out past their deadline are given up: each operation goes on as if its
           file system had answered with an error, from here, as after a disconnection. */
        if (engine->next_deadline_ms && now >= engine->next_deadline_ms) {
            wf_op *expired = expire_locked(engine, now);
            if (expired) {
                wf_lock_release(engine->lock);
                for (wf_op *op = expired, *next; op; op = next) {
                    next = op->next;
                    op->next = NULL;
                    op->call.error = WF_ERR_TIMEOUT;
                    op->call.out_size = 0;
                    advance(engine, op, NULL, 0, NULL);
                }
                wf_lock_acquire(engine->lock);
                continue;
            }
        }
        /* INTERRUPTs first, as the Linux client hands them out; then those owed for
           requests given up on. */
        *len = engine->interrupt_head ?
            wf_interrupt_take_locked(engine, now, buf, cap) : 0;
        if (!*len && engine->zombies)
            *len = wf_zombie_take_interrupt_locked(engine, buf, cap);
        if (*len) {
            wf_lock_release(engine->lock);
            return STATUS_SUCCESS;
        }
        wf_op *op = pop(&engine->ready_head, &engine->ready_tail);
        if (op) {
            wf_lock_release(engine->lock);
            wf_hand_out result = hand_out(engine, op, buf, cap, len);
            if (result == WF_HANDED_OUT)
                return STATUS_SUCCESS;
            op->call.error = result == WF_HAND_OUT_DEAD ? WF_ERR_DISCONNECTED : WF_ERR_TOO_BIG;
            advance(engine, op, buf, cap, len);
            if (*len)
                return STATUS_SUCCESS;
            wf_lock_acquire(engine->lock);
            continue;
        }
        if (engine->state != WF_ENGINE_STARTING && forgets_due(engine, now)) {
            wf_lock_release(engine->lock);
            *len = emit_forgets(engine, buf, cap);
            if (*len)
                return STATUS_SUCCESS;
            wf_lock_acquire(engine->lock);
            continue;
        }
        if (engine->state == WF_ENGINE_RUNNING && engine->new_head) {
            op = pop(&engine->new_head, &engine->new_tail);
            engine->pending_count--;
            wf_lock_release(engine->lock);
            advance(engine, op, buf, cap, len);
            if (*len)
                return STATUS_SUCCESS;
            wf_lock_acquire(engine->lock);
            continue;
        }
        if (engine->state == WF_ENGINE_SHUTTING_DOWN && !engine->destroy_sent &&
            engine->inflight_count == 0 && !engine->ready_head && engine->params.no_destroy) {
            /* Drained, and the FORGETs went out just above: the end of the channel is
               what ends this session. */
            engine->state = WF_ENGINE_DEAD;
            wf_event_wake_all(engine->work);
            continue;
        }
        if (engine->state == WF_ENGINE_SHUTTING_DOWN && !engine->destroy_sent &&
            engine->inflight_count == 0 && !engine->ready_head) {
            engine->destroy_sent = true;
            wf_lock_release(engine->lock);
            start_internal(engine, WF_KIND_DESTROY, buf, cap, len);
            if (*len)
                return STATUS_SUCCESS;
            wf_lock_acquire(engine->lock);
            continue;
        }

        if (now - engine->last_sweep_ms >= WF_SWEEP_INTERVAL_MS) {
            engine->last_sweep_ms = now;
            wf_cache_sweep(engine->cache, now);
            if (engine->state != WF_ENGINE_STARTING && forgets_due(engine, now))
                continue;
        }
        uint64_t waited = now - start;
        if (timeout_ms == 0 || (timeout_ms != UINT32_MAX && waited >= timeout_ms)) {
            wf_lock_release(engine->lock);
            return STATUS_SUCCESS;
        }
        wf_event_wait(engine->work, engine->lock, wait_ms_locked(engine, now, waited, timeout_ms));
    }
}

static NTSTATUS transact(wf_engine *engine, const void *reply, size_t reply_len, bool own,
    void *request, size_t request_cap, size_t *request_len, uint32_t timeout_ms)
{
    size_t len = 0;
    if (request_len)
        *request_len = 0;
    if (request && (request_cap < engine->params.max_message || !request_len))
        return STATUS_BUFFER_TOO_SMALL;

    wf_op *finished = NULL;
    if (reply) {
        wf_op *op;
        NTSTATUS status = receive(engine, reply, reply_len, own, &op);
        if (op) {
            /* A refused reply takes no request out with it (callers may drop what a
               failing call returns): what its operation sends next waits in the queue. */
            if (NT_SUCCESS(status))
                advance_finishing(engine, op, request, request_cap, &len, &finished);
            else
                advance(engine, op, NULL, 0, NULL);
            if (request_len)
                *request_len = len;
        }
        if (!NT_SUCCESS(status) || len || !request) {
            ops_finished(engine, finished);
            return status;
        }
    }
    if (!request)
        return STATUS_SUCCESS;
    NTSTATUS status = next_request(engine, request, request_cap, &len, timeout_ms, finished);
    *request_len = len;
    return status;
}

NTSTATUS wf_engine_transact(wf_engine *engine,
    const void *reply, size_t reply_len,
    void *request, size_t request_cap, size_t *request_len,
    uint32_t timeout_ms)
{
    return transact(engine, reply, reply_len, false, request, request_cap, request_len,
        timeout_ms);
}

NTSTATUS wf_engine_transact_own(wf_engine *engine,
    const void *reply, size_t reply_len,
    void *request, size_t request_cap, size_t *request_len,
    uint32_t timeout_ms)
{
    return transact(engine, reply, reply_len, true, request, request_cap, request_len,
        timeout_ms);
}

/* Lifecycle ----------------------------------------------------------------------------- */

void wf_engine_disconnect(wf_engine *engine)
{
    wf_lock_acquire(engine->lock);
    engine->state = WF_ENGINE_DEAD;
    wf_op *resume = engine->ready_head, *unstarted = engine->new_head;
    engine->ready_head = engine->ready_tail = NULL;
    engine->new_head = engine->new_tail = NULL;
    engine->pending_count = 0;
    for (uint32_t b = 0; b < engine->inflight_buckets; b++) {
        while (engine->inflight[b]) {
            wf_op *op = engine->inflight[b];
            engine->inflight[b] = op->next;
            op->next = resume;
            resume = op;
        }
    }
    engine->inflight_count = 0;
    engine->next_deadline_ms = 0;
    wf_interrupt_clear_locked(engine);
    wf_zombie_clear_locked(engine);
    wf_event_wake_all(engine->work);
    wf_lock_release(engine->lock);

    /* Every operation that was waiting on the file system sees it gone and ends through
       its own code; the ones never started end at once. */
    for (wf_op *op = resume, *next; op; op = next) {
        next = op->next;
        op->call.error = WF_ERR_DISCONNECTED;
        op->call.out_size = 0;
        advance(engine, op, NULL, 0, NULL);
    }
    for (wf_op *op = unstarted, *next; op; op = next) {
        next = op->next;
        op_abort_unstarted(engine, op, STATUS_CONNECTION_DISCONNECTED);
    }
}

void wf_engine_shutdown(wf_engine *engine)
{
    wf_lock_acquire(engine->lock);
    wf_op *unstarted = NULL;
    if (engine->state == WF_ENGINE_STARTING || engine->state == WF_ENGINE_RUNNING) {
        /* Without INIT out there is no session to end: no DESTROY either. Requests queued
           for INIT are refused in both cases. */
        engine->state = engine->init_sent ? WF_ENGINE_SHUTTING_DOWN : WF_ENGINE_DEAD;
        unstarted = engine->new_head;
        engine->new_head = engine->new_tail = NULL;
        engine->pending_count = 0;
    }
    wf_event_wake_all(engine->work);
    wf_lock_release(engine->lock);
    for (wf_op *op = unstarted, *next; op; op = next) {
        next = op->next;
        op_abort_unstarted(engine, op, STATUS_CONNECTION_DISCONNECTED);
    }
}
