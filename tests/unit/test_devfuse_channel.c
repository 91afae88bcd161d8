/* test_devfuse_channel.c — the pump without an engine (options.deliver): requests sent and replies awaited through the leader/follower wait, against a played file system. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "devfuse.h"
#include "launcher.h"
#include "winfuse/fuse_abi.h"

#define CALLERS 8u

typedef struct call {
    uint64_t unique;
    int32_t error;
    uint32_t got;
    unsigned char body[64];
    wf_waiter waiter;
    bool delivered;
} call;

typedef struct fixture {
    int fds[2];                 /* [0] the pump's, [1] the file system's */
    uint32_t max_message;
    wf_devfuse *devfuse;
    pthread_mutex_t lock;
    call *calls[CALLERS];       /* out, by slot */
    _Atomic unsigned notifications;
    _Atomic unsigned strays;    /* replies to nothing in flight */
} fixture;

/* The hook: finds the call by unique, copies its body and wakes its caller. */
static void deliver(void *context, const void *message, size_t len)
{
    fixture *f = context;
    struct fuse_out_header out;
    call *c = NULL;
    assert_true(len >= sizeof out);
    memcpy(&out, message, sizeof out);
    if (out.unique == 0) {
        atomic_fetch_add(&f->notifications, 1);
        return;
    }
    pthread_mutex_lock(&f->lock);
    for (unsigned i = 0; i < CALLERS && c == NULL; i++) {
        if (f->calls[i] != NULL && f->calls[i]->unique == out.unique) {
            c = f->calls[i];
            f->calls[i] = NULL;
        }
    }
    pthread_mutex_unlock(&f->lock);
    if (c == NULL) {
        atomic_fetch_add(&f->strays, 1);
        return;
    }
    c->error = out.error;
    c->got = (uint32_t)(len - sizeof out);
    if (c->got > sizeof c->body)
        c->got = sizeof c->body;
    memcpy(c->body, (const unsigned char *)message + sizeof out, c->got);
    c->delivered = true;
    wf_devfuse_wake(f->devfuse, &c->waiter);
}

static int fixture_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    pthread_mutex_init(&f->lock, NULL);
    assert_int_equal(wf_channel_create(f->fds, &f->max_message), 0);
    wf_devfuse_options options = { .fd = f->fds[0], .max_message = f->max_message,
        .deliver = deliver, .deliver_context = f };
    assert_int_equal(wf_devfuse_start(NULL, &options, &f->devfuse), 0);
    *state = f;
    return 0;
}

static int fixture_teardown(void **state)
{
    fixture *f = *state;
    wf_devfuse_stop(f->devfuse, 0);
    close(f->fds[1]);
    close(f->fds[0]);
    pthread_mutex_destroy(&f->lock);
    free(f);
    return 0;
}

/* The played file system's next request, within 5 s. */
static struct fuse_in_header fs_recv(fixture *f, void *body, size_t size)
{
    unsigned char message[256];
    struct pollfd p = { .fd = f->fds[1], .events = POLLIN };
    struct fuse_in_header in;
    assert_int_equal(poll(&p, 1, 5000), 1);
    ssize_t n = recv(f->fds[1], message, sizeof message, 0);
    assert_true(n >= (ssize_t)(sizeof in + size));
    memcpy(&in, message, sizeof in);
    assert_int_equal(in.len, n);
    memcpy(body, message + sizeof in, size);
    return in;
}

static void fs_reply(fixture *f, uint64_t unique, int32_t error, const void *body,
    size_t size)
{
    unsigned char message[256];
    struct fuse_out_header out = { .len = (uint32_t)(sizeof out + size), .error = error,
        .unique = unique };
    memcpy(message, &out, sizeof out);
    memcpy(message + sizeof out, body, size);
    assert_int_equal(send(f->fds[1], message, out.len, MSG_NOSIGNAL), (ssize_t)out.len);
}

typedef struct caller {
    fixture *f;
    unsigned slot;
    call c;
    pthread_t thread;
} caller;

/* Sends a GETATTR whose unique is 100 + slot, as the slot's call, and waits for it. */
static void *caller_run(void *arg)
{
    caller *k = arg;
    fixture *f = k->f;
    struct { struct fuse_in_header in; struct fuse_getattr_in body; } request;
    memset(&request, 0, sizeof request);
    request.in.len = sizeof request;
    request.in.opcode = FUSE_GETATTR;
    request.in.unique = k->c.unique = 100u + k->slot;
    request.in.nodeid = FUSE_ROOT_ID;
    pthread_mutex_lock(&f->lock);
    f->calls[k->slot] = &k->c;
    pthread_mutex_unlock(&f->lock);
    assert_int_equal(wf_devfuse_send_request(f->devfuse, &request, sizeof request), 0);
    wf_devfuse_wait(f->devfuse, &k->c.waiter);
    return NULL;
}

static void caller_start(fixture *f, caller *k, unsigned slot)
{
    memset(k, 0, sizeof *k);
    k->f = f;
    k->slot = slot;
    assert_int_equal(pthread_create(&k->thread, NULL, caller_run, k), 0);
}

static void start_refuses_a_channel_with_neither_an_engine_nor_a_deliver_hook(void **state)
{
    int fds[2];
    uint32_t max_message;
    wf_devfuse *devfuse = NULL;
    (void)state;
    assert_int_equal(wf_channel_create(fds, &max_message), 0);
    wf_devfuse_options options = { .fd = fds[0], .max_message = max_message };
    assert_int_equal(wf_devfuse_start(NULL, &options, &devfuse), EINVAL);
    assert_null(devfuse);
    close(fds[0]);
    close(fds[1]);
}

static void without_an_engine_a_caller_sends_and_its_reply_reaches_it_through_the_hook(
    void **state)
{
    fixture *f = *state;
    struct fuse_getattr_in getattr;
    caller k;
    caller_start(f, &k, 0);
    struct fuse_in_header in = fs_recv(f, &getattr, sizeof getattr);
    assert_int_equal(in.opcode, FUSE_GETATTR);
    assert_int_equal(in.unique, 100);
    fs_reply(f, in.unique, -ENOENT, "abc", 3);
    pthread_join(k.thread, NULL);
    assert_true(k.c.delivered);
    assert_int_equal(k.c.error, -ENOENT);
    assert_int_equal(k.c.got, 3);
    assert_memory_equal(k.c.body, "abc", 3);
    wf_devfuse_stats stats;
    wf_devfuse_get_stats(f->devfuse, &stats);
    assert_int_equal(stats.requests_sent, 1);
    assert_int_equal(stats.replies_received, 1);
}

/* Answered in the reverse order: each reply reaches its own caller, whichever thread
   reads it. */
static void many_callers_each_get_their_own_reply_in_any_order(void **state)
{
    fixture *f = *state;
    caller k[CALLERS];
    uint64_t uniques[CALLERS];
    for (unsigned i = 0; i < CALLERS; i++)
        caller_start(f, &k[i], i);
    for (unsigned i = 0; i < CALLERS; i++) {
        struct fuse_getattr_in getattr;
        uniques[i] = fs_recv(f, &getattr, sizeof getattr).unique;
    }
    for (unsigned i = CALLERS; i-- > 0;) {
        uint32_t body = (uint32_t)uniques[i] * 7u;
        fs_reply(f, uniques[i], 0, &body, sizeof body);
    }
    for (unsigned i = 0; i < CALLERS; i++) {
        uint32_t body;
        pthread_join(k[i].thread, NULL);
        assert_true(k[i].c.delivered);
        assert_int_equal(k[i].c.got, sizeof body);
        memcpy(&body, k[i].c.body, sizeof body);
        assert_int_equal(body, (100u + i) * 7u);
    }
    assert_int_equal(atomic_load(&f->strays), 0);
}

/* With no caller waiting the watcher reads the channel: a notification still arrives. */
static void a_notification_reaches_the_hook_with_no_caller_waiting(void **state)
{
    fixture *f = *state;
    fs_reply(f, 0, FUSE_NOTIFY_INVAL_INODE, "12345678", 8);
    for (unsigned i = 0; i < 500 && atomic_load(&f->notifications) == 0; i++) {
        struct timespec ms = { 0, 10000000L };
        nanosleep(&ms, NULL);
    }
    assert_int_equal(atomic_load(&f->notifications), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(start_refuses_a_channel_with_neither_an_engine_nor_a_deliver_hook),
        cmocka_unit_test_setup_teardown(
            without_an_engine_a_caller_sends_and_its_reply_reaches_it_through_the_hook,
            fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(many_callers_each_get_their_own_reply_in_any_order,
            fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_notification_reaches_the_hook_with_no_caller_waiting,
            fixture_setup, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
