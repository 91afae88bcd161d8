/* devfuse.h — the /dev/fuse door: pumps FUSE messages between the engine and a SEQPACKET socket. */
#ifndef WINFUSE_HOST_DEVFUSE_H
#define WINFUSE_HOST_DEVFUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "waiter.h"
#include "winfuse/engine.h"

typedef struct wf_devfuse wf_devfuse;

typedef struct wf_devfuse_options {
    int fd;                     /* our end of the channel; the caller closes it after stop */
    uint32_t max_message;       /* the engine's params.max_message */
    unsigned request_threads;   /* threads that wait for requests; 0 picks 1 */
    bool debug;                 /* trace every message on stderr */
    /* A caller waiting for its reply polls the channel up to spin_us microseconds before
       it sleeps (0 picks 50, at most 1000), while replies come that quickly; no_spin: it
       sleeps at once, as on a machine with one CPU. */
    bool no_spin;
    unsigned spin_us;
    /* Called once, from the pump thread that finds the channel closed or failed (the file
       system went away), not when wf_devfuse_stop closes it; NULL: nothing. */
    void (*closed)(void *context);
    void *closed_context;
    /* The channel alone, without an engine (the benchmark's transport measure): each message
       read is given to deliver (from whichever thread reads it; it may call wf_devfuse_wake),
       requests go out only through wf_devfuse_send, and no request thread is started.
       NULL: messages go to the engine. */
    void (*deliver)(void *context, const void *message, size_t len);
    void *deliver_context;
} wf_devfuse_options;

typedef struct wf_devfuse_stats {
    uint64_t requests_sent;
    uint64_t replies_received;      /* messages read from the channel, notifications too */
    uint64_t bad_replies;           /* refused by the engine as malformed */
    uint64_t unknown_replies;       /* their unique matched nothing in flight */
    uint64_t truncated_replies;     /* longer than max_message; their request fails with EIO */
    uint64_t refused_requests;      /* the channel would not carry them; they fail with EIO */
    uint64_t empty_replies;         /* empty messages (also in bad_replies); dropped */
    uint64_t caller_reads;          /* messages read by a caller waiting for its answer */
    uint64_t caller_leads;          /* times such a caller took the channel */
    uint64_t spins;                 /* times the reader spun before sleeping */
    uint64_t spin_hits;             /* ... and a message came while it spun (not at once) */
    uint64_t spin_skips;            /* times it slept at once: replies had been slow */
    uint64_t spin_preempted;        /* spins that saw the spinner preempted (misses) */
} wf_devfuse_stats;

/* Starts the pump: request threads take the engine's requests out and send each as one
   message; each message received is handed to the engine by whoever reads the channel: a
   caller waiting in wf_devfuse_wait, or else the watcher thread. End of file or an
   error on the channel disconnects the engine; an empty message is not the end (the
   kernel answers its write EINVAL): it is counted and dropped. Returns 0 or an errno (if threads had
   started by then, the channel is shut down and the engine disconnected). */
int wf_devfuse_start(wf_engine *engine, const wf_devfuse_options *options,
    wf_devfuse **devfuse);

/* With options.deliver: sends one FUSE request as one message from the calling thread.
   Returns 0, EMSGSIZE when the channel would not carry it, or ENOTCONN once
   the channel is gone. */
int wf_devfuse_send_request(wf_devfuse *devfuse, const void *message, size_t len);

/* Submits a WinFsp request and sends its first FUSE request from the calling thread,
   which saves waking a request thread per round trip (wf_engine_submit_transact). A
   request too big for the thread's buffer goes through a request thread as before. */
void wf_devfuse_submit(wf_devfuse *devfuse, const FSP_FSCTL_TRANSACT_REQ *request);

/* Waits until wf_devfuse_wake(waiter) (waiter zeroed by the caller; devfuse does not
   use its cond). Meanwhile the thread reads the channel itself when no one else does, handing
   every message in, and lets the next waiting caller read once it has its own answer
   (leader/follower): a round trip costs two wake-ups, as on the kernel's /dev/fuse, not
   three through a reply thread. A caller whose answer comes another way (cancel, timeout,
   the channel's close) is woken out of its read. */
void wf_devfuse_wait(wf_devfuse *devfuse, wf_waiter *waiter);
/* The waiter's answer is in (any thread, also before wf_devfuse_wait). */
void wf_devfuse_wake(wf_devfuse *devfuse, wf_waiter *waiter);

/* True once the channel has closed or failed (the file system is gone). */
bool wf_devfuse_closed(wf_devfuse *devfuse);

/* Progress is a count of messages handed to the engine. Waits up to timeout_ms until it
   differs from seen or the channel closes; returns the count then. */
uint64_t wf_devfuse_wait_progress(wf_devfuse *devfuse, uint64_t seen, uint32_t timeout_ms);

void wf_devfuse_get_stats(wf_devfuse *devfuse, wf_devfuse_stats *stats);

/* Call after wf_engine_shutdown (or with drain_ms 0 to cut off): waits up to drain_ms for
   the last requests (FORGETs, DESTROY) to go out and DESTROY, if sent, to be answered,
   then shuts the socket
   down (the file system reads end of file), disconnects the engine (what is still out
   fails), joins the threads and frees the pump. */
void wf_devfuse_stop(wf_devfuse *devfuse, uint32_t drain_ms);

#endif
