/* platform.h — the only services the freestanding engine may use: memory, locks, time, events. */
#ifndef WINFUSE_PLATFORM_H
#define WINFUSE_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Memory. wf_mem_alloc returns zeroed memory or NULL; the engine handles NULL everywhere. */
void *wf_mem_alloc(size_t size);
void wf_mem_free(void *p);
void wf_mem_copy(void *dst, const void *src, size_t size);
void wf_mem_set(void *dst, int value, size_t size);
int wf_mem_compare(const void *a, const void *b, size_t size);

/* A non-recursive mutual-exclusion lock; never held across a wait for the file system. */
typedef struct wf_lock wf_lock;
wf_lock *wf_lock_create(void);
void wf_lock_delete(wf_lock *lock);
void wf_lock_acquire(wf_lock *lock);
void wf_lock_release(wf_lock *lock);

/* A condition variable: wf_event_wait must be called with the lock held; it releases it
   while waiting and holds it again on return. Wake-ups may be spurious: callers re-check
   their condition. Returns false on timeout. timeout_ms == UINT32_MAX waits forever. */
typedef struct wf_event wf_event;
wf_event *wf_event_create(void);
void wf_event_delete(wf_event *event);
bool wf_event_wait(wf_event *event, wf_lock *lock, uint32_t timeout_ms);
void wf_event_wake_one(wf_event *event);
void wf_event_wake_all(wf_event *event);

/* Monotonic time in milliseconds, for TTLs. */
uint64_t wf_time_monotonic_ms(void);

#endif
