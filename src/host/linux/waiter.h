/* waiter.h — one thread waiting for one response, as the FSD stand-in and the pump share it. */
#ifndef WINFUSE_HOST_WAITER_H
#define WINFUSE_HOST_WAITER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

/* Lives on the waiting thread's stack. done and leading belong to whoever implements the
   wait (under its lock); cond is initialised by the owner of the waiter. */
typedef struct wf_waiter {
    struct wf_waiter *next;     /* in the implementation's list of waiters */
    bool done;
    bool leading;               /* devfuse: this waiter's thread is reading the channel */
    /* devfuse: bumped (under its lock) at each wake-up for this waiter; the thread sleeps
       on it as a futex, so that a waker need not hold the lock while it wakes. */
    _Atomic unsigned wakes;
    bool sleeping;              /* devfuse: on wakes (under the lock); else no wake is made */
    pthread_cond_t cond;
} wf_waiter;

/* How a caller waits for its response when the host has a better way than a condition
   variable: wait returns once wake was called for the waiter (wake may come first, from
   any thread, even from inside wait). */
typedef struct wf_wait_ops {
    void (*wait)(void *ctx, wf_waiter *waiter);
    void (*wake)(void *ctx, wf_waiter *waiter);
    void *ctx;
} wf_wait_ops;

#endif
