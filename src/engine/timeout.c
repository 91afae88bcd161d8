/* timeout.c — requests given up on (a timeout, or a cancellation's grace): the zombie that
   keeps each one's unique until its reply comes, and what a late reply granted given back
   (FORGET of its entries, RELEASE of its handle), as the Linux client does for replies
   nobody takes. */
#include "engine/dirent.h"
#include "engine/engine_internal.h"
#include "winfuse/mappings.h"

/* A FUSE request given up on: enough to recognise its reply and undo what it grants. */
typedef struct wf_zombie {
    struct wf_zombie *next;
    uint64_t unique;
    uint64_t nodeid;            /* the request's node (OPEN's, for the RELEASE) */
    uint32_t opcode;
    uint32_t open_flags;        /* OPEN/OPENDIR/CREATE: the flags the RELEASE repeats */
    bool interrupt_owed;        /* its INTERRUPT is still to go out */
} wf_zombie;

void wf_timeout_arm_locked(wf_engine *engine, wf_op *op, uint64_t now_ms)
{
    uint64_t deadline = 0;
    /* INIT and DESTROY have the host's own bounds (the mount's INIT wait, the unmount's
       drain). */
    bool timed = op->kind != WF_KIND_INIT && op->kind != WF_KIND_DESTROY;
    if (timed && engine->params.request_timeout_ms)
        deadline = now_ms + engine->params.request_timeout_ms;
    if (op->cancel_deadline_ms && (!deadline || op->cancel_deadline_ms < deadline))
        deadline = op->cancel_deadline_ms;
    op->deadline_ms = deadline;
    if (deadline && (!engine->next_deadline_ms || deadline < engine->next_deadline_ms)) {
        /* A waiting transact caller may be asleep for longer: it must look again. */
        engine->next_deadline_ms = deadline;
        wf_event_wake_one(engine->work);
    }
}

void wf_zombie_add_locked(wf_engine *engine, wf_op *op)
{
    engine->timeouts++;
    wf_zombie *zombie = wf_mem_alloc(sizeof *zombie);
    if (!zombie)
        return;     /* its late reply will be an unknown one: counted, dropped */
    wf_mem_set(zombie, 0, sizeof *zombie);
    zombie->unique = op->unique;
    zombie->nodeid = op->call.nodeid;
    zombie->opcode = op->call.opcode;
    if ((zombie->opcode == FUSE_OPEN || zombie->opcode == FUSE_OPENDIR ||
            zombie->opcode == FUSE_CREATE) && op->call.in_count &&
        op->call.in[0].size >= sizeof(uint32_t))
        wf_mem_copy(&zombie->open_flags, op->call.in[0].value, sizeof(uint32_t));
    /* As the Linux client when a request is abandoned: the file system may stop working
       on it. Not twice, not to a file system that refused INTERRUPT, and never for a
       RELEASE, which the Linux client sends in the background and never interrupts. */
    zombie->interrupt_owed = !wf_interrupts_refused_locked(engine) &&
        op->interrupted_unique != op->unique && zombie->opcode != FUSE_RELEASE &&
        zombie->opcode != FUSE_RELEASEDIR;
    zombie->next = engine->zombies;
    engine->zombies = zombie;
    engine->zombie_count++;
}

size_t wf_zombie_take_interrupt_locked(wf_engine *engine, void *buf, size_t cap)
{
    wf_zombie *zombie = engine->zombies;
    while (zombie && !zombie->interrupt_owed)
        zombie = zombie->next;
    if (!zombie || cap < sizeof(struct fuse_in_header) + sizeof(struct fuse_interrupt_in))
        return 0;
    zombie->interrupt_owed = false;
    if (wf_interrupts_refused_locked(engine))
        return 0;
    return wf_interrupt_emit_locked(engine, zombie->unique, buf, cap);
}

void wf_zombie_clear_locked(wf_engine *engine)
{
    while (engine->zombies) {
        wf_zombie *zombie = engine->zombies;
        engine->zombies = zombie->next;
        wf_mem_free(zombie);
    }
    engine->zombie_count = 0;
}

/* A node a reply counted a lookup of, and nobody took: FORGET it (never the root). */
static void forget_entry(wf_engine *engine, uint64_t nodeid)
{
    if (nodeid && nodeid != FUSE_ROOT_ID)
        wf_cache_forget_unused(engine->cache, nodeid, 1);
}

/* Every entry of a READDIRPLUS reply counts a lookup, "." and ".." aside; a malformed
   record ends the walk (what follows it cannot be found). */
static void forget_listing(wf_engine *engine, const uint8_t *body, uint32_t size)
{
    wf_dirent d;
    for (uint32_t pos = 0; pos < size; pos += d.reclen) {
        /* Longer than any name Linux passes (its FUSE_NAME_MAX): malformed here too. */
        if (!wf_dirent_at(body, pos, size, true, &d) || d.namelen > 1024)
            return;
        if (!wf_name_is_dot_or_dotdot(d.name, d.namelen)) {
            uint64_t nodeid;    /* copied: a reply body need not be aligned */
            wf_mem_copy(&nodeid, body + pos + offsetof(struct fuse_entry_out, nodeid),
                sizeof nodeid);
            forget_entry(engine, nodeid);
        }
    }
}

bool wf_zombie_reply(wf_engine *engine, const struct fuse_out_header *header,
    const uint8_t *body, uint32_t body_size, wf_op **give_back)
{
    *give_back = NULL;
    wf_lock_acquire(engine->lock);
    wf_zombie **link = &engine->zombies;
    while (*link && (*link)->unique != header->unique)
        link = &(*link)->next;
    wf_zombie *zombie = *link;
    if (zombie) {
        *link = zombie->next;
        engine->zombie_count--;
        engine->late_replies++;
    }
    wf_lock_release(engine->lock);
    if (!zombie)
        return false;

    uint64_t nodeid = 0, fh = 0;
    bool opened = false;
    if (header->error == 0) {
        struct fuse_entry_out entry;
        struct fuse_open_out open;
        switch (zombie->opcode) {
        case FUSE_LOOKUP: case FUSE_MKNOD: case FUSE_MKDIR: case FUSE_SYMLINK: case FUSE_LINK:
            if (body_size == sizeof entry) {
                wf_mem_copy(&entry, body, sizeof entry);
                forget_entry(engine, entry.nodeid);
            }
            break;
        case FUSE_CREATE:
            if (body_size == sizeof entry + sizeof open) {
                wf_mem_copy(&entry, body, sizeof entry);
                wf_mem_copy(&open, body + sizeof entry, sizeof open);
                nodeid = entry.nodeid;
                fh = open.fh;
                opened = nodeid != 0;
            }
            break;
        case FUSE_OPEN: case FUSE_OPENDIR:
            if (body_size == sizeof open) {
                wf_mem_copy(&open, body, sizeof open);
                nodeid = zombie->nodeid;
                fh = open.fh;
                opened = true;
            }
            break;
        case FUSE_READDIRPLUS:
            forget_listing(engine, body, body_size);
            break;
        default:
            break;
        }
    }
    if (opened) {
        wf_op *op = wf_engine_internal_op(engine, WF_KIND_GIVE_BACK);
        if (op) {
            op->st.give_back.nodeid = nodeid;
            op->st.give_back.fh = fh;
            op->st.give_back.flags = zombie->open_flags;
            op->st.give_back.directory = zombie->opcode == FUSE_OPENDIR;
            op->st.give_back.forget = zombie->opcode == FUSE_CREATE;    /* then FORGET the node */
            *give_back = op;
        } else if (zombie->opcode == FUSE_CREATE) {
            forget_entry(engine, nodeid);
        }
    }
    wf_mem_free(zombie);
    return true;
}

/* RELEASE (RELEASEDIR) of the handle a late OPEN or CREATE reply opened, then, for a
   CREATE, the FORGET of its entry: the handle goes before the node, as on close. */
wf_step wf_op_give_back(wf_op *op)
{
    WF_CORO_BEGIN(op);
    wf_release_fh_call(op, op->st.give_back.nodeid, op->st.give_back.fh,
        op->st.give_back.flags, op->st.give_back.directory);
    WF_AWAIT_REPLY(op);
    if (op->st.give_back.forget)
        forget_entry(op->engine, op->st.give_back.nodeid);
    WF_CORO_END(op);
}
