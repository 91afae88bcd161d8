/* devfuse.c — the /dev/fuse door: pumps FUSE messages between the engine and a SEQPACKET socket. */
#define _GNU_SOURCE
#include "devfuse.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/futex.h>

#include "winfuse/fuse_abi.h"

/* A send the kernel refuses for want of memory is retried this often, 1 ms apart, before
   the request is failed: a large datagram needs a large contiguous allocation. */
#define WF_DEVFUSE_SEND_RETRIES 100

/* The watcher thread reads the channel only after no caller has read it for this long: a
   caller that reads its own reply saves a wake-up (leader/follower), and a watcher that
   took the channel back between two calls would cost two. */
#define WF_DEVFUSE_IDLE_MS 10u

/* Spin before sleeping (docs/performance.md, "Spin before sleeping"): on a VM, waking a
   thread that sleeps on another vCPU costs tens of microseconds, longer than a memfs
   reply takes; a caller that polls the channel for a while gets its reply while it still
   runs. WF_DEVFUSE_SPIN_US is the default cap of one spin, WF_DEVFUSE_SPIN_MAX_US the
   largest an option may ask. */
#define WF_DEVFUSE_SPIN_US 50u
#define WF_DEVFUSE_SPIN_MAX_US 1000u
/* Once replies usually take longer than the cap, only one wait in this many spins (to
   see whether they have become quick again). */
#define WF_DEVFUSE_SPIN_PROBE 16u
/* A spinner that finds this long between two looks (a look takes well under a
   microsecond) was preempted: its CPU is wanted by other work (often the file system,
   woken on this CPU), so sleeping would have done as well, and spinning on steals CPU time
   that the scheduler then holds against this process. It stops (or takes the message
   that came meanwhile), and the spin counts as a miss. */
#define WF_DEVFUSE_SPIN_GAP_NS 10000u

typedef struct wf_devfuse_worker {
    wf_devfuse *devfuse;
    pthread_t thread;
    bool started;
    bool watches;               /* the watcher: reads the channel when no caller does */
    void *buffer;               /* request threads: a request taken out */
} wf_devfuse_worker;

struct wf_devfuse {
    wf_engine *engine;          /* NULL with deliver */
    void (*deliver)(void *context, const void *message, size_t len);
    void *deliver_context;
    int fd;
    uint32_t cap;
    bool debug;

    pthread_mutex_t lock;
    pthread_cond_t changed;     /* closed, progress, a request thread ending, DESTROY answered */
    bool lock_made, changed_made;
    bool closed;
    bool stopping;              /* wf_devfuse_stop closes the channel: no closed hook */
    bool destroy_answered;
    unsigned requesters_running;
    /* The reader is between taking a message and sending what the engine gave back
       for it (perhaps the last FORGETs): the drain waits for that send. */
    _Atomic unsigned handing_in;
    void (*closed_hook)(void *context);
    void *closed_context;
    uint64_t progress;

    /* The channel is read by one thread at a time (a reply spliced in pieces is gathered
       by whoever reads its first piece): a caller waiting in wf_devfuse_wait (the leader;
       the others follow, and one of them takes over when it gets its own reply), or the
       watcher when no caller has read for WF_DEVFUSE_IDLE_MS. The reader owns in and out.
       A kick (kick_fd) gets the reader out of its poll: its own call was answered another
       way (cancelled, timed out), or a caller wants the channel from the watcher. */
    bool reading, watcher_reading;
    _Atomic bool kick_pending;  /* set under the lock; a spinning reader looks without it */
    int kick_fd;
    wf_waiter *waiters;
    uint64_t leads;             /* times a caller took the channel */
    pthread_cond_t watch;       /* the watcher's idle wait; stop and close wake it */
    bool watch_made;
    void *in;                   /* the message received */
    void *out;                  /* the request a reply gives back */

    /* Spinning: the cap (0: off), and how long a message recently took to come to a
       reader that spun (an average, each sample at most twice the cap); the reader owns
       the estimate and the probe count. */
    uint64_t spin_ns;
    uint64_t spin_estimate_ns;
    unsigned spin_probe;

    _Atomic uint64_t destroy_unique;    /* 0 until DESTROY goes out */
    _Atomic uint64_t requests_sent, replies_received, bad_replies, unknown_replies,
        truncated_replies, refused_requests, empty_replies, caller_reads, spins, spin_hits,
        spin_skips, spin_preempted;

    unsigned worker_count;
    wf_devfuse_worker workers[];
};

typedef enum wf_devfuse_sent {
    WF_DEVFUSE_SENT,
    WF_DEVFUSE_REFUSED,         /* this message cannot cross; the channel is fine */
    WF_DEVFUSE_GONE,            /* the channel is closed */
} wf_devfuse_sent;

static void wf_devfuse_count(_Atomic uint64_t *counter)
{
    atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
}

static void wf_devfuse_trace_request(const void *message, size_t len)
{
    struct fuse_in_header in;
    const char *name;
    if (len < sizeof in) {
        fprintf(stderr, "devfuse: -> short request, len %zu\n", len);
        return;
    }
    memcpy(&in, message, sizeof in);
    name = wf_fuse_opcode_name(in.opcode);
    fprintf(stderr, "devfuse: -> %s unique %" PRIu64 " nodeid %" PRIu64 " len %u\n",
        name != NULL ? name : "?", in.unique, in.nodeid, in.len);
}

static void wf_devfuse_trace_reply(const void *message, size_t len)
{
    struct fuse_out_header out;
    if (len < sizeof out) {
        fprintf(stderr, "devfuse: <- short reply, len %zu\n", len);
        return;
    }
    memcpy(&out, message, sizeof out);
    if (out.unique == 0)
        fprintf(stderr, "devfuse: <- notify code %d len %u\n", out.error, out.len);
    else
        fprintf(stderr, "devfuse: <- unique %" PRIu64 " error %d len %u (read %zu)\n",
            out.unique, out.error, out.len, len);
}

/* The file system is gone: every WinFsp request waiting on it fails. */
static void wf_devfuse_gone(wf_devfuse *devfuse, const char *why)
{
    bool first, theirs;
    pthread_mutex_lock(&devfuse->lock);
    first = !devfuse->closed;
    theirs = !devfuse->stopping;
    devfuse->closed = true;
    pthread_cond_broadcast(&devfuse->changed);
    pthread_cond_broadcast(&devfuse->watch);
    pthread_mutex_unlock(&devfuse->lock);
    if (!first)
        return;
    if (devfuse->debug)
        fprintf(stderr, "devfuse: channel closed: %s\n", why);
    if (devfuse->engine)
        wf_engine_disconnect(devfuse->engine);
    if (theirs && devfuse->closed_hook)
        devfuse->closed_hook(devfuse->closed_context);
}

/* Sends one request as one message. A SEQPACKET send is all or nothing. */
static wf_devfuse_sent wf_devfuse_send(wf_devfuse *devfuse, const void *message, size_t len)
{
    if (devfuse->debug)
        wf_devfuse_trace_request(message, len);
    if (len >= sizeof(struct fuse_in_header)) {
        struct fuse_in_header in;
        memcpy(&in, message, sizeof in);
        if (in.opcode == FUSE_DESTROY)
            atomic_store(&devfuse->destroy_unique, in.unique);
    }
    /* Counted before it can be answered: a reply may complete the request (and a reader
       of the stats see it) before this thread runs again after send. */
    wf_devfuse_count(&devfuse->requests_sent);
    for (unsigned attempt = 0;; attempt++) {
        if (send(devfuse->fd, message, len, MSG_NOSIGNAL) >= 0)
            return WF_DEVFUSE_SENT;
        int err = errno;
        if (err == EINTR)
            continue;
        if ((err == ENOBUFS || err == ENOMEM) && attempt < WF_DEVFUSE_SEND_RETRIES) {
            struct timespec delay = { .tv_sec = 0, .tv_nsec = 1000000L };
            nanosleep(&delay, NULL);
            continue;
        }
        /* Not sent after all. */
        atomic_fetch_sub_explicit(&devfuse->requests_sent, 1, memory_order_relaxed);
        if (err == EMSGSIZE || err == ENOBUFS || err == ENOMEM) {
            wf_devfuse_count(&devfuse->refused_requests);
            if (devfuse->debug)
                fprintf(stderr, "devfuse: request not sent: %s\n", strerror(err));
            return WF_DEVFUSE_REFUSED;
        }
        wf_devfuse_gone(devfuse, strerror(err));
        return WF_DEVFUSE_GONE;
    }
}

/* An EIO reply for unique, as the Linux kernel fails a request that cannot be carried
   or whose reply it cannot take. Returns false when there is nothing to answer. */
static bool wf_devfuse_eio_reply(uint64_t unique, struct fuse_out_header *reply)
{
    reply->len = sizeof *reply;
    reply->error = -EIO;
    reply->unique = unique;
    return unique != 0;
}

static uint64_t wf_devfuse_unique_of(const void *message, size_t len, size_t offset)
{
    uint64_t unique = 0;
    if (len >= offset + sizeof unique)
        memcpy(&unique, (const uint8_t *)message + offset, sizeof unique);
    return unique;
}

/* Hands one message to the engine and sends the request it may give back straight away,
   which saves waking a request thread. ours: the message is an EIO made here, not the
   file system's, and is not counted. Returns false once the channel is gone. */
static bool wf_devfuse_hand_in(wf_devfuse *devfuse, const void *message, size_t len,
    bool ours, void *out)
{
    struct fuse_out_header eio;
    uint64_t to_fail[2];        /* a first pass adds at most two, each later pass one */
    unsigned failing = 0;

    if (devfuse->deliver) {
        devfuse->deliver(devfuse->deliver_context, message, len);
        return true;
    }

    for (;;) {
        size_t out_len = 0;
        NTSTATUS status = (ours ? wf_engine_transact_own : wf_engine_transact)(
            devfuse->engine, message, len, out, devfuse->cap, &out_len, 0);
        if (!ours && status == STATUS_INVALID_PARAMETER) {
            wf_devfuse_count(&devfuse->bad_replies);
            /* The kernel would fail the daemon's write with EINVAL and leave the request
               out; over a socket the daemon never learns, so the request it answers fails
               with EIO instead of leaving a Windows caller waiting. Where the engine has
               already failed it, the EIO finds nothing. */
            uint64_t unique = wf_devfuse_unique_of(message, len,
                offsetof(struct fuse_out_header, unique));
            if (unique && failing < 2)
                to_fail[failing++] = unique;
        } else if (!ours && status == STATUS_NOT_FOUND) {
            /* A socket cannot answer ENOENT to the daemon's write: count it, go on. */
            wf_devfuse_count(&devfuse->unknown_replies);
        }
        if (out_len) {
            wf_devfuse_sent sent = wf_devfuse_send(devfuse, out, out_len);
            if (sent == WF_DEVFUSE_GONE)
                return false;
            uint64_t unique = wf_devfuse_unique_of(out, out_len,
                offsetof(struct fuse_in_header, unique));
            if (sent == WF_DEVFUSE_REFUSED && unique && failing < 2)
                to_fail[failing++] = unique;
        }
        if (!failing)
            return true;
        wf_devfuse_eio_reply(to_fail[--failing], &eio);
        message = &eio;
        len = sizeof eio;
        ours = true;
    }
}

static void wf_devfuse_note_progress(wf_devfuse *devfuse, bool destroy_answered)
{
    pthread_mutex_lock(&devfuse->lock);
    devfuse->progress++;
    atomic_fetch_sub(&devfuse->handing_in, 1);
    if (destroy_answered)
        devfuse->destroy_answered = true;
    pthread_cond_broadcast(&devfuse->changed);
    pthread_mutex_unlock(&devfuse->lock);
}

/* After a recv of 0 bytes: true at the end of the channel, false when that was an empty
   message. A SEQPACKET socket reads 0 for both; only a peer that has shut down (or closed)
   makes it the end, and even then only once nothing with data is left queued (an empty
   message queued before the shutdown leaves the data behind it to read). */
static bool wf_devfuse_at_end(wf_devfuse *devfuse)
{
    struct pollfd p = { .fd = devfuse->fd, .events = POLLIN | POLLRDHUP };
    int queued = 0;
    while (poll(&p, 1, 0) < 0) {
        if (errno != EINTR)
            return true;
    }
    if (!(p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)))
        return false;
    return ioctl(devfuse->fd, FIONREAD, &queued) != 0 || queued <= 0;
}

/* A reply spliced from a pipe (libfuse's fuse_reply_data when the file system wants
   FUSE_CAP_SPLICE_WRITE, as fuse-overlayfs does for READ) reaches a SEQPACKET socket as
   several messages, one per stretch of the pipe, where /dev/fuse takes it in one write.
   So a message shorter than its header's len takes the messages that follow as its rest:
   each must come within WF_DEVFUSE_PIECE_WAIT_MS (the writer is still in its splice), fit,
   and not be a whole reply of its own (a header whose len is its size), which is left for
   the loop. What stays short is the malformed reply it was. Returns the length gathered. */
#define WF_DEVFUSE_PIECE_WAIT_MS 250

static size_t wf_devfuse_gather(wf_devfuse *devfuse, uint8_t *buffer, size_t len, size_t want)
{
    while (len < want) {
        struct pollfd p = { .fd = devfuse->fd, .events = POLLIN };
        struct fuse_out_header next;
        int ready = poll(&p, 1, WF_DEVFUSE_PIECE_WAIT_MS);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0 || !(p.revents & POLLIN))
            break;
        memset(&next, 0, sizeof next);
        ssize_t size = recv(devfuse->fd, &next, sizeof next, MSG_PEEK | MSG_TRUNC);
        if (size < 0 && errno == EINTR)
            continue;
        if (size <= 0 || (size_t)size > want - len ||
            ((size_t)size >= sizeof next && next.len == (uint32_t)size))
            break;
        ssize_t got = recv(devfuse->fd, buffer + len, want - len, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        len += (size_t)got;
    }
    return len;
}

/* A deadline timeout_ms from now on the clock the condition waits with. */
static struct timespec wf_devfuse_deadline(uint32_t timeout_ms)
{
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    return deadline;
}

typedef enum wf_devfuse_read {
    WF_DEVFUSE_READ,            /* one message handed in */
    WF_DEVFUSE_KICKED,          /* woken to look again; nothing read */
    WF_DEVFUSE_ENDED,           /* the channel is closed */
} wf_devfuse_read;

/* Set while this thread reads the channel: a call it answers itself needs no kick. */
static _Thread_local bool wf_devfuse_in_read;

/* Under the lock: gets the reader out of its poll, once until it has looked. */
static void wf_devfuse_kick(wf_devfuse *devfuse)
{
    uint64_t one = 1;
    if (devfuse->kick_pending)
        return;
    devfuse->kick_pending = true;
    while (write(devfuse->kick_fd, &one, sizeof one) < 0 && errno == EINTR)
        ;
}

static uint64_t wf_devfuse_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* What a spinning thread does between two looks: lets the other hyperthread (or, on a
   VM, the host) have the core for a moment. */
static inline void wf_devfuse_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#else
    atomic_signal_fence(memory_order_seq_cst);
#endif
}

/* The reader, before it sleeps in poll: tries a non-blocking recv until a message comes
   or spin_ns have passed (recv MSG_DONTWAIT, one system call a look, is cheaper than a
   poll and reads the message at once when it is there). Skipped when recent messages took
   longer than the cap (a slow file system must not cost a CPU), but for one wait in
   WF_DEVFUSE_SPIN_PROBE, and when a kick is pending. Returns true with *got as recv's
   when it read, false when the reader is to poll as before. */
static bool wf_devfuse_spin_read(wf_devfuse *devfuse, uint8_t *buffer, ssize_t *got)
{
    uint64_t cap = devfuse->spin_ns;
    if (cap == 0)
        return false;
    uint64_t estimate = devfuse->spin_estimate_ns;
    if (estimate > cap &&
        ++devfuse->spin_probe % WF_DEVFUSE_SPIN_PROBE != 0) {
        wf_devfuse_count(&devfuse->spin_skips);
        return false;
    }
    wf_devfuse_count(&devfuse->spins);
    uint64_t start = wf_devfuse_now_ns(), last = start, sample = 2 * cap;
    bool read = false;
    for (bool first = true;; first = false) {
        if (atomic_load_explicit(&devfuse->kick_pending, memory_order_relaxed)) {
            sample = estimate;      /* a kick says nothing of the replies */
            break;
        }
        ssize_t n = recv(devfuse->fd, buffer, devfuse->cap, MSG_TRUNC | MSG_DONTWAIT);
        int err = errno;
        uint64_t now = wf_devfuse_now_ns(), spent = now - start;
        bool preempted = now - last >= WF_DEVFUSE_SPIN_GAP_NS;
        if (n >= 0 || (err != EAGAIN && err != EWOULDBLOCK && err != EINTR)) {
            *got = n;
            errno = err;
            read = true;
            if (preempted) {
                wf_devfuse_count(&devfuse->spin_preempted);
            } else if (first) {
                /* There at once (under load the file system often runs on this CPU
                   while the caller is preempted in send): a poll would have found it
                   as soon, so the spin neither paid nor cost. */
                sample = estimate;
            } else {
                wf_devfuse_count(&devfuse->spin_hits);
                sample = spent < 2 * cap ? spent : 2 * cap;
            }
            break;
        }
        if (spent >= cap)
            break;
        if (preempted) {
            wf_devfuse_count(&devfuse->spin_preempted);
            break;
        }
        last = now;
        wf_devfuse_relax();
    }
    /* An average over about the last eight spins that told something, so that a reply
       delayed now and then does not stop the spinning; a probe that finds replies quick
       again starts it at once. */
    if (estimate > cap && sample < cap)
        estimate = cap;
    devfuse->spin_estimate_ns = (7 * estimate + sample) / 8;
    return read;
}

/* The reader, holding the channel: waits for a message or a kick (a caller spins first,
   the watcher does not), then reads one message and hands it in (and sends what the
   engine gives back for it). */
static wf_devfuse_read wf_devfuse_read_one(wf_devfuse *devfuse, bool may_spin)
{
    struct pollfd p[2] = {
        { .fd = devfuse->fd, .events = POLLIN },
        { .fd = devfuse->kick_fd, .events = POLLIN },
    };
    struct fuse_out_header header, eio;
    uint8_t *buffer = devfuse->in;
    ssize_t got;

    if (!may_spin || !wf_devfuse_spin_read(devfuse, buffer, &got)) {
        for (;;) {
            int ready = poll(p, 2, -1);
            if (ready < 0 && errno == EINTR)
                continue;
            if (ready > 0 && (p[1].revents & POLLIN)) {
                uint64_t count;
                pthread_mutex_lock(&devfuse->lock);
                devfuse->kick_pending = false;
                (void)!read(devfuse->kick_fd, &count, sizeof count);
                pthread_mutex_unlock(&devfuse->lock);
                return WF_DEVFUSE_KICKED;
            }
            break;      /* the channel has something, or poll failed: recv tells which */
        }

        /* MSG_TRUNC: a SEQPACKET recv then returns the message's whole length. */
        do
            got = recv(devfuse->fd, buffer, devfuse->cap, MSG_TRUNC);
        while (got < 0 && errno == EINTR);
    }
    wf_devfuse_in_read = true;
    if (got == 0 && !wf_devfuse_at_end(devfuse)) {
        /* An empty message: the kernel fails such a write with EINVAL and goes on.
           Handed in, so that the engine counts it with the other bad replies (its
           count is the one `vol` shows); it answers no request. */
        wf_devfuse_count(&devfuse->replies_received);
        wf_devfuse_count(&devfuse->empty_replies);
        if (devfuse->debug)
            fprintf(stderr, "devfuse: <- empty message, dropped\n");
        bool open = wf_devfuse_hand_in(devfuse, buffer, 0, false, devfuse->out);
        wf_devfuse_in_read = false;
        return open ? WF_DEVFUSE_READ : WF_DEVFUSE_ENDED;
    }
    if (got <= 0) {
        wf_devfuse_in_read = false;
        wf_devfuse_gone(devfuse, got == 0 ? "end of file" : strerror(errno));
        return WF_DEVFUSE_ENDED;
    }
    wf_devfuse_count(&devfuse->replies_received);
    size_t len = (size_t)got;
    if (len >= sizeof header && len <= devfuse->cap) {
        memcpy(&header, buffer, sizeof header);
        if (header.len > len && header.len <= devfuse->cap)
            len = wf_devfuse_gather(devfuse, buffer, len, header.len);
    }
    if (devfuse->debug)
        wf_devfuse_trace_reply(buffer, len > devfuse->cap ? devfuse->cap : len);

    const void *message = buffer;
    bool ours = false;
    memset(&header, 0, sizeof header);
    memcpy(&header, buffer, len < sizeof header ? len : sizeof header);
    if (len > devfuse->cap) {
        /* The tail is lost: fail the request it answers rather than leave it out. */
        wf_devfuse_count(&devfuse->truncated_replies);
        if (!wf_devfuse_eio_reply(header.unique, &eio)) {
            wf_devfuse_in_read = false;
            return WF_DEVFUSE_READ;
        }
        message = &eio;
        len = sizeof eio;
        ours = true;
    }
    uint64_t destroy = atomic_load(&devfuse->destroy_unique);
    bool destroy_answered = destroy != 0 && header.unique == destroy;
    atomic_fetch_add(&devfuse->handing_in, 1);
    bool open = wf_devfuse_hand_in(devfuse, message, len, ours, devfuse->out);
    wf_devfuse_note_progress(devfuse, destroy_answered);
    wf_devfuse_in_read = false;
    return open ? WF_DEVFUSE_READ : WF_DEVFUSE_ENDED;
}

/* A waiter sleeps on its wakes count as a futex, not on a condition: a condition's
   waiter takes the lock back as it wakes, and with 8 callers it often found the waker
   still holding it and slept again (a switch more for one read in twelve). */
static void wf_devfuse_futex_wake(_Atomic unsigned *word)
{
    syscall(SYS_futex, (unsigned *)word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* Under the lock, having seen seen: sleeps until the waiter's wakes moves on. The lock is
   let go for the sleep and taken back after. A futex wake for a waiter that has since
   returned lands on stack memory reused by a later wait, which rechecks and sleeps again. */
static void wf_devfuse_sleep(wf_devfuse *devfuse, wf_waiter *waiter)
{
    unsigned seen = atomic_load_explicit(&waiter->wakes, memory_order_relaxed);
    waiter->sleeping = true;
    pthread_mutex_unlock(&devfuse->lock);
    while (atomic_load_explicit(&waiter->wakes, memory_order_acquire) == seen) {
        if (syscall(SYS_futex, (unsigned *)&waiter->wakes, FUTEX_WAIT_PRIVATE, seen, NULL,
                NULL, 0) != 0 && errno != EAGAIN && errno != EINTR)
            break;
    }
    pthread_mutex_lock(&devfuse->lock);
    waiter->sleeping = false;
}

/* Under the lock, the channel just let go: the first caller still waiting takes it. */
static void wf_devfuse_pass_on(wf_devfuse *devfuse)
{
    for (wf_waiter *w = devfuse->waiters; w != NULL; w = w->next) {
        if (!w->done) {
            /* Rare (the leader's own reply came): woken under the lock. */
            atomic_fetch_add_explicit(&w->wakes, 1, memory_order_release);
            wf_devfuse_futex_wake(&w->wakes);
            return;
        }
    }
}

void wf_devfuse_wait(wf_devfuse *devfuse, wf_waiter *waiter)
{
    wf_waiter **link;

    pthread_mutex_lock(&devfuse->lock);
    waiter->next = devfuse->waiters;
    devfuse->waiters = waiter;
    while (!waiter->done) {
        if (!devfuse->reading && !devfuse->closed) {
            devfuse->reading = true;
            devfuse->leads++;
            waiter->leading = true;
            pthread_mutex_unlock(&devfuse->lock);
            if (wf_devfuse_read_one(devfuse, true) == WF_DEVFUSE_READ)
                wf_devfuse_count(&devfuse->caller_reads);
            pthread_mutex_lock(&devfuse->lock);
            waiter->leading = false;
            devfuse->reading = false;
            continue;
        }
        /* The watcher gives the channel up when kicked, and passes it on. */
        if (devfuse->watcher_reading)
            wf_devfuse_kick(devfuse);
        wf_devfuse_sleep(devfuse, waiter);
    }
    for (link = &devfuse->waiters; *link != waiter; link = &(*link)->next)
        ;
    *link = waiter->next;
    if (!devfuse->reading)
        wf_devfuse_pass_on(devfuse);
    pthread_mutex_unlock(&devfuse->lock);
}

void wf_devfuse_wake(wf_devfuse *devfuse, wf_waiter *waiter)
{
    pthread_mutex_lock(&devfuse->lock);
    waiter->done = true;
    /* Answered while its thread reads the channel, but not by that thread: a cancel or a
       timeout (a request thread), or the channel's close. */
    if (waiter->leading && !wf_devfuse_in_read)
        wf_devfuse_kick(devfuse);
    /* Counted under the lock (the waiter cannot have returned yet), woken after it: the
       woken thread takes the lock straight away. */
    atomic_fetch_add_explicit(&waiter->wakes, 1, memory_order_release);
    /* A waiter not asleep (reading the channel, this very thread, or not waiting yet)
       sees its count under the lock: no system call, no stray wake of its next wait. */
    bool sleeping = waiter->sleeping;
    pthread_mutex_unlock(&devfuse->lock);
    if (sleeping)
        wf_devfuse_futex_wake(&waiter->wakes);
}

/* The watcher: reads what comes when no caller is waiting (notifications, the replies to
   requests nobody waits for: INIT, DESTROY, a posted Close, a request thread's), and finds
   the channel's end while the volume is idle. */
static void wf_devfuse_watch(wf_devfuse *devfuse)
{
    uint64_t seen = 0;

    pthread_mutex_lock(&devfuse->lock);
    for (;;) {
        if (devfuse->closed)
            break;
        /* Stopping: what is queued is read to the end of file, whoever waits. */
        if (!devfuse->reading && (devfuse->stopping ||
                (devfuse->waiters == NULL && devfuse->leads == seen))) {
            devfuse->reading = devfuse->watcher_reading = true;
            pthread_mutex_unlock(&devfuse->lock);
            wf_devfuse_read one = wf_devfuse_read_one(devfuse, false);
            pthread_mutex_lock(&devfuse->lock);
            devfuse->reading = devfuse->watcher_reading = false;
            wf_devfuse_pass_on(devfuse);
            if (one == WF_DEVFUSE_ENDED)
                break;
            continue;
        }
        seen = devfuse->leads;
        struct timespec deadline = wf_devfuse_deadline(WF_DEVFUSE_IDLE_MS);
        (void)pthread_cond_timedwait(&devfuse->watch, &devfuse->lock, &deadline);
    }
    pthread_mutex_unlock(&devfuse->lock);
}

/* Submitting threads keep a buffer of their own for the requests they send, as large as
   the channel carries: a large WRITE is sent by its caller too, not handed to a request
   thread (a wake-up more per write). Pages a thread never fills are never touched. */
typedef struct wf_devfuse_submit_buffer {
    size_t cap;
    unsigned char data[];
} wf_devfuse_submit_buffer;

static pthread_key_t wf_devfuse_submit_key;
static pthread_once_t wf_devfuse_submit_once = PTHREAD_ONCE_INIT;

static void wf_devfuse_submit_key_create(void)
{
    pthread_key_create(&wf_devfuse_submit_key, free);
}

static wf_devfuse_submit_buffer *wf_devfuse_submit_buffer_of(size_t cap)
{
    pthread_once(&wf_devfuse_submit_once, wf_devfuse_submit_key_create);
    wf_devfuse_submit_buffer *buffer = pthread_getspecific(wf_devfuse_submit_key);
    if (buffer && buffer->cap >= cap)
        return buffer;
    /* First use, or a channel that carries more than the one this thread served. */
    wf_devfuse_submit_buffer *bigger = malloc(sizeof *bigger + cap);
    if (!bigger)
        return buffer;
    bigger->cap = cap;
    if (pthread_setspecific(wf_devfuse_submit_key, bigger) != 0) {
        free(bigger);
        return buffer;
    }
    free(buffer);
    return bigger;
}

int wf_devfuse_send_request(wf_devfuse *devfuse, const void *message, size_t len)
{
    switch (wf_devfuse_send(devfuse, message, len)) {
    case WF_DEVFUSE_SENT:
        return 0;
    case WF_DEVFUSE_REFUSED:
        return EMSGSIZE;
    default:
        return ENOTCONN;
    }
}

void wf_devfuse_submit(wf_devfuse *devfuse, const FSP_FSCTL_TRANSACT_REQ *request)
{
    wf_devfuse_submit_buffer *own = wf_devfuse_submit_buffer_of(devfuse->cap);
    struct fuse_out_header eio;
    size_t len = 0;

    if (!own) {
        wf_engine_submit(devfuse->engine, request);
        return;
    }
    void *buffer = own->data;
    wf_engine_submit_transact(devfuse->engine, request, buffer, own->cap, &len);
    if (!len)
        return;
    if (wf_devfuse_send(devfuse, buffer, len) == WF_DEVFUSE_REFUSED) {
        uint64_t unique = wf_devfuse_unique_of(buffer, len,
            offsetof(struct fuse_in_header, unique));
        /* The EIO's follow-up request, if any, needs a full-size buffer: none here. */
        if (wf_devfuse_eio_reply(unique, &eio))
            wf_engine_transact_own(devfuse->engine, &eio, sizeof eio, NULL, 0, NULL, 0);
    }
}

static void wf_devfuse_request_loop(wf_devfuse_worker *worker)
{
    wf_devfuse *devfuse = worker->devfuse;
    struct fuse_out_header eio;

    for (;;) {
        size_t len = 0;
        NTSTATUS status = wf_engine_transact(devfuse->engine, NULL, 0, worker->buffer,
            devfuse->cap, &len, UINT32_MAX);
        if (status == STATUS_CONNECTION_DISCONNECTED)
            return;
        if (!NT_SUCCESS(status)) {
            fprintf(stderr, "devfuse: the engine refused to hand out requests (0x%08x)\n",
                (unsigned)status);
            return;
        }
        if (!len)
            continue;
        wf_devfuse_sent sent = wf_devfuse_send(devfuse, worker->buffer, len);
        if (sent == WF_DEVFUSE_GONE)
            return;
        if (sent == WF_DEVFUSE_REFUSED) {
            uint64_t unique = wf_devfuse_unique_of(worker->buffer, len,
                offsetof(struct fuse_in_header, unique));
            if (wf_devfuse_eio_reply(unique, &eio) &&
                !wf_devfuse_hand_in(devfuse, &eio, sizeof eio, true, worker->buffer))
                return;
        }
    }
}

static void *wf_devfuse_thread(void *arg)
{
    wf_devfuse_worker *worker = arg;
    wf_devfuse *devfuse = worker->devfuse;

    /* Named, so that a trace (or a test counting their wake-ups) tells them apart. */
    pthread_setname_np(pthread_self(), worker->watches ? "devfuse-watch" : "devfuse-req");
    if (worker->watches) {
        wf_devfuse_watch(devfuse);
    } else {
        wf_devfuse_request_loop(worker);
        pthread_mutex_lock(&devfuse->lock);
        devfuse->requesters_running--;
        pthread_cond_broadcast(&devfuse->changed);
        pthread_mutex_unlock(&devfuse->lock);
    }
    return NULL;
}

static void wf_devfuse_free(wf_devfuse *devfuse)
{
    for (unsigned i = 0; i < devfuse->worker_count; i++)
        free(devfuse->workers[i].buffer);
    free(devfuse->in);
    free(devfuse->out);
    if (devfuse->kick_fd >= 0)
        close(devfuse->kick_fd);
    if (devfuse->watch_made)
        pthread_cond_destroy(&devfuse->watch);
    if (devfuse->changed_made)
        pthread_cond_destroy(&devfuse->changed);
    if (devfuse->lock_made)
        pthread_mutex_destroy(&devfuse->lock);
    free(devfuse);
}

static void wf_devfuse_join(wf_devfuse *devfuse)
{
    for (unsigned i = 0; i < devfuse->worker_count; i++) {
        if (devfuse->workers[i].started)
            pthread_join(devfuse->workers[i].thread, NULL);
        devfuse->workers[i].started = false;
    }
}

int wf_devfuse_start(wf_engine *engine, const wf_devfuse_options *options,
    wf_devfuse **out)
{
    /* The channel alone has no engine to take requests from. */
    unsigned requesters = options->deliver ? 0 :
        options->request_threads ? options->request_threads : 1;
    unsigned count = requesters + 1;
    wf_devfuse *devfuse = NULL;
    pthread_condattr_t condattr;
    sigset_t all, saved;
    bool mask_saved = false;
    int err = 0;

    *out = NULL;
    if (options->fd < 0 || options->max_message < sizeof(struct fuse_in_header) ||
        (engine == NULL) != (options->deliver != NULL)) {
        err = EINVAL;
        goto out;
    }
    devfuse = calloc(1, sizeof *devfuse + count * sizeof devfuse->workers[0]);
    if (!devfuse) {
        err = ENOMEM;
        goto out;
    }
    devfuse->engine = engine;
    devfuse->deliver = options->deliver;
    devfuse->deliver_context = options->deliver_context;
    devfuse->fd = options->fd;
    devfuse->cap = options->max_message;
    devfuse->debug = options->debug;
    devfuse->closed_hook = options->closed;
    devfuse->closed_context = options->closed_context;
    devfuse->worker_count = count;
    /* One CPU: a spinner only delays the file system it waits for. */
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (!options->no_spin && cpus > 1) {
        unsigned us = options->spin_us ? options->spin_us : WF_DEVFUSE_SPIN_US;
        devfuse->spin_ns = (uint64_t)(us < WF_DEVFUSE_SPIN_MAX_US ? us :
            WF_DEVFUSE_SPIN_MAX_US) * 1000u;
    }
    devfuse->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (devfuse->kick_fd < 0) {
        err = errno;
        goto out;
    }
    err = pthread_mutex_init(&devfuse->lock, NULL);
    if (err)
        goto out;
    devfuse->lock_made = true;
    pthread_condattr_init(&condattr);
    pthread_condattr_setclock(&condattr, CLOCK_MONOTONIC);
    err = pthread_cond_init(&devfuse->changed, &condattr);
    if (!err) {
        devfuse->changed_made = true;
        err = pthread_cond_init(&devfuse->watch, &condattr);
        devfuse->watch_made = !err;
    }
    pthread_condattr_destroy(&condattr);
    if (err)
        goto out;

    /* Buffers once, here, sized to the largest message either way. */
    devfuse->in = malloc(devfuse->cap);
    devfuse->out = malloc(devfuse->cap);
    if (!devfuse->in || !devfuse->out) {
        err = ENOMEM;
        goto out;
    }
    for (unsigned i = 0; i < count; i++) {
        wf_devfuse_worker *worker = &devfuse->workers[i];
        worker->devfuse = devfuse;
        worker->watches = i == 0;
        worker->buffer = worker->watches ? NULL : malloc(devfuse->cap);
        if (!worker->watches && !worker->buffer) {
            err = ENOMEM;
            goto out;
        }
    }

    /* Signals belong to the host's main thread, not to the pump. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);
    mask_saved = true;
    for (unsigned i = 0; i < count; i++) {
        wf_devfuse_worker *worker = &devfuse->workers[i];
        /* Counted in before it runs, since it counts itself out when it ends. */
        pthread_mutex_lock(&devfuse->lock);
        devfuse->requesters_running += !worker->watches;
        pthread_mutex_unlock(&devfuse->lock);
        err = pthread_create(&worker->thread, NULL, wf_devfuse_thread, worker);
        if (err) {
            pthread_mutex_lock(&devfuse->lock);
            devfuse->requesters_running -= !worker->watches;
            pthread_mutex_unlock(&devfuse->lock);
            goto out;
        }
        worker->started = true;
    }
    *out = devfuse;
    devfuse = NULL;

out:
    if (mask_saved)
        pthread_sigmask(SIG_SETMASK, &saved, NULL);
    if (devfuse) {
        if (devfuse->workers[0].started) {
            /* Stop what started: the threads see the channel shut and the engine gone. */
            pthread_mutex_lock(&devfuse->lock);
            devfuse->stopping = true;
            pthread_cond_broadcast(&devfuse->watch);
            pthread_mutex_unlock(&devfuse->lock);
            shutdown(devfuse->fd, SHUT_RDWR);
            if (engine)
                wf_engine_disconnect(engine);
            wf_devfuse_join(devfuse);
        }
        wf_devfuse_free(devfuse);
    }
    return err;
}

bool wf_devfuse_closed(wf_devfuse *devfuse)
{
    pthread_mutex_lock(&devfuse->lock);
    bool closed = devfuse->closed;
    pthread_mutex_unlock(&devfuse->lock);
    return closed;
}

uint64_t wf_devfuse_wait_progress(wf_devfuse *devfuse, uint64_t seen, uint32_t timeout_ms)
{
    struct timespec deadline = wf_devfuse_deadline(timeout_ms);
    pthread_mutex_lock(&devfuse->lock);
    while (devfuse->progress == seen && !devfuse->closed) {
        if (pthread_cond_timedwait(&devfuse->changed, &devfuse->lock, &deadline) == ETIMEDOUT)
            break;
    }
    uint64_t progress = devfuse->progress;
    pthread_mutex_unlock(&devfuse->lock);
    return progress;
}

void wf_devfuse_get_stats(wf_devfuse *devfuse, wf_devfuse_stats *stats)
{
    stats->requests_sent = atomic_load(&devfuse->requests_sent);
    stats->replies_received = atomic_load(&devfuse->replies_received);
    stats->bad_replies = atomic_load(&devfuse->bad_replies);
    stats->unknown_replies = atomic_load(&devfuse->unknown_replies);
    stats->truncated_replies = atomic_load(&devfuse->truncated_replies);
    stats->refused_requests = atomic_load(&devfuse->refused_requests);
    stats->empty_replies = atomic_load(&devfuse->empty_replies);
    stats->caller_reads = atomic_load(&devfuse->caller_reads);
    stats->spins = atomic_load(&devfuse->spins);
    stats->spin_hits = atomic_load(&devfuse->spin_hits);
    stats->spin_skips = atomic_load(&devfuse->spin_skips);
    stats->spin_preempted = atomic_load(&devfuse->spin_preempted);
    pthread_mutex_lock(&devfuse->lock);
    stats->caller_leads = devfuse->leads;
    pthread_mutex_unlock(&devfuse->lock);
}

void wf_devfuse_stop(wf_devfuse *devfuse, uint32_t drain_ms)
{
    if (!devfuse)
        return;
    /* Drained: the request threads have seen the engine finish (its last requests, FORGETs
       and DESTROY out), the reader has sent what its last reply gave back, and
       DESTROY, if it went, has its answer; or the file system is gone. */
    pthread_mutex_lock(&devfuse->lock);
    if (drain_ms) {
        struct timespec deadline = wf_devfuse_deadline(drain_ms);
        while (!devfuse->closed && (devfuse->requesters_running > 0 ||
                atomic_load(&devfuse->handing_in) != 0 ||
                (atomic_load(&devfuse->destroy_unique) != 0 && !devfuse->destroy_answered))) {
            if (pthread_cond_timedwait(&devfuse->changed, &devfuse->lock, &deadline) == ETIMEDOUT)
                break;
        }
    }
    devfuse->stopping = true;
    pthread_cond_broadcast(&devfuse->watch);
    pthread_mutex_unlock(&devfuse->lock);
    /* Wakes the reader's poll (end of file) and any send blocked on a full buffer;
       the file system reads what is queued, then end of file. */
    shutdown(devfuse->fd, SHUT_RDWR);
    if (devfuse->engine)
        wf_engine_disconnect(devfuse->engine);
    wf_devfuse_join(devfuse);
    wf_devfuse_free(devfuse);
}
