/* engine.h — the WinFuse engine: WinFsp transact requests in, FUSE requests out (sans-I/O). */
#ifndef WINFUSE_ENGINE_H
#define WINFUSE_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "winfuse/id_map.h"
#include "winfuse/ntstatus.h"
#include "winfuse/winfsp_abi.h"

typedef struct wf_engine wf_engine;

/* Called once per submitted WinFsp request with its response, from whichever thread
   finished it (a transact caller, or wf_engine_submit / wf_engine_disconnect itself).
   The engine holds no lock during the call; rsp is valid only during the call. */
typedef void wf_engine_complete_fn(void *host, const FSP_FSCTL_TRANSACT_RSP *rsp);

/* The caller a request acts for: what fuse_in_header carries and what the access checks
   test (access.c). */
#define WF_IDENTITY_MAX_GROUPS 32u
typedef struct wf_identity {
    uint32_t uid, gid, pid;
    uint32_t group_count;                       /* supplementary groups in groups[] */
    uint32_t groups[WF_IDENTITY_MAX_GROUPS];
    /* Access checks are skipped (the kernel; backup and restore privileges). uid 0 is not
       this: root passes the checks as on Linux, but gets no execute on a file without x. */
    bool privileged;
} wf_identity;

/* Resolves a request's access token (Req.Create.AccessToken, Rename's AccessToken: the
   token handle and the PID, FSP_FSCTL_TRANSACT_REQ_TOKEN_*) into the caller's identity;
   identity->pid arrives set to the token's PID. Called in wf_engine_submit, without any
   engine lock. Returns false when the token means nothing to the host. */
typedef bool wf_engine_identity_fn(void *host, uint64_t access_token, wf_identity *identity);

/* The host's clock: monotonic milliseconds (any origin), called with params.host, from any
   thread, possibly with an engine lock held (so it must not call into the engine). */
typedef uint64_t wf_engine_clock_fn(void *host);

/* A change the file system made behind the volume's back, which it told with a FUSE
   notification (INVAL_ENTRY, INVAL_INODE, DELETE), as WinFsp's FspFsctlNotify takes it: one
   record, info->Size bytes (the 12-byte header, then FileNameBuf: the full name from the
   volume's root, "\\dir\\name", in UTF-16, not terminated), Filter FILE_NOTIFY_CHANGE_*,
   Action FILE_ACTION_*. Called from the thread that handed the notification to
   wf_engine_transact, holding no engine lock (it may call into the engine, but not wait
   for a reply to come through that thread); info is valid only during the call. A name
   the engine cannot spell from its cache is not reported (docs/engine.md). */
typedef void wf_engine_notify_fn(void *host, const FSP_FSCTL_NOTIFY_INFO *info);

typedef struct wf_engine_params {
    /* Largest FUSE message (header included) the transport carries in either direction.
       READ and WRITE sizes are bounded by it. At least WF_ENGINE_MIN_MESSAGE. */
    uint32_t max_message;
    uint32_t max_readahead;
    /* Identity put in fuse_in_header for requests that carry no caller identity. */
    uint32_t uid, gid, pid;
    /* Entry-cache capacity in nodes; 0 picks a default. */
    uint32_t cache_capacity;
    /* The file mode creation mask new files and directories get (Windows callers have
       none): the engine clears these bits from the mode itself and also sends the mask in
       CREATE/MKNOD/MKDIR, as the Linux kernel does without FUSE_DONT_MASK. Hosts set it
       (the Linux host uses 022); 0 masks nothing. */
    uint32_t umask;
    wf_engine_complete_fn *complete;
    void *host;
    /* SID ⇄ uid/gid mapping and WinFsp-FUSE's uid=/gid=/umask=/uidmap= options
       (winfuse/id_map.h); all zero: no overrides, the built-in local machine domain. */
    wf_id_map id_map;
    /* Caller identities. With it, a Create carrying an access token acts for that caller:
       its FUSE requests, and every later one on the handle it opens, carry the caller's
       uid/gid/pid, and (user-mode requests, unless privileged) the access checks of
       Linux's default_permissions are made before the file system is asked. NULL, or a
       request without a token: uid/gid/pid above, no checks (as for kernel-mode requests).
       A token the host cannot resolve fails the Create with STATUS_ACCESS_DENIED. */
    wf_engine_identity_fn *identity;
    /* A case-insensitive volume (CaseSensitiveSearch 0): a name not found as given is
       looked for under case folding in its directory, and names that differ only in case
       are one name; names keep the case the file system stores. false: case-sensitive,
       as FUSE is. */
    bool case_insensitive;
    /* No user.DOSATTRIB (-o dosattrib=off): HIDDEN, SYSTEM, ARCHIVE and CreationTime are
       neither stored nor read, as before they were kept (docs/nt-semantics.md). */
    bool no_dosattrib;
    /* How long FORGETs may wait to go out together in one BATCH_FORGET; 0 picks 10 ms. */
    uint32_t forget_delay_ms;
    /* The door's end tells the file system that the session is over, so an orderly
       unmount sends no DESTROY: the /dev/fuse door, where the Linux kernel sends none
       either (but for fuseblk) and libfuse runs its destroy once its workers have joined
       at end of file. A DESTROY racing the last FORGETs, which have no reply, would run
       destroy while a worker still handles them. false: DESTROY ends the session (a door
       whose channel outlives the session, as FUSE_FSCTL_TRANSACT's). */
    bool no_destroy;
    /* A FUSE request out longer than this is given up (0: never, as the Linux kernel and
       WinFsp by default): FUSE_INTERRUPT goes out for it and its WinFsp request goes on as
       if the file system had failed it, which completes it with STATUS_IO_TIMEOUT (an
       operation of several round trips may first undo what it did). The volume stays
       usable. The request's unique stays reserved until its reply comes or the channel
       ends; a late reply is dropped, and what it granted is given back: the entries of a
       LOOKUP, CREATE, MKNOD, MKDIR, SYMLINK, LINK or READDIRPLUS are FORGOTTEN, the handle
       of an OPEN, OPENDIR or CREATE RELEASEd. INIT and DESTROY have no timeout. The
       deadlines are kept by the threads in wf_engine_transact, which wake for them. */
    uint32_t request_timeout_ms;
    /* The engine's only clock: entry and attribute TTLs, the FORGET delay, request
       timeouts, cancellation graces, the cache sweep and transact's timeout_ms are all
       measured on it. NULL: the platform's monotonic clock (wf_time_monotonic_ms), what
       real hosts use. A host that moves time itself (the unit tests' mock, the fuzz
       target) makes timers fire where it says without sleeping; transact's waits still
       sleep on the platform's event, so with a clock that stands still a transact with a
       timeout other than 0 returns only when a request is ready or the engine ends. */
    wf_engine_clock_fn *clock;
    /* Where the file system's change notifications go, for the host to report to its
       watchers (ReadDirectoryChangesW); NULL: they only invalidate the cache. */
    wf_engine_notify_fn *notify;
} wf_engine_params;

#define WF_ENGINE_MIN_MESSAGE (8192u + 4096u)

/* The DeviceIoControl code through which a Windows FUSE file system transacts with
   winfuse.sys: CTL_CODE(FILE_DEVICE_FILE_SYSTEM, 0xC00 + 'F', METHOD_BUFFERED,
   FILE_ANY_ACCESS), as the original WinFuse defined it. */
#define WF_FUSE_FSCTL_TRANSACT 0x00093118u

/* What INIT negotiated, and counters for tests and diagnostics. */
typedef struct wf_engine_info {
    bool initialized;           /* INIT reply accepted */
    bool connected;             /* neither disconnected nor shut down */
    NTSTATUS init_status;       /* why INIT failed, when it did */
    uint32_t major, minor;      /* the protocol version the file system answered */
    uint64_t flags;             /* INIT flags the file system accepted (flags | flags2 << 32) */
    uint32_t max_write;         /* the file system's max_write */
    uint32_t max_pages;
    uint32_t max_readahead;
    uint32_t time_gran;
    uint32_t read_size;         /* READ size the engine uses */
    uint32_t write_size;        /* WRITE size the engine uses */
    uint64_t requests_sent;     /* FUSE requests handed out by transact */
    uint64_t replies_received;
    uint64_t bad_replies;       /* malformed or inconsistent replies (each failed one request) */
    uint64_t unknown_replies;   /* replies whose unique matched nothing in flight */
    uint64_t notifications;     /* unsolicited messages (unique 0) */
    uint64_t changes_reported;  /* records given to params.notify */
    uint64_t changes_unnamed;   /* changes not reported: no name known for them */
    uint64_t forgets_sent;      /* nodes forgotten, by FORGET or inside BATCH_FORGET */
    uint64_t bad_names;         /* listed names no Windows name can carry (skipped) */
    uint32_t nodes_cached;
    uint32_t requests_in_flight;
    uint32_t requests_pending;
    uint64_t timeouts;          /* FUSE requests given up on (a timeout, a cancellation's grace) */
    uint64_t late_replies;      /* replies that came for them afterwards */
    uint32_t requests_given_up; /* given up on, their reply still to come */
    uint64_t sent_by_opcode[64];   /* indexed by FUSE opcode, for opcodes below 64 */
    /* DOS attributes are not kept in user.DOSATTRIB: turned off (no_dosattrib), or the file
       system answered ENOSYS/EOPNOTSUPP to a GETXATTR or SETXATTR of it. */
    bool dosattrib_off;
} wf_engine_info;

NTSTATUS wf_engine_create(const wf_engine_params *params, wf_engine **engine);
/* Frees the engine. Call only when no thread is inside any other engine call. */
void wf_engine_delete(wf_engine *engine);
void wf_engine_get_info(wf_engine *engine, wf_engine_info *info);
/* The volume parameters WinFsp should mount this engine's volume with. */
void wf_engine_get_volume_params(wf_engine *engine, FSP_FSCTL_VOLUME_PARAMS *params);

/* The WinFsp side. The request is copied; its response arrives through params.complete,
   possibly before this call returns. Never blocks. */
void wf_engine_submit(wf_engine *engine, const FSP_FSCTL_TRANSACT_REQ *request);

/* wf_engine_submit for a host that can send FUSE requests from the submitting thread: the
   request's first FUSE request comes out in request[0..request_cap), already in flight, for
   the caller to send itself (*request_len 0 when there is none, or it did not fit and went
   to a transact caller instead). On a host where waking a thread costs a round trip's worth
   of time, this saves one wake-up per request. */
void wf_engine_submit_transact(wf_engine *engine, const FSP_FSCTL_TRANSACT_REQ *request,
    void *request_buf, size_t request_cap, size_t *request_len);

/* Cancels the WinFsp request with this Hint, if it is still in progress: one whose FUSE
   request is out gets FUSE_INTERRUPT and completes with STATUS_CANCELLED unless the file
   system's answer wins the race; one not yet started completes with STATUS_CANCELLED.
   Returns whether a request with that hint was found. */
bool wf_engine_cancel(wf_engine *engine, uint64_t hint);
/* wf_engine_cancel, and the request is given up grace_ms from now whatever the file system
   does with the INTERRUPT: each FUSE request it has out then (or sends later) ends as a
   timeout does (params.request_timeout_ms), and it completes with STATUS_CANCELLED. Cleanup
   and Close are given up too, but never interrupted, and they complete with STATUS_SUCCESS,
   as they always do (neither can fail on Windows): they stop waiting and free the handle.
   grace_ms 0 is wf_engine_cancel. */
bool wf_engine_cancel_within(wf_engine *engine, uint64_t hint, uint32_t grace_ms);

/* The FUSE side: hand in the file system's reply to an earlier request, or an unsolicited
   notification (reply, reply_len; reply NULL when there is none: a non-NULL reply of
   length 0 is an empty message, malformed), then take out the next FUSE request
   into request[0..request_cap) (request may be NULL to only hand in a reply).
   *request_len is 0 when no request became ready within timeout_ms (0 = do not wait,
   UINT32_MAX = forever). request_cap must be at least params.max_message.
   Returns STATUS_SUCCESS; STATUS_INVALID_PARAMETER when the reply is malformed (it is
   counted and dropped, and no request is taken out); STATUS_NOT_FOUND when its unique
   matches nothing in flight; STATUS_CONNECTION_DISCONNECTED once the engine is
   disconnected, or shut down and DESTROY already handed out. Safe from many threads. */
NTSTATUS wf_engine_transact(wf_engine *engine,
    const void *reply, size_t reply_len,
    void *request, size_t request_cap, size_t *request_len,
    uint32_t timeout_ms);

/* wf_engine_transact for a reply the host made itself: the EIO with which it fails a
   request it could not carry, or whose reply it could not take (the kernel fails the
   daemon's write and leaves the request out; a socket cannot tell the daemon, so the host
   fails the request). When the engine had already failed that request (the reply it
   refused answered it), its unique matches nothing in flight: STATUS_NOT_FOUND, and not
   counted as an unknown reply, since the file system sent none. */
NTSTATUS wf_engine_transact_own(wf_engine *engine,
    const void *reply, size_t reply_len,
    void *request, size_t request_cap, size_t *request_len,
    uint32_t timeout_ms);

/* The file system is gone (its process died or its channel closed): every queued and
   in-flight WinFsp request completes with STATUS_CONNECTION_DISCONNECTED, later ones too,
   and waiting transact calls return. */
void wf_engine_disconnect(wf_engine *engine);

/* Orderly unmount: new WinFsp requests are refused, in-flight ones finish, then pending
   FORGETs are handed out, then DESTROY unless params.no_destroy. After that (DESTROY
   handed out, or with no_destroy the last FORGET) transact returns
   STATUS_CONNECTION_DISCONNECTED, and the host closes the channel once what it took out
   is sent (and DESTROY, if sent, answered). */
void wf_engine_shutdown(wf_engine *engine);

#endif
