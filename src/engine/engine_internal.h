/* engine_internal.h — what the parts of the engine share: the instance, the operation
   context and the uniform description of a FUSE request. */
#ifndef WINFUSE_ENGINE_INTERNAL_H
#define WINFUSE_ENGINE_INTERNAL_H

#include "winfuse/engine.h"
#include "winfuse/fuse_abi.h"
#include "engine/cache.h"
#include "engine/coro.h"
#include "platform/platform.h"

/* Longest FUSE name we send: 255 UTF-16 units can take 3 bytes each in UTF-8. */
#define WF_NAME_MAX 768u
/* Longest name component NTFS takes, in UTF-16 units [MS-FSCC 2.1.5.2]. */
#define WF_NAME_UNITS_MAX 255u

/* One FUSE request as operations describe it (after the Linux client's fuse_args): the
   queue, the transport and the reply checks are written once, in fuse_call.c. */
typedef struct wf_fuse_arg {
    const void *value;
    uint32_t size;
} wf_fuse_arg;

typedef struct wf_fuse_out_arg {
    void *value;
    uint32_t size;
} wf_fuse_out_arg;

typedef struct wf_fuse_call {
    uint32_t opcode;
    uint64_t nodeid;
    uint32_t in_count;
    wf_fuse_arg in[3];
    uint32_t out_count;
    wf_fuse_out_arg out[2];
    bool out_variable;      /* the last out argument may come back shorter */
    bool no_reply;          /* FORGET, BATCH_FORGET */
    /* filled from the reply */
    int32_t error;          /* 0, or the positive errno the file system answered */
    uint32_t out_size;      /* body bytes received */
} wf_fuse_call;

typedef struct wf_op wf_op;
typedef wf_step wf_op_fn(wf_op *op);

/* An open file or directory: the WinFsp per-handle context (UserContext2). */
typedef struct wf_file {
    uint32_t magic;
    struct wf_file *prev, *next;    /* the engine's open files, freed at delete if left */
    bool is_directory;
    bool has_fh;            /* OPEN/OPENDIR succeeded (not ENOSYS-skipped, not metadata-only) */
    uint32_t open_flags;    /* O_RDONLY/O_WRONLY/O_RDWR as sent */
    uint32_t fopen_flags;   /* FOPEN_* from the file system */
    uint64_t fh;
    wf_node *node;          /* referenced */
    wf_node *parent;        /* referenced; for ".." in directory listings */
    /* The opener (access.c): every request on the handle acts for it, as Linux's file
       operations run with the opener's credentials. */
    wf_identity identity;
    bool access_check;      /* its rights were checked at open; a rename checks again */
    bool traverse_check;    /* the opener had no traverse privilege */
    /* A directory's path as it was opened (owned; link.c): its listings find where the
       symbolic links in it lead from there. */
    uint16_t *path;
    uint32_t path_units;
    /* The rest of a READDIR(PLUS) reply a listing could not fit (owned; op_dir.c): the
       next QueryDirectory resuming at dir_resume takes it up without a round trip. */
    uint8_t *dirbuf;
    uint32_t dirbuf_size, dir_pos, dir_end;
    uint64_t dir_resume;
    /* A write through it (or through its stream) has set ARCHIVE, or found it set
       (dos.c, wf_dos_mark_archive): once per handle, as Samba marks a handle modified
       once. */
    bool archive_marked;
    /* A named stream's handle (stream.c): its xattr name, NUL-terminated (owned), or NULL
       for the file itself. The node is the file's. */
    char *stream;
} wf_file;

#define WF_FILE_MAGIC 0x57464649u   /* "WFFI" */

/* One WinFsp request in progress. Everything a coroutine keeps across a round trip lives
   here, in four parts:
   - the core (every request; at most WF_OP_CORE_MAX bytes, asserted below): queueing, the
     FUSE request out now, cancellation and timeouts, the caller's identity, the coroutine
     stack, and the target's node, parent and handle;
   - the path state of the operations that name a file: its attributes, the walk, the name
     being looked up, the directories the access checks saw;
   - `st`, one struct per operation kind for what only that kind keeps (never two at once:
     a nested coroutine keeps its state in the path state or in an allocated context);
   - `u`, the in and out bodies of the FUSE request out now (one per opcode).
   What op_reset (engine.c) need not clear comes first: the two name buffers and the access
   checks' directory attributes of the path state, then the caller's identity of the core
   (op_new sets all of it but the groups past its count, which nothing reads); op_reset
   clears everything after, and the response's header that follows the op, in one call.
   The state of the EA operations (op_ea.c), of the link operations (link.c) and of
   case-insensitive lookups (walk.c) is allocated on first use, as few requests need it. */
struct wf_op {
    /* --- path state: the names (never cleared; each NUL-terminated and measured by whoever
       writes it) --- */
    char name[WF_NAME_MAX + 1];     /* the component being looked up */
    /* Rename, Link (op_rename.c): the source's last component (in node2). */
    char name2[WF_NAME_MAX + 1];
    /* The access checks (access.c): a directory's attributes, as they last saw them; read
       only when dir_attr_nodeid (cleared) names the node they are wanted for. */
    struct fuse_attr dir_attr;

    /* --- core --- */
    /* Who the request acts for (access.c, set at submit): put in the fuse_in_header of each
       request it sends. op_new sets uid, gid, pid and group_count; op_reset clears from
       privileged on. */
    wf_identity identity;
    wf_op *next;                /* queue or in-flight chain */
    wf_engine *engine;
    uint64_t unique;
    uint32_t kind;              /* WinFsp transact kind, or WF_KIND_* for internal ops */
    NTSTATUS status;
    wf_coro coro;               /* resume points of the handler and what it awaits */
    wf_fuse_call call;
    FSP_FSCTL_TRANSACT_RSP *rsp;    /* the response being built, after this struct */
    FSP_FSCTL_TRANSACT_REQ *req;    /* copy of the WinFsp request, after the response */
    /* Cancellation (engine lock): every submitted request is on engine->ops so that its Hint
       finds it whatever its state; a cancelled one has each FUSE request it sends
       interrupted, through the engine's interrupt queue. */
    wf_op *ops_prev, *ops_next;
    bool on_ops;
    bool pooled;                /* the block goes back to the engine's pool (op_pool.c) */
    bool cancel_requested;
    bool interrupt_queued;
    wf_op *interrupt_next;
    uint64_t interrupt_unique;  /* the request the queued INTERRUPT names */
    uint64_t interrupt_due_ms;  /* not before (a resend after EAGAIN waits a little) */
    uint64_t interrupted_unique;    /* the last request an INTERRUPT went out for */
    /* Timeouts (timeout.c, engine lock): when the FUSE request out now is given up (0:
       never), and the deadline a cancellation with a grace set for every request of op. */
    uint64_t deadline_ms;
    uint64_t cancel_deadline_ms;
    /* What is checked (access.c, set at submit). */
    NTSTATUS identity_status;   /* the token could not be resolved: the request fails */
    bool access_check;          /* check the caller's rights before asking */
    bool traverse_check;        /* ... and x on each directory the walk looks into */
    bool attr_fresh;            /* op->attr came from a reply of this operation */
    bool attr_cached;           /* op->attr is the cache's, valid, read with op->node's
                                   lookup just now: the next wf_getattr takes it */
    wf_node *node;              /* referenced: where the walk is, or the target */
    wf_node *parent;            /* referenced: the target's parent, when known */
    wf_node *node2;             /* referenced: a second node (rename's first parent, a
                                   listed entry) */
    wf_file *file;
    uint8_t *dirbuf;            /* a READDIR or LISTXATTR reply, owned */
    uint32_t dirbuf_size;
    struct wf_link_ctx *link;   /* link.c, allocated on first use; freed with the op */
    struct wf_ea_ctx *ea;       /* op_ea.c, allocated on first use; freed with the op */

    /* --- path state --- */
    struct fuse_attr attr;      /* op->node's attributes */
    uint32_t walk_pos;          /* index into the UTF-16 FileName */
    bool walk_last;             /* the component being looked up is the last one */
    bool walk_met;              /* the walk passed through walk_avoid */
    uint64_t walk_avoid;        /* a nodeid the walk reports passing through, or 0 */
    uint32_t name_len;
    uint32_t name2_len;
    /* Case-insensitive lookups (walk.c): their state is allocated on a case-insensitive
       volume's first need of it. */
    bool name_folded;           /* op->name became the stored spelling; fold->name was asked */
    struct wf_fold_ctx *fold;
    struct wf_stream_ctx *stream;   /* stream.c, allocated on first use; freed with the op */
    /* The access checks (access.c): a directory's attributes, as they last saw them. */
    uint64_t dir_attr_nodeid;   /* whose attributes dir_attr are (0: none) */
    /* Handles that leave or join the engine's list in the section that ends the op
       (file.c); here, not in the core, as only Close and Create have them. */
    wf_file *file_done;         /* a closed handle to take off the engine's list with op */
    wf_file *file_spare;        /* a Create's handle-to-be, already on the engine's list */

    /* --- per kind --- */
    union {
        struct {                /* Create (op_create.c, access.c) */
            uint32_t rounds;            /* open-or-create attempts so far */
            uint32_t next;              /* where the Create goes on (op_create.c) */
            NTSTATUS ea_failure;        /* why its EAs could not be set (op_ea.c) */
            uint64_t reserved;          /* bytes FALLOCATE reserved */
            uint32_t access_granted;    /* what the check of an existing file granted */
            /* From the security descriptor: the new file's mode, owner and group. */
            bool sd_mode_set, sd_uid_set, sd_gid_set;
            uint32_t sd_mode, sd_uid, sd_gid;
        } create;
        struct {                /* Read, Write (op_read.c, op_write.c) */
            uint64_t offset;            /* where a write goes, append resolved */
            uint64_t length;            /* what is written, after the paging clamp */
            uint32_t done;              /* bytes transferred so far */
            uint32_t chunk;             /* size of the request out now */
        } io;
        struct {                /* QueryDirectory (op_dir.c) */
            uint32_t done;              /* bytes of the response filled */
            uint32_t dots;              /* of which the engine's "." and ".." */
            uint32_t pos, end;          /* cursor into dirbuf */
            uint64_t offset;            /* the READDIR offset after the last entry taken */
            uint64_t marker;            /* the NextOffset of the last entry listed */
            uint64_t asked;             /* the offset the last READDIR asked from */
            bool saved;                 /* the listing resumed a handle's saved reply */
            bool listed;                /* the entry at pos is to be listed */
            uint32_t next;              /* where the listing goes on (op_dir.c) */
            uint32_t units;             /* its name's UTF-16 units, already in place */
        } dir;
        struct {                /* Overwrite (op_write.c) */
            bool dos_written;           /* user.DOSATTRIB was written (dos.c) */
        } overwrite;
        struct {                /* Disposition: the directory emptiness probe (op_delete.c) */
            uint64_t offset;
            uint32_t rounds;
        } probe;
        struct {                /* Rename, Link (op_rename.c, access.c) */
            uint64_t target;            /* the existing target's nodeid, 0: absent/unknown */
            uint32_t flags;             /* WF_TARGET_KNOWN, WF_RENAME2_EINVAL */
            struct fuse_attr node_attr; /* the handle's node's attributes */
        } rename;
        struct {                /* the RELEASE of a late-opened handle (timeout.c) */
            uint64_t nodeid, fh;
            uint32_t flags;
            bool directory;             /* RELEASEDIR */
            bool forget;                /* then FORGET the node (a late CREATE) */
        } give_back;
    } st;

    /* --- the FUSE request's bodies --- */
    union {
        struct { struct fuse_init_in in; struct fuse_init_out out; } init;
        struct { struct fuse_entry_out out; } lookup;
        struct { struct fuse_getattr_in in; struct fuse_attr_out out; } getattr;
        struct { struct fuse_open_in in; struct fuse_open_out out; } open;
        struct { struct fuse_read_in in; } read;
        struct { struct fuse_release_in in; } release;
        struct { struct fuse_flush_in in; } flush;
        struct { struct fuse_statfs_out out; } statfs;
        struct { struct fuse_entry_out out; } entry;
        struct { struct fuse_setattr_in in; struct fuse_attr_out out; } setattr;
        struct { struct fuse_create_in in; struct fuse_entry_out entry;
                 struct fuse_open_out open; } create;
        struct { struct fuse_mkdir_in in; struct fuse_entry_out out; } mkdir;
        struct { struct fuse_mknod_in in; struct fuse_entry_out out; } mknod;
        struct { struct fuse_write_in in; struct fuse_write_out out; } write;
        struct { struct fuse_rename2_in in; } rename;
        struct { struct fuse_link_in in; struct fuse_entry_out out; } link;
        struct { struct fuse_fsync_in in; } fsync;
        struct { struct fuse_fallocate_in in; } fallocate;
        struct { struct fuse_syncfs_in in; } syncfs;
        struct { struct fuse_getxattr_in in; uint8_t value[64]; } getxattr;   /* dos.c */
        struct { struct fuse_setxattr_in in; uint8_t value[24]; } setxattr;   /* dos.c */
    } u;
};

/* The core every request carries, whatever its kind (docs/engine.md, "Operations"); the
   debug build's coroutine owners are not counted (the NT build asserts without them). */
#define WF_OP_CORE_MAX 512u
_Static_assert(offsetof(struct wf_op, attr) - offsetof(struct wf_op, identity) -
    WF_CORO_DEBUG_BYTES <= WF_OP_CORE_MAX,
    "wf_op's core outgrew 512 bytes");


/* What a case-insensitive lookup keeps across round trips (walk.c). */
typedef struct wf_fold_ctx {
    bool found, has_fh;
    int32_t error;              /* what ended a scan, when the lookup must report it */
    uint64_t fh, offset;
    char name[WF_NAME_MAX + 1]; /* the stored spelling found, or the one asked */
    uint32_t name_len;
} wf_fold_ctx;

/* op->fold, allocated if it is not yet; false without memory. */
bool wf_fold_get(wf_op *op);

/* Internal operation kinds, beyond WinFsp's. */
enum {
    WF_KIND_INIT = FspFsctlTransactKindCount + 1,
    WF_KIND_DESTROY,
    WF_KIND_GIVE_BACK,      /* RELEASE of what a late reply opened (timeout.c) */
};

typedef enum wf_engine_state {
    WF_ENGINE_STARTING,     /* INIT not yet answered */
    WF_ENGINE_RUNNING,
    WF_ENGINE_SHUTTING_DOWN,    /* draining, then DESTROY (or, no_destroy, dead) */
    WF_ENGINE_DEAD,         /* disconnected, refused, or destroyed */
} wf_engine_state;

/* Free request blocks kept per engine (op_pool.c): enough for the requests of a few busy
   threads at once. */
#define WF_OP_POOL_MAX 16u

struct wf_engine {
    wf_engine_params params;
    wf_lock *lock;
    wf_event *work;             /* signalled when a request may be ready to hand out */
    wf_cache *cache;
    wf_engine_state state;
    bool initialized;           /* INIT reply accepted */
    bool init_sent, destroy_sent;
    uint32_t fs_major, fs_minor;    /* what the file system answered, even if refused */
    NTSTATUS init_status;
    uint64_t next_unique;
    /* queues */
    wf_op *new_head, *new_tail;     /* WinFsp requests not yet started */
    wf_op *ready_head, *ready_tail; /* operations with a FUSE request to hand out */
    wf_op **inflight;               /* hash by unique */
    wf_file *files;                 /* open handles */
    wf_file *free_files;            /* closed handles kept for reuse (file.c), by next */
    uint32_t free_file_count;
    uint32_t inflight_buckets, inflight_count, pending_count;
    uint64_t last_sweep_ms;
    uint64_t forgets_since_ms;      /* when FORGETs started waiting to go out; 0: none */
    /* negotiated */
    uint32_t minor;
    uint64_t flags;
    uint32_t max_write, max_pages, max_readahead, time_gran;
    uint32_t read_size, write_size;
    uint64_t enosys[2];             /* memo: opcodes answered ENOSYS (bit per opcode < 128) */
    /* user.DOSATTRIB is not used: turned off, or the file system has no xattrs (dos.c). */
    bool dosattrib_off;
    /* Named streams are not used: turned off, or the file system has no xattrs (stream.c). */
    bool streams_off;
    /* The volume label: FUSE has none, so it lives here for the session (op_volume.c). */
    uint16_t volume_label[32];
    uint16_t volume_label_size;     /* bytes */
    /* counters */
    uint64_t requests_sent, replies_received, bad_replies, unknown_replies, notifications;
    uint64_t changes_reported, changes_unnamed;     /* notify.c, under the lock */
    uint64_t forgets_sent, bad_names;
    uint64_t sent_by_opcode[64];
    /* cancellation (cancel.c) */
    wf_op *ops;                     /* submitted WinFsp requests in progress */
    wf_op *interrupt_head, *interrupt_tail;    /* INTERRUPTs to hand out, first */
    /* timeouts (timeout.c) */
    uint64_t next_deadline_ms;      /* no in-flight request expires before (0: none can) */
    struct wf_zombie *zombies;      /* requests given up on, their uniques kept */
    uint32_t zombie_count;
    uint64_t timeouts, late_replies;
    /* free request blocks (op_pool.c): each slot holds one or is NULL; taken and given
       with atomic exchanges, no lock */
    wf_op *pool[WF_OP_POOL_MAX];
    size_t pool_block_size;         /* wf_op_pool_block_size(), kept at create */
};

/* op_pool.c: blocks of wf_op_pool_block_size() bytes, uncleared, reused; a block whose
   request or response needs more is allocated and freed on its own (wf_op.pooled). No
   lock: callable from any thread. */
size_t wf_op_pool_block_size(void);
void *wf_op_pool_take(wf_engine *engine);
void wf_op_pool_give(wf_engine *engine, wf_op *op);
void wf_op_pool_clear(wf_engine *engine);

/* fuse_call.c */
void wf_call_begin(wf_op *op, uint32_t opcode, uint64_t nodeid);
void wf_call_in(wf_op *op, const void *value, uint32_t size);
void wf_call_out(wf_op *op, void *value, uint32_t size);
/* Writes the request into buf; returns its length, or 0 when it does not fit. */
uint32_t wf_call_serialize(const wf_fuse_call *call, uint64_t unique,
    uint32_t uid, uint32_t gid, uint32_t pid, void *buf, size_t cap);
/* Checks a reply against the call and copies its body into the out arguments. */
NTSTATUS wf_call_deliver(wf_fuse_call *call, const struct fuse_out_header *header,
    const uint8_t *body, uint32_t body_size);

/* Errors an operation sees in op->call.error besides the file system's own errnos. */
#define WF_ERR_BAD_REPLY     0x10001    /* the reply was malformed: STATUS_IO_DEVICE_ERROR */
#define WF_ERR_DISCONNECTED  0x10002    /* the file system is gone */
#define WF_ERR_TOO_BIG       0x10003    /* the request does not fit the transport */
#define WF_ERR_TIMEOUT       0x10004    /* given up on (timeout.c): STATUS_IO_TIMEOUT, or
                                           STATUS_CANCELLED after a cancellation */

/* engine.c */
bool wf_engine_enosys(wf_engine *engine, uint32_t opcode);
void wf_engine_count_bad_reply(wf_engine *engine);
/* A listed name that cannot be a Windows name (not UTF-8, or containing '/' or NUL). */
void wf_engine_count_bad_name(wf_engine *engine);
void wf_engine_note_enosys(wf_engine *engine, uint32_t opcode);
/* The host's clock (params.clock), or the platform's: the engine reads time only here. */
uint64_t wf_engine_now(const wf_engine *engine);
/* The operation whose FUSE request with this unique is out, or NULL; lock held. */
wf_op *wf_engine_inflight_find_locked(wf_engine *engine, uint64_t unique);
/* Completes a request that never started (taken off the new queue) with status. */
void wf_engine_abort_unstarted(wf_engine *engine, wf_op *op, NTSTATUS status);

/* notify.c: a notification (unique 0, its code in the error field) and its body. Returns
   STATUS_INVALID_PARAMETER, counted as a bad reply, when it is malformed. */
NTSTATUS wf_engine_notify(wf_engine *engine, int32_t code, const uint8_t *body, uint32_t size);

/* cancel.c: the INTERRUPT queue, under the engine lock unless said otherwise. */
#define WF_UNIQUE_INTERRUPT 1u      /* FUSE_INT_REQ_BIT: the low bit of an INTERRUPT's unique */
/* The file system answered INTERRUPT with ENOSYS: none is sent again. */
bool wf_interrupts_refused_locked(const wf_engine *engine);
/* Writes FUSE_INTERRUPT for the request unique into buf and counts it; 0 if it does not fit. */
size_t wf_interrupt_emit_locked(wf_engine *engine, uint64_t unique, void *buf, size_t cap);
/* op's request (op->unique, just put in flight) is to be interrupted from due_ms on. */
void wf_interrupt_queue_locked(wf_engine *engine, wf_op *op, uint64_t due_ms);
/* op's request is answered or op is going away: its INTERRUPT, if still queued, is dropped. */
void wf_interrupt_dequeue_locked(wf_engine *engine, wf_op *op);
void wf_interrupt_clear_locked(wf_engine *engine);
/* Writes the first INTERRUPT due by now_ms into buf; returns its length, or 0. */
size_t wf_interrupt_take_locked(wf_engine *engine, uint64_t now_ms, void *buf, size_t cap);
/* Milliseconds until a queued INTERRUPT is due (UINT32_MAX: none queued). */
uint32_t wf_interrupt_wait_ms_locked(wf_engine *engine, uint64_t now_ms);
/* The file system's answer to an INTERRUPT (unique with the low bit set), without the lock:
   ENOSYS is remembered, EAGAIN resends. */
NTSTATUS wf_interrupt_reply(wf_engine *engine, const struct fuse_out_header *header,
    size_t body_size);

/* timeout.c: requests given up on. Under the engine lock unless said otherwise. */
/* op's request just went out (op->unique in flight): sets its deadline. */
void wf_timeout_arm_locked(wf_engine *engine, wf_op *op, uint64_t now_ms);
/* op's request is given up: a zombie keeps its unique (and sends its INTERRUPT unless one
   went out for it already) until the reply comes or the channel ends. */
void wf_zombie_add_locked(wf_engine *engine, wf_op *op);
/* Writes the first INTERRUPT a zombie still owes into buf; returns its length, or 0. */
size_t wf_zombie_take_interrupt_locked(wf_engine *engine, void *buf, size_t cap);
/* Frees every zombie (the channel ended). */
void wf_zombie_clear_locked(wf_engine *engine);
/* Without the lock: a reply whose unique is no request in flight. False when it is no
   zombie's either. Else the zombie is gone, and what the reply granted is given back: its
   entries FORGETs (queued), its open handle a RELEASE, whose operation comes back in
   *give_back to be started (NULL when there is none). */
bool wf_zombie_reply(wf_engine *engine, const struct fuse_out_header *header,
    const uint8_t *body, uint32_t body_size, wf_op **give_back);
wf_step wf_op_give_back(wf_op *op);
/* engine.c: a new internal operation of that kind, not started; NULL without memory. */
wf_op *wf_engine_internal_op(wf_engine *engine, uint32_t kind);

#include "engine/access.h"

/* ops: the one table of WinFsp request kinds (op_table.c), read in place by op_run, as a
   call for each step of each request cost more than the step's dispatch itself. */
typedef struct wf_op_kind {
    wf_op_fn *handler;
    const char *name;
} wf_op_kind;
extern const wf_op_kind wf_op_kinds[FspFsctlTransactKindCount];
wf_op_fn *wf_op_handler(uint32_t kind);
const char *wf_op_kind_name(uint32_t kind);
wf_step wf_op_init(wf_op *op);
wf_step wf_op_destroy(wf_op *op);
wf_step wf_op_create(wf_op *op);
wf_step wf_op_cleanup(wf_op *op);
wf_step wf_op_close(wf_op *op);
wf_step wf_op_read(wf_op *op);
wf_step wf_op_query_information(wf_op *op);
wf_step wf_op_query_volume_information(wf_op *op);
wf_step wf_op_query_directory(wf_op *op);
wf_step wf_op_overwrite(wf_op *op);             /* op_write.c */
wf_step wf_op_write(wf_op *op);                 /* op_write.c */
wf_step wf_op_set_information(wf_op *op);       /* op_setinfo.c: dispatches by class */
wf_step wf_setinfo_basic(wf_op *op);            /* op_setattr.c */
wf_step wf_setinfo_allocation(wf_op *op);       /* op_setattr.c */
wf_step wf_setinfo_end_of_file(wf_op *op);      /* op_setattr.c */
wf_step wf_setinfo_disposition(wf_op *op);      /* op_delete.c: both Disposition classes */
wf_step wf_setinfo_rename(wf_op *op);           /* op_rename.c: both Rename classes */
wf_step wf_setinfo_link(wf_op *op);             /* op_rename.c */
wf_step wf_op_flush_buffers(wf_op *op);         /* op_flush.c */
wf_step wf_op_set_volume_information(wf_op *op);    /* op_volume.c */
wf_step wf_op_file_system_control(wf_op *op);   /* op_reparse.c: reparse point FSCTLs */
wf_step wf_op_query_security(wf_op *op);        /* op_security.c */
wf_step wf_op_set_security(wf_op *op);          /* op_security.c */
/* engine.c: the bytes of Buffer[] a response of this kind has room for (QuerySecurity,
   QueryEa, SetEa, FileSystemControl: FSP_FSCTL_TRANSACT_RSP_BUFFER_SIZEMAX; others 0). A handler
   that fills it sets rsp->Size to sizeof(FSP_FSCTL_TRANSACT_RSP) + the bytes used. */
uint32_t wf_op_rsp_buffer_cap(uint32_t kind);
/* op_setattr.c, shared with Overwrite (nested). SETATTR with op->u.setattr.in as
   the caller filled it (FATTR_FH is added when the handle has one); on success the reply's
   attributes are in op->attr and the cache. */
wf_step wf_setattr(wf_op *op, const wf_file *file);
/* FALLOCATE(FALLOC_FL_KEEP_SIZE) of [0, size): a preallocation hint, so it never fails the
   request; a file system that cannot do it is not asked again. */
wf_step wf_preallocate(wf_op *op, const wf_file *file, uint64_t size);
/* The mode after NT file attributes are applied: READONLY clears every write bit; without
   it, replace (supersede, SetBasic) gives the owner write back, merge (overwrite) never
   adds one. Directories keep their mode: READONLY is not mapped on them. */
uint32_t wf_mode_for_attributes(uint32_t mode, uint32_t attributes, bool replace);
/* op_dir.c: a directory handle opened without FILE_LIST_DIRECTORY gets its FUSE handle
   (OPENDIR) before it is read; op->status. Nested. */
wf_step wf_dir_open(wf_op *op, wf_file *file);
/* Describes a READDIR (READDIRPLUS with plus) of directory handle fh of nodeid from offset,
   into op->dirbuf (op->dirbuf_size bytes at most; the reply may be shorter). */
void wf_dir_read_call(wf_op *op, bool plus, uint64_t nodeid, uint64_t fh, uint64_t offset);
/* op_delete.c: the UNLINK / RMDIR a Cleanup with Delete set performs (nested). */
wf_step wf_delete_at_cleanup(wf_op *op, wf_file *file);

/* walk.c: walks op->req's FileName from the root, one LOOKUP per uncached component.
   With to_parent, stops before the last component and leaves it in op->name.
   Leaves op->node referenced (the target or the parent) and op->parent referenced (its
   parent, NULL for the root). op->status says how it went. Nested coroutine. */
wf_step wf_walk(wf_op *op, bool to_parent);
/* As wf_walk, for another path buffer of op->req (a rename's or link's NewFileName). */
wf_step wf_walk_buf(wf_op *op, const FSP_FSCTL_TRANSACT_BUF *name, bool to_parent);
/* Describes LOOKUP of name in nodeid, its entry into *out. */
void wf_lookup_call(wf_op *op, uint64_t nodeid, const char *name, uint32_t name_len,
    struct fuse_entry_out *out);
/* Describes GETATTR of nodeid (with a file's FUSE handle, not a directory's). */
void wf_getattr_call(wf_op *op, uint64_t nodeid, const wf_file *file);
/* Takes its reply for node through the intake (entry.h) into *attr; the status. */
NTSTATUS wf_getattr_take(wf_op *op, wf_node *node, struct fuse_attr *attr);
/* Makes op->attr valid for op->node: from the cache, or GETATTR (nested). */
wf_step wf_getattr(wf_op *op, const wf_file *file);
/* wf_getattr's answers that need neither the cache nor a call: op->attr fresh from a
   reply of this operation, or read with its lookup just now (taken once). A hot caller
   tests this first, and enters wf_getattr only when it fails. */
static inline bool wf_getattr_at_hand(wf_op *op)
{
    if (op->attr_fresh)
        return true;
    if (op->attr_cached) {
        op->attr_cached = false;    /* read with the lookup, one lock round ago */
        return true;
    }
    return false;
}
/* LOOKUP of op->name in op->node, left as a LOOKUP leaves it (op->call.error,
   op->u.lookup.out); nothing is cached. On a case-insensitive volume a name that is not
   there as given is looked for in the directory under case folding (OPENDIR, READDIR,
   RELEASEDIR) and, when found, op->name becomes the stored name (the one asked is kept in
   op->fold->name, name_folded set) and that is looked up. Nested. */
wf_step wf_lookup(wf_op *op);
/* Takes the reply of the LOOKUP wf_lookup made: STATUS_SUCCESS with *child (referenced,
   cached through the entry intake), STATUS_OBJECT_NAME_NOT_FOUND when the name does not
   exist (ENOENT, nodeid 0), STATUS_OBJECT_PATH_NOT_FOUND when op->node is no directory
   (ENOTDIR), else the error as NTSTATUS. */
NTSTATUS wf_lookup_take(wf_op *op, wf_node **child);
/* Back to the spelling asked for, after wf_lookup found the name in another case. */
void wf_lookup_unfold(wf_op *op);
/* On a case-insensitive volume, turns op->name (a last component that a walk to the parent
   left, about to be named in UNLINK, RMDIR or RENAME) into the name the file system stores:
   from the cache, else LOOKUP (cached), else a directory scan. Never fails: a name not
   found is left as it is. Nothing to do, no round trip, on a case-sensitive volume.
   Nested. */
wf_step wf_resolve_leaf(wf_op *op);

/* op_ea.c: QueryEa, SetEa; a Create's and an Overwrite's EA buffer; EaSize. */
wf_step wf_op_query_ea(wf_op *op);
wf_step wf_op_set_ea(wf_op *op);
/* A Create's EA list checked before anything is created (none, or reparse data: success). */
NTSTATUS wf_ea_check_create(wf_op *op);
/* After a Create made op->node (op->file, in op->parent as op->name): sets the EAs of its
   EA buffer; when they cannot be set, removes what was made (RELEASE, UNLINK or RMDIR) and
   frees op->file. op->status says how it went. Nested. */
wf_step wf_ea_create(wf_op *op);
/* Before an Overwrite truncates op->node: removes its EAs (every user.* xattr but
   user.DOSATTRIB) and sets those of the request's EA buffer. op->status. Nested. */
wf_step wf_ea_overwrite(wf_op *op);
/* After the Overwrite's SETATTR: records and reports the EaSize the file now has. */
void wf_ea_overwritten(wf_op *op, FSP_FSCTL_FILE_INFO *info);

/* dos.c: DOS attributes (HIDDEN, SYSTEM, ARCHIVE; READONLY is the mode) and CreationTime in
   Samba's user.DOSATTRIB. None of these fails the request (without the store the volume
   behaves as a file system without it) unless its request ended: the file system gone,
   cancelled, timed out (op->status then says so). */
#define WF_DOS_KEPT (FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM | FILE_ATTRIBUTE_ARCHIVE)
/* Makes op->node's DOS information known for op->attr: GETXATTR unless the cache has it
   for this ctime or the volume has no store. Sets op->status only when its request ended
   (see above). Nested. */
wf_step wf_dos_read(wf_op *op);
/* Stores attributes (WF_DOS_KEPT of them; READONLY mirrored as Samba keeps it) and
   creation (NT time) in op->node's user.DOSATTRIB. SETXATTR moves the ctime: the caller
   gets fresh attributes after it and calls wf_dos_written. Sets op->status only when its
   request ended.
   Nested; its arguments are read only before its request goes out (a resumed call may
   pass anything). */
wf_step wf_dos_write(wf_op *op, uint32_t attributes, uint64_t creation);
/* NTFS sets the file's ARCHIVE when data changes, through any of its streams [MS-FSA
   2.1.4.17], and so does Samba at a handle's first write (mark_file_modified), on a file
   without a value too: once per handle (file->archive_marked), reads the value if it is
   not known for op->attr and stores ARCHIVE where it lacks (with the creation time shown
   until then), then fresh attributes in op->attr. The caller's write has happened and
   stays a success whatever these answer (op->status set only as wf_dos_write sets it).
   Nested. */
wf_step wf_dos_mark_archive(wf_op *op, wf_file *file);
/* Whether user.DOSATTRIB is written on this volume (not off, SETXATTR not refused). */
bool wf_dos_storing(wf_engine *engine);
/* After wf_dos_write, with the request's fresh attributes in op->attr: what was written is
   known for them. */
void wf_dos_written(wf_op *op);
/* The DOS information known for node at attr into info: the kept attributes added, the
   stored creation time instead of the computed one. */
void wf_dos_file_info(wf_engine *engine, const wf_node *node, const struct fuse_attr *attr,
    FSP_FSCTL_FILE_INFO *info);
/* The same from DOS information already read (state as wf_cache_dos). */
void wf_dos_apply(uint8_t state, uint32_t attributes, uint64_t creation,
    const struct fuse_attr *attr, FSP_FSCTL_FILE_INFO *info);
/* The DOS information known for node at attr (state as wf_cache_dos). */
uint8_t wf_dos_known(wf_engine *engine, const wf_node *node, const struct fuse_attr *attr,
    uint32_t *attributes, uint64_t *creation);

/* stream.c: named streams in user.DosStream.NAME:$DATA xattrs, Samba's vfs_streams_xattr
   format (the stream's bytes and one 0 byte). */
/* A Create naming a stream (Req.Create.NamedStream): checks the stream part, keeps it in
   op->stream and turns the request into the Create of the file itself (its name, a
   disposition that opens or makes it). STATUS_SUCCESS also for "::$DATA" (the file itself,
   op->stream stays NULL). */
NTSTATUS wf_stream_prepare(wf_op *op);
/* After the file's Create opened op->file: the stream by its own disposition (GETXATTR,
   SETXATTR of an empty one); on failure op->file is closed and freed. Nested. */
wf_step wf_stream_open(wf_op *op);
/* The handlers' branches for a stream handle (top level, in place of theirs). */
wf_step wf_stream_read(wf_op *op);
wf_step wf_stream_write(wf_op *op);
wf_step wf_stream_overwrite(wf_op *op);
wf_step wf_stream_query_information(wf_op *op);
wf_step wf_stream_set_information(wf_op *op);
wf_step wf_op_query_stream_information(wf_op *op);
/* Cleanup with Delete of a stream handle: REMOVEXATTR of its xattr. Nested. */
wf_step wf_stream_delete(wf_op *op, wf_file *file);

/* Fills a file info from attributes, with the volume's allocation unit. */
void wf_op_file_info(const struct fuse_attr *attr, FSP_FSCTL_FILE_INFO *info);
/* A handle's whole file info, as Create and QueryInformation report it: the attributes
   mapped, then what the cache keeps beside them for this ctime (EaSize, the DOS
   attributes and creation time; one cache-lock round), then a link's directory bit. The
   same as wf_op_file_info, wf_dos_file_info and wf_link_file_info in turn, with the EaSize
   its last full EA listing found while the ctime is unchanged since, else 0 (op_ea.c; no
   round trip is spent). */
void wf_op_file_info_full(wf_engine *engine, const wf_node *node, const struct fuse_attr *attr,
    FSP_FSCTL_FILE_INFO *info);
/* The handle of a request's UserContext2, or NULL when it is not one of ours. */
wf_file *wf_op_file(uint64_t user_context2);
/* A new handle on node (and its parent, may be NULL), both referenced; NULL without memory. */
wf_file *wf_file_new(wf_engine *engine, wf_node *node, wf_node *parent);
void wf_file_free(wf_engine *engine, wf_file *file);
/* Close's wf_file_free: the handle is unusable at once, and leaves the engine's list in
   the engine-lock section that ends op (op_free, or the one transact defers it to). */
void wf_op_close_file(wf_op *op, wf_file *file);
/* A Create's handle: op->file_spare when submit found one (no lock taken), else as
   wf_file_new. */
wf_file *wf_op_file_new(wf_op *op, wf_node *node, wf_node *parent);
/* A closed handle for a Create to come, linked on the engine's list (magic 0, holding
   nothing), or NULL when none is kept. Engine lock held. */
wf_file *wf_file_spare_locked(wf_engine *engine);
/* The list part of freeing a handle (engine.c calls it for op->file_done): returns the
   handle to wf_mem_free after the lock, or NULL when it was kept for reuse. */
wf_file *wf_file_unlink_locked(wf_engine *engine, wf_file *file);
/* Frees the closed handles kept for reuse (at engine delete). */
void wf_file_clear(wf_engine *engine);
/* The start of a request on a handle: its node becomes op->node (referenced, attributes not
   yet read) and op->status STATUS_SUCCESS; false, with STATUS_INVALID_HANDLE, when the
   handle is not ours, or STATUS_IO_DEVICE_ERROR when its node was made bad (entry.h). */
bool wf_op_at_file(wf_op *op, const wf_file *file);
/* Describes the OPEN (OPENDIR for a directory) of a handle, with its open_flags. */
void wf_open_call(wf_op *op, const wf_file *file);
/* OPEN (OPENDIR) of nodeid with flags, for a handle that is none of ours. */
void wf_open_fh_call(wf_op *op, uint64_t nodeid, uint32_t flags, bool directory);
/* Takes the OPEN/OPENDIR reply into the handle; returns its status. A file system without
   open support (ENOSYS with FUSE_NO_OPEN(DIR)_SUPPORT) leaves the handle with fh 0. */
NTSTATUS wf_open_reply(wf_op *op, wf_file *file);
/* Describes RENAME (flags 0) or RENAME2 of oldname in olddir to newname in newdir. */
void wf_rename_call(wf_op *op, bool rename2, uint32_t flags, uint64_t olddir,
    const char *oldname, uint32_t oldname_len, uint64_t newdir, const char *newname,
    uint32_t newname_len);
/* Describes the RELEASE (RELEASEDIR for a directory) that gives back a handle's FUSE handle. */
void wf_release_call(wf_op *op, const wf_file *file);
/* RELEASE (RELEASEDIR) of FUSE handle fh of nodeid opened with flags, with or without a
   handle of ours (arguments are taken before u is written: they may point into it). */
void wf_release_fh_call(wf_op *op, uint64_t nodeid, uint64_t fh, uint32_t flags,
    bool directory);
/* errno_map.c: a failed request (op->call.error) is one of three kinds.
   - refused: the file system answered an errno (not EINTR): what an optional step may
     leave undone (docs/engine.md, "Optional steps");
   - ended: the file system went away, the request was cancelled (EINTR) or given up on
     (timeout): the operation ends, whatever it was doing;
   - neither: the request could not be asked (too big) or its reply was malformed.
   wf_op_errno_status: the error of the last reply as NTSTATUS. */
NTSTATUS wf_op_errno_status(const wf_op *op);
bool wf_error_refused(int32_t error);
bool wf_error_ends(int32_t error);
bool wf_op_refused(const wf_op *op);

#define WF_ALLOCATION_UNIT 4096u

/* POSIX file types as FUSE carries them (Linux values, whatever the host). */
#define WF_S_IFMT   0170000u
#define WF_S_IFDIR  0040000u
#define WF_S_IFREG  0100000u
#define WF_S_IFLNK  0120000u
#define WF_S_ISDIR(m) (((m) & WF_S_IFMT) == WF_S_IFDIR)
#define WF_S_ISREG(m) (((m) & WF_S_IFMT) == WF_S_IFREG)

/* Linux open(2) flags sent in OPEN. */
#define WF_O_RDONLY 0u
#define WF_O_WRONLY 1u
#define WF_O_RDWR   2u

#endif
