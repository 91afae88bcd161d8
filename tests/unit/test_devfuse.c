/* test_devfuse.c — the engine-socket pump against a played file system, and whole volumes. */
/* The pump tests play the file system on the other end of the socket pair; the volume tests
   run this program itself as the file system process (--fake-fs). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "devfuse.h"
#include "launcher.h"
#include "volume.h"
#include "mock_fs.h"
#include "winfuse/linux_errno.h"
#include "winfuse/fuse_abi.h"

#define MAX_PENDING 256

static uint64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

/* ---- A fixture: engine + pump on one end, the test as file system on the other ---------- */

typedef struct fixture {
    int fds[2];                 /* [0] the pump's, [1] the file system's */
    uint32_t max_message;
    wf_engine *engine;
    wf_devfuse *devfuse;
    uint8_t *message;           /* the last request read by the "file system" */

    pthread_mutex_t lock;
    pthread_cond_t done;
    struct { uint64_t hint; NTSTATUS status; uint64_t total; bool done; } rsp[MAX_PENDING];
    unsigned rsp_count;
    /* Callers waiting in wf_devfuse_wait, and the thread that completed each. */
    struct { uint64_t hint; wf_waiter *waiter; pthread_t by; unsigned answered; } waits[4];
    unsigned wait_count;
} fixture;

static void fixture_complete(void *host, const FSP_FSCTL_TRANSACT_RSP *rsp)
{
    fixture *f = host;
    pthread_mutex_lock(&f->lock);
    if (f->rsp_count < MAX_PENDING) {
        f->rsp[f->rsp_count].hint = rsp->Hint;
        f->rsp[f->rsp_count].status = rsp->IoStatus.Status;
        f->rsp[f->rsp_count].total = rsp->Rsp.QueryVolumeInformation.VolumeInfo.TotalSize;
        f->rsp[f->rsp_count].done = true;
        f->rsp_count++;
    }
    for (unsigned i = 0; i < f->wait_count; i++) {
        if (f->waits[i].hint == rsp->Hint) {
            f->waits[i].by = pthread_self();
            f->waits[i].answered++;
            wf_devfuse_wake(f->devfuse, f->waits[i].waiter);
        }
    }
    pthread_cond_broadcast(&f->done);
    pthread_mutex_unlock(&f->lock);
}

/* The file system's next message, within 5 s; fails the test on timeout. */
static struct fuse_in_header fs_recv(fixture *f, uint32_t opcode)
{
    struct pollfd p = { .fd = f->fds[1], .events = POLLIN };
    struct fuse_in_header in;
    assert_int_equal(poll(&p, 1, 5000), 1);
    ssize_t n = recv(f->fds[1], f->message, f->max_message, MSG_TRUNC);
    assert_true(n >= (ssize_t)sizeof in);
    memcpy(&in, f->message, sizeof in);
    assert_int_equal(in.len, n);
    if (in.opcode != opcode)
        fail_msg("expected opcode %u, got %u", opcode, in.opcode);
    return in;
}

static void fs_reply(fixture *f, uint64_t unique, int32_t error, const void *body, size_t size)
{
    struct fuse_out_header out = { .len = (uint32_t)(sizeof out + size), .error = error,
        .unique = unique };
    uint8_t *message = malloc(sizeof out + size);
    assert_non_null(message);
    memcpy(message, &out, sizeof out);
    if (size)
        memcpy(message + sizeof out, body, size);
    assert_int_equal(send(f->fds[1], message, sizeof out + size, MSG_NOSIGNAL),
        (ssize_t)(sizeof out + size));
    free(message);
}

static void fs_reply_statfs(fixture *f, uint64_t unique, uint64_t blocks)
{
    struct fuse_statfs_out st;
    memset(&st, 0, sizeof st);
    st.st.blocks = blocks;
    st.st.bavail = blocks / 2;
    st.st.bsize = st.st.frsize = 4096;
    fs_reply(f, unique, 0, &st, sizeof st);
}

static uint64_t submit_query_volume(fixture *f)
{
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactQueryVolumeInformationKind);
    assert_non_null(req);
    uint64_t hint = req->Hint;
    wf_engine_submit(f->engine, req);
    free(req);
    return hint;
}

/* The response to hint, within 5 s. */
static NTSTATUS response(fixture *f, uint64_t hint, uint64_t *total)
{
    uint64_t deadline = now_ms() + 5000;
    pthread_mutex_lock(&f->lock);
    for (;;) {
        for (unsigned i = 0; i < f->rsp_count; i++) {
            if (f->rsp[i].hint == hint) {
                NTSTATUS status = f->rsp[i].status;
                if (total)
                    *total = f->rsp[i].total;
                pthread_mutex_unlock(&f->lock);
                return status;
            }
        }
        if (now_ms() >= deadline)
            break;
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_nsec += 10 * 1000000L;
        if (t.tv_nsec >= 1000000000L) {
            t.tv_sec++;
            t.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&f->done, &f->lock, &t);
    }
    pthread_mutex_unlock(&f->lock);
    fail_msg("no response to hint %llu", (unsigned long long)hint);
    return STATUS_UNSUCCESSFUL;
}

static int fixture_setup_with(void **state, bool debug, bool no_spin)
{
    fixture *f = calloc(1, sizeof *f);
    wf_engine_params params;
    wf_devfuse_options options;
    assert_non_null(f);
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->done, NULL);
    assert_int_equal(wf_channel_create(f->fds, &f->max_message), 0);
    if (f->max_message > WF_LAUNCHER_WANT_MESSAGE)
        f->max_message = WF_LAUNCHER_WANT_MESSAGE;
    f->message = malloc(f->max_message);
    assert_non_null(f->message);

    memset(&params, 0, sizeof params);
    params.max_message = f->max_message;
    params.uid = params.gid = params.pid = 1;
    params.complete = fixture_complete;
    params.host = f;
    assert_int_equal(wf_engine_create(&params, &f->engine), STATUS_SUCCESS);
    memset(&options, 0, sizeof options);
    options.fd = f->fds[0];
    options.max_message = f->max_message;
    options.debug = debug;
    options.no_spin = no_spin;
    assert_int_equal(wf_devfuse_start(f->engine, &options, &f->devfuse), 0);

    /* INIT goes out by itself; answer it as libfuse 3 does. */
    struct fuse_in_header in = fs_recv(f, FUSE_INIT);
    struct fuse_init_out init;
    memset(&init, 0, sizeof init);
    init.major = 7;
    init.minor = 31;
    init.flags = FUSE_ASYNC_READ | FUSE_BIG_WRITES | FUSE_MAX_PAGES;
    init.max_write = 1u << 20;
    init.max_pages = 256;
    init.max_readahead = 128 * 1024;
    fs_reply(f, in.unique, 0, &init, sizeof init);

    wf_engine_info info;
    uint64_t seen = 0, deadline = now_ms() + 5000;
    for (wf_engine_get_info(f->engine, &info); !info.initialized && now_ms() < deadline;
         wf_engine_get_info(f->engine, &info))
        seen = wf_devfuse_wait_progress(f->devfuse, seen, 100);
    assert_true(info.initialized);
    *state = f;
    return 0;
}

static int fixture_setup(void **state)
{
    return fixture_setup_with(state, false, false);
}

static int fixture_setup_traced(void **state)
{
    return fixture_setup_with(state, true, false);
}

static int fixture_setup_no_spin(void **state)
{
    return fixture_setup_with(state, false, true);
}

static int fixture_teardown(void **state)
{
    fixture *f = *state;
    wf_devfuse_stop(f->devfuse, 0);
    wf_engine_delete(f->engine);
    if (f->fds[1] >= 0)
        close(f->fds[1]);
    close(f->fds[0]);
    free(f->message);
    pthread_cond_destroy(&f->done);
    pthread_mutex_destroy(&f->lock);
    free(f);
    return 0;
}

static wf_devfuse_stats stats_of(fixture *f)
{
    wf_devfuse_stats stats;
    wf_devfuse_get_stats(f->devfuse, &stats);
    return stats;
}

/* ---- The pump ----------------------------------------------------------------------------- */

static void init_over_the_socket_negotiates_a_full_megabyte(void **state)
{
    fixture *f = *state;
    wf_engine_info info;
    wf_engine_get_info(f->engine, &info);
    assert_int_equal(info.minor, 31);
    assert_int_equal(info.read_size, 1u << 20);
    assert_int_equal(info.write_size, 1u << 20);
    assert_int_equal(stats_of(f).requests_sent, 1);
    assert_int_equal(stats_of(f).replies_received, 1);
    assert_false(wf_devfuse_closed(f->devfuse));
}

static void request_and_reply_cross_the_socket(void **state)
{
    fixture *f = *state;
    uint64_t hint = submit_query_volume(f);
    struct fuse_in_header in = fs_recv(f, FUSE_STATFS);
    assert_int_equal(in.nodeid, FUSE_ROOT_ID);
    fs_reply_statfs(f, in.unique, 1000);
    uint64_t total = 0;
    assert_int_equal(response(f, hint, &total), STATUS_SUCCESS);
    assert_int_equal(total, 1000 * 4096);
}

static void many_requests_are_in_flight_at_once_and_none_is_lost(void **state)
{
    fixture *f = *state;
    enum { COUNT = 100 };
    uint64_t hints[COUNT], uniques[COUNT];
    for (int i = 0; i < COUNT; i++)
        hints[i] = submit_query_volume(f);
    /* All of them reach the file system before it answers any. */
    for (int i = 0; i < COUNT; i++) {
        uniques[i] = fs_recv(f, FUSE_STATFS).unique;
        for (int j = 0; j < i; j++)
            assert_int_not_equal(uniques[i], uniques[j]);
    }
    for (int i = COUNT - 1; i >= 0; i--)
        fs_reply_statfs(f, uniques[i], (uint64_t)i + 1);
    for (int i = 0; i < COUNT; i++)
        assert_int_equal(response(f, hints[i], NULL), STATUS_SUCCESS);
    assert_int_equal(stats_of(f).requests_sent, 1 + COUNT);
    assert_int_equal(stats_of(f).replies_received, 1 + COUNT);
}

static void reply_longer_than_max_message_fails_its_request_and_the_pump_goes_on(void **state)
{
    fixture *f = *state;
    uint64_t hint = submit_query_volume(f);
    struct fuse_in_header in = fs_recv(f, FUSE_STATFS);
    size_t size = f->max_message + 100 - sizeof(struct fuse_out_header);
    uint8_t *body = calloc(1, size);
    assert_non_null(body);
    fs_reply(f, in.unique, 0, body, size);
    free(body);
    NTSTATUS status = response(f, hint, NULL);
    assert_false(NT_SUCCESS(status));
    assert_int_equal(stats_of(f).truncated_replies, 1);

    hint = submit_query_volume(f);
    fs_reply_statfs(f, fs_recv(f, FUSE_STATFS).unique, 7);
    assert_int_equal(response(f, hint, NULL), STATUS_SUCCESS);
}

static void malformed_and_unknown_replies_are_counted_and_the_pump_goes_on(void **state)
{
    fixture *f = *state;
    uint64_t hint = submit_query_volume(f);
    struct fuse_in_header in = fs_recv(f, FUSE_STATFS);

    /* A unique nobody sent. */
    fs_reply_statfs(f, in.unique + 1000000, 1);
    /* A header whose length disagrees with the message. */
    struct fuse_out_header bad = { .len = 100, .error = 0, .unique = in.unique };
    assert_int_equal(send(f->fds[1], &bad, sizeof bad, MSG_NOSIGNAL), (ssize_t)sizeof bad);
    assert_false(NT_SUCCESS(response(f, hint, NULL)));

    wf_devfuse_stats stats = stats_of(f);
    assert_int_equal(stats.unknown_replies, 1);
    assert_int_equal(stats.bad_replies, 1);
    assert_false(wf_devfuse_closed(f->devfuse));

    hint = submit_query_volume(f);
    fs_reply_statfs(f, fs_recv(f, FUSE_STATFS).unique, 7);
    assert_int_equal(response(f, hint, NULL), STATUS_SUCCESS);
}

/* A caller as the FSD stand-in is one: submits through the pump, then waits reading. */
typedef struct waiting_caller {
    fixture *f;
    uint64_t hint;
    unsigned slot;
    wf_waiter waiter;
    pthread_t thread;
    uint64_t cpu_ns;            /* the thread's CPU time in wf_devfuse_wait */
} waiting_caller;

static uint64_t thread_cpu_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void *waiting_caller_run(void *arg)
{
    waiting_caller *c = arg;
    FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactQueryVolumeInformationKind);
    assert_non_null(req);
    req->Hint = c->hint;
    wf_devfuse_submit(c->f->devfuse, req);
    free(req);
    uint64_t cpu = thread_cpu_ns();
    wf_devfuse_wait(c->f->devfuse, &c->waiter);
    c->cpu_ns = thread_cpu_ns() - cpu;
    return NULL;
}

/* Registered before it submits, since the answer may come inside submit. */
static void waiting_caller_start(fixture *f, waiting_caller *c)
{
    memset(c, 0, sizeof *c);
    c->f = f;
    pthread_cond_init(&c->waiter.cond, NULL);
    pthread_mutex_lock(&f->lock);
    assert_true(f->wait_count < 4);
    c->slot = f->wait_count++;
    c->hint = 0x7700000000ull + c->slot;     /* apart from mock_req_new's */
    f->waits[c->slot].hint = c->hint;
    f->waits[c->slot].waiter = &c->waiter;
    pthread_mutex_unlock(&f->lock);
    assert_int_equal(pthread_create(&c->thread, NULL, waiting_caller_run, c), 0);
}

static pthread_t waiting_caller_join(fixture *f, waiting_caller *c)
{
    pthread_join(c->thread, NULL);
    pthread_cond_destroy(&c->waiter.cond);
    pthread_mutex_lock(&f->lock);
    pthread_t by = f->waits[c->slot].by;
    pthread_mutex_unlock(&f->lock);
    return by;
}

/* Until callers have taken the channel `leads` times in all, within 5 s. */
static void wait_for_caller_leads(fixture *f, uint64_t leads)
{
    uint64_t deadline = now_ms() + 5000;
    while (stats_of(f).caller_leads < leads) {
        assert_true(now_ms() < deadline);
        usleep(1000);
    }
}

/* Two wake-ups a round trip, as the kernel: the caller reads its own reply from the
   channel; no reply thread reads it and hands it on. */
static void a_waiting_caller_reads_its_own_reply(void **state)
{
    fixture *f = *state;
    waiting_caller c;
    waiting_caller_start(f, &c);
    struct fuse_in_header in = fs_recv(f, FUSE_STATFS);
    wait_for_caller_leads(f, 1);
    fs_reply_statfs(f, in.unique, 9);
    pthread_t by = waiting_caller_join(f, &c);
    assert_true(pthread_equal(by, c.thread));
    assert_int_equal(response(f, c.hint, NULL), STATUS_SUCCESS);
    assert_int_equal(stats_of(f).caller_reads, 1);
}

/* The caller reading gets the other's reply first, hands it on, reads on for its own; the
   other then reads nothing. Both get their answers. */
static void waiting_callers_take_turns_reading_and_both_get_their_replies(void **state)
{
    fixture *f = *state;
    waiting_caller a, b;
    waiting_caller_start(f, &a);
    struct fuse_in_header in_a = fs_recv(f, FUSE_STATFS);
    wait_for_caller_leads(f, 1);
    waiting_caller_start(f, &b);
    struct fuse_in_header in_b = fs_recv(f, FUSE_STATFS);
    fs_reply_statfs(f, in_b.unique, 2);
    fs_reply_statfs(f, in_a.unique, 1);
    pthread_t by_a = waiting_caller_join(f, &a);
    (void)waiting_caller_join(f, &b);
    uint64_t total = 0;
    assert_int_equal(response(f, a.hint, &total), STATUS_SUCCESS);
    assert_int_equal(total, 1 * 4096);
    assert_int_equal(response(f, b.hint, &total), STATUS_SUCCESS);
    assert_int_equal(total, 2 * 4096);
    assert_true(pthread_equal(by_a, a.thread));
    assert_int_equal(stats_of(f).caller_reads, 2);
}

/* Its request given up (cancel with a grace the file system ignores), a caller reading the
   channel returns though no message comes: the request thread that gives up wakes it. */
static void a_caller_reading_the_channel_returns_when_its_request_is_given_up(void **state)
{
    fixture *f = *state;
    waiting_caller c;
    waiting_caller_start(f, &c);
    (void)fs_recv(f, FUSE_STATFS);
    wait_for_caller_leads(f, 1);
    assert_true(wf_engine_cancel_within(f->engine, c.hint, 50));
    (void)fs_recv(f, FUSE_INTERRUPT);
    pthread_t by = waiting_caller_join(f, &c);
    assert_false(pthread_equal(by, c.thread));
    assert_int_equal(response(f, c.hint, NULL), STATUS_CANCELLED);
    assert_int_equal(stats_of(f).caller_reads, 0);
}

/* One round trip whose reply the file system holds hold_ms; the caller's slot is freed. */
static waiting_caller slow_round_trip(fixture *f, unsigned hold_ms)
{
    waiting_caller c;
    waiting_caller_start(f, &c);
    struct fuse_in_header in = fs_recv(f, FUSE_STATFS);
    usleep(hold_ms * 1000u);
    fs_reply_statfs(f, in.unique, 9);
    (void)waiting_caller_join(f, &c);
    assert_int_equal(response(f, c.hint, NULL), STATUS_SUCCESS);
    pthread_mutex_lock(&f->lock);
    f->wait_count = 0;
    pthread_mutex_unlock(&f->lock);
    return c;
}

/* A caller reading the channel polls it before it sleeps, but a bounded while: waiting
   300 ms for a reply costs it well under 50 ms of CPU (the cap is tens of microseconds). */
static void a_caller_whose_reply_takes_long_spins_a_bounded_while_then_sleeps(void **state)
{
    fixture *f = *state;
    waiting_caller c = slow_round_trip(f, 300);
    assert_true(stats_of(f).spins >= 1);
    assert_true(c.cpu_ns < 50u * 1000000u);
}

/* Replies that keep taking longer than the cap stop the spinning: a slow file system does
   not cost a CPU per round trip. (A wait may look at the channel more than once: a caller
   that kicked the watcher off it may find the kick still pending.) */
static void a_caller_stops_spinning_while_replies_come_slowly(void **state)
{
    fixture *f = *state;
    for (unsigned i = 0; i < 12; i++)
        (void)slow_round_trip(f, 20);
    wf_devfuse_stats stats = stats_of(f);
    assert_true(stats.spins < 12);
    assert_true(stats.spin_skips > 0);
}

/* spin off (-o spin=off): a caller sleeps at once. */
static void with_spin_off_a_caller_sleeps_at_once(void **state)
{
    fixture *f = *state;
    (void)slow_round_trip(f, 20);
    wf_devfuse_stats stats = stats_of(f);
    assert_int_equal(stats.caller_reads, 1);
    assert_int_equal(stats.spins, 0);
    assert_int_equal(stats.spin_skips, 0);
}

#define BUSY_CALLERS 4u
#define BUSY_ROUNDS 300u

typedef struct busy_caller {
    fixture *f;
    unsigned slot;
    pthread_t thread;
} busy_caller;

/* Round trip after round trip, each with a hint of its own. */
static void *busy_caller_run(void *arg)
{
    busy_caller *c = arg;
    for (unsigned r = 0; r < BUSY_ROUNDS; r++) {
        wf_waiter waiter;
        memset(&waiter, 0, sizeof waiter);
        FSP_FSCTL_TRANSACT_REQ *req = mock_req_new(FspFsctlTransactQueryVolumeInformationKind);
        if (req == NULL)
            return NULL;
        req->Hint = 0x7800000000ull + ((uint64_t)c->slot << 20) + r;
        pthread_mutex_lock(&c->f->lock);
        c->f->waits[c->slot].hint = req->Hint;
        c->f->waits[c->slot].waiter = &waiter;
        pthread_mutex_unlock(&c->f->lock);
        wf_devfuse_submit(c->f->devfuse, req);
        free(req);
        wf_devfuse_wait(c->f->devfuse, &waiter);
    }
    return NULL;
}

/* The file system: answers count STATFS at once (its reply comes while callers spin). */
typedef struct busy_fs {
    fixture *f;
    unsigned count, answered;
    pthread_t thread;
} busy_fs;

static void *busy_fs_run(void *arg)
{
    busy_fs *b = arg;
    uint8_t *message = malloc(b->f->max_message);
    while (message != NULL && b->answered < b->count) {
        struct pollfd p = { .fd = b->f->fds[1], .events = POLLIN };
        struct fuse_in_header in;
        struct fuse_statfs_out st;
        if (poll(&p, 1, 5000) != 1)
            break;
        ssize_t n = recv(b->f->fds[1], message, b->f->max_message, 0);
        if (n < (ssize_t)sizeof in)
            break;
        memcpy(&in, message, sizeof in);
        if (in.opcode != FUSE_STATFS)
            continue;
        memset(&st, 0, sizeof st);
        st.st.blocks = 9;
        st.st.bsize = st.st.frsize = 4096;
        struct fuse_out_header out = { .len = sizeof out + sizeof st, .unique = in.unique };
        uint8_t reply[sizeof out + sizeof st];
        memcpy(reply, &out, sizeof out);
        memcpy(reply + sizeof out, &st, sizeof st);
        if (send(b->f->fds[1], reply, sizeof reply, MSG_NOSIGNAL) != (ssize_t)sizeof reply)
            break;
        b->answered++;
    }
    free(message);
    return NULL;
}

/* Callers that spin, take turns reading and follow, many round trips each: every one gets
   each of its answers. */
static void busy_callers_get_every_answer_while_they_spin(void **state)
{
    fixture *f = *state;
    busy_caller callers[BUSY_CALLERS];
    busy_fs fs = { .f = f, .count = BUSY_CALLERS * BUSY_ROUNDS };
    assert_int_equal(pthread_create(&fs.thread, NULL, busy_fs_run, &fs), 0);
    pthread_mutex_lock(&f->lock);
    f->wait_count = BUSY_CALLERS;
    pthread_mutex_unlock(&f->lock);
    for (unsigned i = 0; i < BUSY_CALLERS; i++) {
        callers[i].f = f;
        callers[i].slot = i;
        assert_int_equal(pthread_create(&callers[i].thread, NULL, busy_caller_run,
            &callers[i]), 0);
    }
    for (unsigned i = 0; i < BUSY_CALLERS; i++)
        pthread_join(callers[i].thread, NULL);
    pthread_join(fs.thread, NULL);
    assert_int_equal(fs.answered, BUSY_CALLERS * BUSY_ROUNDS);
    for (unsigned i = 0; i < BUSY_CALLERS; i++)
        assert_int_equal(f->waits[i].answered, BUSY_ROUNDS);
    wf_devfuse_stats stats = stats_of(f);
    assert_true(stats.spins > 0);
}

/* The channel ends while a caller reads it: the caller sees the end and gets its answer. */
static void a_caller_reading_the_channel_finds_its_end(void **state)
{
    fixture *f = *state;
    waiting_caller c;
    waiting_caller_start(f, &c);
    (void)fs_recv(f, FUSE_STATFS);
    wait_for_caller_leads(f, 1);
    close(f->fds[1]);
    f->fds[1] = -1;
    pthread_t by = waiting_caller_join(f, &c);
    assert_true(pthread_equal(by, c.thread));
    assert_int_equal(response(f, c.hint, NULL), STATUS_CONNECTION_DISCONNECTED);
    assert_true(wf_devfuse_closed(f->devfuse));
}

/* A reply spliced from a pipe arrives as several messages (fuse-overlayfs's READ replies):
   the pieces that follow a message shorter than its header's len are its rest, and the
   request gets the whole reply; a whole reply after a short one is not taken as its rest. */
static void a_reply_in_pieces_is_gathered_whole(void **state)
{
    fixture *f = *state;
    uint64_t hint = submit_query_volume(f);
    struct fuse_in_header in = fs_recv(f, FUSE_STATFS);
    struct {
        struct fuse_out_header out;
        struct fuse_statfs_out st;
    } reply;
    memset(&reply, 0, sizeof reply);
    reply.out.len = sizeof reply;
    reply.out.unique = in.unique;
    reply.st.st.blocks = 4242;
    reply.st.st.bsize = reply.st.st.frsize = 4096;
    const uint8_t *bytes = (const uint8_t *)&reply;
    size_t cut1 = sizeof reply.out + 8, cut2 = sizeof reply.out + 40;
    assert_int_equal(send(f->fds[1], bytes, cut1, MSG_NOSIGNAL), (ssize_t)cut1);
    assert_int_equal(send(f->fds[1], bytes + cut1, cut2 - cut1, MSG_NOSIGNAL),
        (ssize_t)(cut2 - cut1));
    assert_int_equal(send(f->fds[1], bytes + cut2, sizeof reply - cut2, MSG_NOSIGNAL),
        (ssize_t)(sizeof reply - cut2));
    uint64_t total = 0;
    assert_int_equal(response(f, hint, &total), STATUS_SUCCESS);
    assert_int_equal(total, 4242ull * 4096);
    assert_int_equal(stats_of(f).bad_replies, 0);

    /* A short reply, then the next request's whole reply: the first is malformed (its
       request fails), the second answers its own request. */
    uint64_t first = submit_query_volume(f);
    struct fuse_in_header in1 = fs_recv(f, FUSE_STATFS);
    uint64_t second = submit_query_volume(f);
    struct fuse_in_header in2 = fs_recv(f, FUSE_STATFS);
    reply.out.unique = in1.unique;
    assert_int_equal(send(f->fds[1], bytes, cut1, MSG_NOSIGNAL), (ssize_t)cut1);
    fs_reply_statfs(f, in2.unique, 7);
    assert_false(NT_SUCCESS(response(f, first, NULL)));
    assert_int_equal(response(f, second, &total), STATUS_SUCCESS);
    assert_int_equal(total, 7ull * 4096);
    assert_int_equal(stats_of(f).bad_replies, 1);
}

/* A reply the engine refuses when it delivers it (here an error > 0) fails its request at
   once; the door's own EIO for that request then finds nothing, and the file system sent no
   unknown reply: none is counted. */
static void a_refused_reply_is_one_bad_reply_and_no_unknown_one(void **state)
{
    fixture *f = *state;
    uint64_t hint = submit_query_volume(f);
    struct fuse_in_header in = fs_recv(f, FUSE_STATFS);

    fs_reply(f, in.unique, 5, NULL, 0);
    assert_int_equal(response(f, hint, NULL), STATUS_IO_DEVICE_ERROR);
    /* A later request's round trip: the door has handled the bad reply by then. */
    hint = submit_query_volume(f);
    fs_reply_statfs(f, fs_recv(f, FUSE_STATFS).unique, 7);
    assert_int_equal(response(f, hint, NULL), STATUS_SUCCESS);

    wf_engine_info info;
    wf_engine_get_info(f->engine, &info);
    assert_int_equal(info.bad_replies, 1);
    assert_int_equal(info.unknown_replies, 0);
    wf_devfuse_stats stats = stats_of(f);
    assert_int_equal(stats.bad_replies, 1);
    assert_int_equal(stats.unknown_replies, 0);
}

static void an_empty_message_is_counted_and_dropped_not_taken_for_the_end(void **state)
{
    fixture *f = *state;
    uint64_t hint = submit_query_volume(f);
    struct fuse_in_header in = fs_recv(f, FUSE_STATFS);
    char none = 0;
    assert_int_equal(send(f->fds[1], &none, 0, MSG_NOSIGNAL), 0);
    assert_int_equal(send(f->fds[1], &none, 0, MSG_NOSIGNAL), 0);
    /* Shorter than a header: counted and dropped too; its request is still out. */
    uint8_t shorter[8] = { 0 };
    assert_int_equal(send(f->fds[1], shorter, sizeof shorter, MSG_NOSIGNAL),
        (ssize_t)sizeof shorter);
    fs_reply_statfs(f, in.unique, 3);
    assert_int_equal(response(f, hint, NULL), STATUS_SUCCESS);
    assert_false(wf_devfuse_closed(f->devfuse));
    wf_devfuse_stats stats = stats_of(f);
    assert_int_equal(stats.empty_replies, 2);
    assert_int_equal(stats.bad_replies, 3);
    /* The engine's count (the one `vol` shows) has them all too. */
    wf_engine_info info;
    wf_engine_get_info(f->engine, &info);
    assert_int_equal(info.bad_replies, 3);
    assert_int_equal(info.unknown_replies, 0);

    hint = submit_query_volume(f);
    fs_reply_statfs(f, fs_recv(f, FUSE_STATFS).unique, 7);
    assert_int_equal(response(f, hint, NULL), STATUS_SUCCESS);
}

static void an_empty_message_before_the_end_still_ends_the_channel(void **state)
{
    fixture *f = *state;
    uint64_t hint = submit_query_volume(f);
    fs_recv(f, FUSE_STATFS);
    char none = 0;
    assert_int_equal(send(f->fds[1], &none, 0, MSG_NOSIGNAL), 0);
    close(f->fds[1]);
    f->fds[1] = -1;
    assert_int_equal(response(f, hint, NULL), STATUS_CONNECTION_DISCONNECTED);
    assert_true(wf_devfuse_closed(f->devfuse));
}

static void end_of_file_disconnects_the_engine_and_fails_what_is_in_flight(void **state)
{
    fixture *f = *state;
    uint64_t hint = submit_query_volume(f);
    fs_recv(f, FUSE_STATFS);
    close(f->fds[1]);
    f->fds[1] = -1;
    assert_int_equal(response(f, hint, NULL), STATUS_CONNECTION_DISCONNECTED);
    assert_true(wf_devfuse_closed(f->devfuse));
    wf_engine_info info;
    wf_engine_get_info(f->engine, &info);
    assert_false(info.connected);
    /* Later requests fail at once. */
    hint = submit_query_volume(f);
    assert_int_equal(response(f, hint, NULL), STATUS_CONNECTION_DISCONNECTED);
}

static void traced_messages_still_flow(void **state)
{
    fixture *f = *state;
    uint64_t hint = submit_query_volume(f);
    fs_reply_statfs(f, fs_recv(f, FUSE_STATFS).unique, 3);
    assert_int_equal(response(f, hint, NULL), STATUS_SUCCESS);
}

typedef struct destroy_answerer {
    fixture *f;
    unsigned delay_ms;
    bool answer;
    ssize_t sent;               /* what the answer's send returned */
    ssize_t after;              /* what the next recv returned: 0 is end of file */
} destroy_answerer;

static void *answer_destroy(void *arg)
{
    destroy_answerer *a = arg;
    struct fuse_in_header in = fs_recv(a->f, FUSE_DESTROY);
    usleep(a->delay_ms * 1000u);
    struct fuse_out_header out = { .len = sizeof out, .error = 0, .unique = in.unique };
    a->sent = a->answer ? send(a->f->fds[1], &out, sizeof out, MSG_NOSIGNAL) : 0;
    struct pollfd p = { .fd = a->f->fds[1], .events = POLLIN };
    a->after = poll(&p, 1, 5000) == 1 ? recv(a->f->fds[1], a->f->message, 64, 0) : -1;
    return NULL;
}

static void stop_after_shutdown_waits_for_destroy_to_be_answered(void **state)
{
    fixture *f = *state;
    destroy_answerer a = { .f = f, .delay_ms = 200, .answer = true };
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, answer_destroy, &a), 0);
    wf_engine_shutdown(f->engine);
    uint64_t start = now_ms();
    wf_devfuse_stop(f->devfuse, 5000);
    f->devfuse = NULL;
    uint64_t took = now_ms() - start;
    pthread_join(thread, NULL);
    /* The answer found the channel open, and end of file came after it. */
    assert_int_equal(a.sent, (ssize_t)sizeof(struct fuse_out_header));
    assert_int_equal(a.after, 0);
    assert_true(took >= 150 && took < 4000);
}

static void stop_is_bounded_when_destroy_is_never_answered(void **state)
{
    fixture *f = *state;
    destroy_answerer a = { .f = f, .delay_ms = 0, .answer = false };
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, answer_destroy, &a), 0);
    wf_engine_shutdown(f->engine);
    uint64_t start = now_ms();
    wf_devfuse_stop(f->devfuse, 300);
    f->devfuse = NULL;
    uint64_t took = now_ms() - start;
    pthread_join(thread, NULL);
    assert_int_equal(a.after, 0);
    assert_true(took >= 250 && took < 3000);
}

static int fixture_teardown_stopped(void **state)
{
    fixture *f = *state;
    assert_null(f->devfuse);
    return fixture_teardown(state);
}

/* ---- Whole volumes over a file system process: this program with --fake-fs ---------------- */

static char self_path[4096];

/* The fake file system: answers INIT, STATFS and DESTROY, ends at end of file. With
   "daemonize" its first process exits 0 and a child serves, as libfuse without -f; with
   "no-destroy" a DESTROY is fatal (SIGABRT), as a destroy racing its workers can be; with
   "crash" so is a STATFS. */
static int fake_fs_main(const char *mode, const char *path)
{
    int fd = atoi(path + strlen("/dev/fd/"));
    static uint8_t message[WF_LAUNCHER_WANT_MESSAGE];
    if (strcmp(mode, "daemonize") == 0) {
        pid_t pid = fork();
        if (pid < 0)
            return 2;
        if (pid > 0)
            return 0;
        setsid();
    } else if (strcmp(mode, "fail") == 0) {
        fprintf(stderr, "fake-fs: failing on purpose\n");
        return 3;
    }
    for (;;) {
        ssize_t n = read(fd, message, sizeof message);
        if (n <= 0)
            return n == 0 ? 0 : 1;
        struct fuse_in_header in;
        memcpy(&in, message, sizeof in);
        uint8_t reply[sizeof(struct fuse_out_header) + 256];
        struct fuse_out_header out = { .len = sizeof out, .error = 0, .unique = in.unique };
        size_t body = 0;
        memset(reply, 0, sizeof reply);
        if (in.opcode == FUSE_INIT) {
            if (strcmp(mode, "refuse") == 0) {
                out.error = -WF_EPROTO;
            } else {
                struct fuse_init_out init = { .major = 7, .minor = 31,
                    .max_write = 128 * 1024 };
                memcpy(reply + sizeof out, &init, sizeof init);
                body = sizeof init;
            }
        } else if ((in.opcode == FUSE_DESTROY && strcmp(mode, "no-destroy") == 0) ||
                   (in.opcode == FUSE_STATFS && strcmp(mode, "crash") == 0)) {
            prctl(PR_SET_DUMPABLE, 0);      /* no core file */
            abort();
        } else if (in.opcode == FUSE_STATFS) {
            struct fuse_statfs_out st = { .st = { .blocks = 42, .bsize = 512,
                .frsize = 512 } };
            memcpy(reply + sizeof out, &st, sizeof st);
            body = sizeof st;
        } else if (in.opcode != FUSE_DESTROY) {
            out.error = -WF_ENOSYS;
        }
        out.len = (uint32_t)(sizeof out + body);
        memcpy(reply, &out, sizeof out);
        if (write(fd, reply, out.len) < 0)
            return 1;
    }
}

static wf_volume *mount_fake(const char *mode, unsigned timeout_ms, char *error, size_t size)
{
    char *argv[] = { self_path, "--fake-fs", (char *)mode, "{}", NULL };
    wf_volume_options options = { .fs_argv = argv, .init_timeout_ms = timeout_ms,
        .mount = WF_MOUNT_DEVFD };
    return wf_volume_mount(&options, error, size);
}

static void volume_mounts_serves_and_unmounts_a_file_system_process(void **state)
{
    (void)state;
    char error[256] = "";
    wf_volume *volume = mount_fake("serve", 0, error, sizeof error);
    if (!volume)
        fail_msg("mount failed: %s", error);
    FSP_FSCTL_VOLUME_INFO info;
    assert_int_equal(wf_fsd_query_volume(wf_volume_fsd(volume), &info), STATUS_SUCCESS);
    assert_int_equal(info.TotalSize, 42 * 512);
    assert_false(wf_volume_disconnected(volume));
    wf_engine_info engine_info;
    wf_engine_get_info(wf_volume_engine(volume), &engine_info);
    assert_int_equal(engine_info.write_size, 128 * 1024);
    uint64_t start = now_ms();
    wf_volume_unmount(volume);
    assert_true(now_ms() - start < 1500);
}

static void volume_works_with_a_file_system_that_daemonizes(void **state)
{
    (void)state;
    char error[256] = "";
    wf_volume *volume = mount_fake("daemonize", 0, error, sizeof error);
    if (!volume)
        fail_msg("mount failed: %s", error);
    /* Its first process is gone by now, or soon; the volume does not care. */
    usleep(100 * 1000);
    FSP_FSCTL_VOLUME_INFO info;
    assert_int_equal(wf_fsd_query_volume(wf_volume_fsd(volume), &info), STATUS_SUCCESS);
    assert_false(wf_volume_disconnected(volume));
    wf_volume_unmount(volume);
}

static void volume_unmount_sends_no_destroy_and_the_file_system_ends_by_itself(void **state)
{
    (void)state;
    char error[256] = "", report[96] = "";
    wf_volume *volume = mount_fake("no-destroy", 0, error, sizeof error);
    if (!volume)
        fail_msg("mount failed: %s", error);
    assert_true(wf_volume_unmount_checked(volume, report, sizeof report));
}

/* True while this process has a child that has exited and is not yet reaped. */
static bool zombie_child(void)
{
    siginfo_t info;
    memset(&info, 0, sizeof info);
    return waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid != 0;
}

static void volume_reaps_a_file_system_that_dies_and_reports_its_signal(void **state)
{
    (void)state;
    char error[256] = "", report[96] = "";
    wf_volume *volume = mount_fake("crash", 0, error, sizeof error);
    if (!volume)
        fail_msg("mount failed: %s", error);
    FSP_FSCTL_VOLUME_INFO info;
    assert_int_equal(wf_fsd_query_volume(wf_volume_fsd(volume), &info),
        STATUS_CONNECTION_DISCONNECTED);
    /* Reaped when its channel closed, long before the unmount. */
    uint64_t deadline = now_ms() + 3000;
    while ((!wf_volume_disconnected(volume) || zombie_child()) && now_ms() < deadline)
        usleep(10 * 1000);
    assert_true(wf_volume_disconnected(volume));
    assert_false(zombie_child());
    assert_false(wf_volume_unmount_checked(volume, report, sizeof report));
    assert_string_equal(report, "was killed by signal 6 (Aborted)");
}

static void volume_reports_the_exit_status_of_a_file_system_that_fails_before_init(void **state)
{
    (void)state;
    char error[256] = "";
    assert_null(mount_fake("fail", 0, error, sizeof error));
    assert_string_equal(error, "file system exited with status 3 before INIT");
}

static void volume_reports_a_command_that_cannot_run(void **state)
{
    (void)state;
    char error[256] = "";
    char *argv[] = { "/nonexistent/memfs", "{}", NULL };
    wf_volume_options options = { .fs_argv = argv, .mount = WF_MOUNT_DEVFD };
    assert_null(wf_volume_mount(&options, error, sizeof error));
    assert_string_equal(error, "cannot run /nonexistent/memfs: No such file or directory");
}

static void volume_reports_a_channel_closed_before_init(void **state)
{
    (void)state;
    char error[256] = "";
    char *argv[] = { "/bin/sh", "-c", "exit 0", NULL };
    wf_volume_options options = { .fs_argv = argv, .mount = WF_MOUNT_DEVFD };
    assert_null(wf_volume_mount(&options, error, sizeof error));
    assert_string_equal(error, "file system closed its channel before INIT");
}

static void volume_gives_up_on_a_file_system_that_never_answers_init(void **state)
{
    (void)state;
    char error[256] = "";
    /* Reads INIT, never answers, leaves at end of file. */
    char *argv[] = { "/bin/sh", "-c", "exec cat <&${1#/dev/fd/} >/dev/null", "sh", NULL };
    wf_volume_options options = { .fs_argv = argv, .init_timeout_ms = 200,
        .mount = WF_MOUNT_DEVFD };
    uint64_t start = now_ms();
    assert_null(wf_volume_mount(&options, error, sizeof error));
    assert_string_equal(error, "file system did not answer INIT within 200 ms");
    assert_true(now_ms() - start < 2000);
}

static void volume_reports_a_refused_init(void **state)
{
    (void)state;
    char error[256] = "";
    assert_null(mount_fake("refuse", 0, error, sizeof error));
    assert_non_null(strstr(error, "file system refused INIT"));
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--fake-fs") == 0)
        return fake_fs_main(argv[2], argv[3]);
    ssize_t n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
    if (n <= 0)
        return 1;
    self_path[n] = '\0';

    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(init_over_the_socket_negotiates_a_full_megabyte,
            fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(request_and_reply_cross_the_socket,
            fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(many_requests_are_in_flight_at_once_and_none_is_lost,
            fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(
            reply_longer_than_max_message_fails_its_request_and_the_pump_goes_on,
            fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(
            malformed_and_unknown_replies_are_counted_and_the_pump_goes_on,
            fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(
            an_empty_message_is_counted_and_dropped_not_taken_for_the_end,
            fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_waiting_caller_reads_its_own_reply,
            fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(
            waiting_callers_take_turns_reading_and_both_get_their_replies,
            fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(
            a_caller_reading_the_channel_returns_when_its_request_is_given_up,
            fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_caller_reading_the_channel_finds_its_end,
            fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(
            a_caller_whose_reply_takes_long_spins_a_bounded_while_then_sleeps,
            fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_caller_stops_spinning_while_replies_come_slowly,
            fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(with_spin_off_a_caller_sleeps_at_once,
            fixture_setup_no_spin, fixture_teardown),
        cmocka_unit_test_setup_teardown(busy_callers_get_every_answer_while_they_spin,
            fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_reply_in_pieces_is_gathered_whole,
            fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_refused_reply_is_one_bad_reply_and_no_unknown_one,
            fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(an_empty_message_before_the_end_still_ends_the_channel,
            fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(
            end_of_file_disconnects_the_engine_and_fails_what_is_in_flight,
            fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(traced_messages_still_flow,
            fixture_setup_traced, fixture_teardown),
        cmocka_unit_test_setup_teardown(stop_after_shutdown_waits_for_destroy_to_be_answered,
            fixture_setup, fixture_teardown_stopped),
        cmocka_unit_test_setup_teardown(stop_is_bounded_when_destroy_is_never_answered,
            fixture_setup, fixture_teardown_stopped),
        cmocka_unit_test(volume_mounts_serves_and_unmounts_a_file_system_process),
        cmocka_unit_test(volume_works_with_a_file_system_that_daemonizes),
        cmocka_unit_test(volume_unmount_sends_no_destroy_and_the_file_system_ends_by_itself),
        cmocka_unit_test(volume_reaps_a_file_system_that_dies_and_reports_its_signal),
        cmocka_unit_test(volume_reports_the_exit_status_of_a_file_system_that_fails_before_init),
        cmocka_unit_test(volume_reports_a_command_that_cannot_run),
        cmocka_unit_test(volume_reports_a_channel_closed_before_init),
        cmocka_unit_test(volume_gives_up_on_a_file_system_that_never_answers_init),
        cmocka_unit_test(volume_reports_a_refused_init),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
