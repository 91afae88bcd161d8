/* posix.c — platform.h for POSIX user mode (the Linux host and the tests). */
#define _POSIX_C_SOURCE 200809L
#include "platform/platform.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct wf_lock {
    pthread_mutex_t mutex;
};

struct wf_event {
    pthread_cond_t cond;
};

void *wf_mem_alloc(size_t size)
{
    return calloc(1, size ? size : 1);
}

void wf_mem_free(void *p)
{
    free(p);
}

void wf_mem_copy(void *dst, const void *src, size_t size)
{
    if (size)
        memmove(dst, src, size);
}

void wf_mem_set(void *dst, int value, size_t size)
{
    memset(dst, value, size);
}

int wf_mem_compare(const void *a, const void *b, size_t size)
{
    return size ? memcmp(a, b, size) : 0;
}

wf_lock *wf_lock_create(void)
{
    wf_lock *lock = calloc(1, sizeof *lock);
    if (lock && pthread_mutex_init(&lock->mutex, NULL) != 0) {
        free(lock);
        lock = NULL;
    }
    return lock;
}

void wf_lock_delete(wf_lock *lock)
{
    if (!lock)
        return;
    pthread_mutex_destroy(&lock->mutex);
    free(lock);
}

void wf_lock_acquire(wf_lock *lock)
{
    pthread_mutex_lock(&lock->mutex);
}

void wf_lock_release(wf_lock *lock)
{
    pthread_mutex_unlock(&lock->mutex);
}

wf_event *wf_event_create(void)
{
    wf_event *event = calloc(1, sizeof *event);
    pthread_condattr_t attr;
    if (!event)
        return NULL;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (pthread_cond_init(&event->cond, &attr) != 0) {
        free(event);
        event = NULL;
    }
    pthread_condattr_destroy(&attr);
    return event;
}

void wf_event_delete(wf_event *event)
{
    if (!event)
        return;
    pthread_cond_destroy(&event->cond);
    free(event);
}

bool wf_event_wait(wf_event *event, wf_lock *lock, uint32_t timeout_ms)
{
    struct timespec deadline;
    if (timeout_ms == UINT32_MAX) {
        pthread_cond_wait(&event->cond, &lock->mutex);
        return true;
    }
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    return pthread_cond_timedwait(&event->cond, &lock->mutex, &deadline) != ETIMEDOUT;
}

void wf_event_wake_one(wf_event *event)
{
    pthread_cond_signal(&event->cond);
}

void wf_event_wake_all(wf_event *event)
{
    pthread_cond_broadcast(&event->cond);
}

uint64_t wf_time_monotonic_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}
