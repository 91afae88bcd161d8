/* nt.c — platform.h for the NT kernel (winfuse.sys): pool memory, fast mutexes, a condition variable. */
#include "platform/platform.h"

#include <wdm.h>

/* Only APIs that both mingw's libntoskrnl.a and Wine 8.0's ntoskrnl.exe export are used
   (scripts/cross-check-engine.sh checks the link against src/drivers/winfuse/ntoskrnl-allowed.txt):
   no ExAllocatePool2, no guarded mutexes, no push locks. The engine runs at PASSIVE_LEVEL
   (DeviceInit, DeviceTransact, DeviceFini, the expiration work item) and at APC_LEVEL while
   it holds one of these locks; nothing here may be called above APC_LEVEL. */

/* Pool tags as poolmon shows them: "WfMm" engine memory, "WfSy" locks and events. */
#define WF_TAG(a, b, c, d) ((ULONG)(a) | (ULONG)(b) << 8 | (ULONG)(c) << 16 | (ULONG)(d) << 24)
#define WF_TAG_MEMORY WF_TAG('W', 'f', 'M', 'm')
#define WF_TAG_SYNC WF_TAG('W', 'f', 'S', 'y')

struct wf_lock {
    FAST_MUTEX mutex;
};

/* A thread in wf_event_wait; lives on its stack, which stays resident because it waits in
   KernelMode. */
struct wf_waiter {
    struct wf_waiter *next, *prev;
    KEVENT wake;
    bool queued;    /* false once a waker took it off the queue and signalled it */
};

/* The waiters, oldest first. guard, not the caller's lock, protects the queue: platform.h
   lets a wake come without the lock (as pthread_cond_signal may), although the engine
   today wakes only while holding it. Lock order: the caller's lock, then guard. */
struct wf_event {
    FAST_MUTEX guard;
    struct wf_waiter *head, *tail;
};

/* Engine memory is paged: the engine touches it only at PASSIVE_LEVEL or APC_LEVEL (inside a
   fast mutex), where page faults are served, and a volume's tables, caches and buffers need
   not pin nonpaged memory. */
void *wf_mem_alloc(size_t size)
{
    void *p = ExAllocatePoolWithTag(PagedPool, size ? size : 1, WF_TAG_MEMORY);
    if (p)
        memset(p, 0, size ? size : 1);
    return p;
}

void wf_mem_free(void *p)
{
    if (p)      /* the pool bugchecks on NULL */
        ExFreePoolWithTag(p, WF_TAG_MEMORY);
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

/* Locks and events are nonpaged: a FAST_MUTEX holds a KEVENT, and the kernel's dispatcher
   touches dispatcher objects at DISPATCH_LEVEL. NonPagedPoolNx (Windows 8 and later): data
   only, as HVCI requires. */
static void *sync_alloc(size_t size)
{
    void *p = ExAllocatePoolWithTag(NonPagedPoolNx, size, WF_TAG_SYNC);
    if (p)
        memset(p, 0, size);
    return p;
}

wf_lock *wf_lock_create(void)
{
    wf_lock *lock = sync_alloc(sizeof *lock);
    if (lock)
        ExInitializeFastMutex(&lock->mutex);
    return lock;
}

void wf_lock_delete(wf_lock *lock)
{
    if (lock)
        ExFreePoolWithTag(lock, WF_TAG_SYNC);
}

/* A FAST_MUTEX raises to APC_LEVEL: the holder must not call into WinFsp (its transact
   asserts that APCs are enabled); the engine never holds a lock across a call out. */
void wf_lock_acquire(wf_lock *lock)
{
    ExAcquireFastMutex(&lock->mutex);
}

void wf_lock_release(wf_lock *lock)
{
    ExReleaseFastMutex(&lock->mutex);
}

wf_event *wf_event_create(void)
{
    wf_event *event = sync_alloc(sizeof *event);
    if (event)
        ExInitializeFastMutex(&event->guard);
    return event;
}

/* The engine deletes its event only when no thread can be waiting on it. */
void wf_event_delete(wf_event *event)
{
    if (event)
        ExFreePoolWithTag(event, WF_TAG_SYNC);
}

static void unlink_waiter(wf_event *event, struct wf_waiter *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else
        event->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        event->tail = w->prev;
    w->next = w->prev = NULL;
    w->queued = false;
}

/* Signals w, which the caller took off the queue under guard. w->next must have been read
   before: once signalled, a waiter that did not time out returns and its frame is gone. */
static void signal_waiter(struct wf_waiter *w)
{
    KeSetEvent(&w->wake, IO_NO_INCREMENT, FALSE);
}

/* The waiter is queued before the caller's lock is released, so a wake that follows any
   change made under that lock finds it: no lost wake-up. */
bool wf_event_wait(wf_event *event, wf_lock *lock, uint32_t timeout_ms)
{
    struct wf_waiter w;
    KeInitializeEvent(&w.wake, NotificationEvent, FALSE);
    ExAcquireFastMutex(&event->guard);
    w.next = NULL;
    w.prev = event->tail;
    if (event->tail)
        event->tail->next = &w;
    else
        event->head = &w;
    event->tail = &w;
    w.queued = true;
    ExReleaseFastMutex(&event->guard);
    ExReleaseFastMutex(&lock->mutex);

    LARGE_INTEGER due;
    PLARGE_INTEGER timeout = NULL;
    if (timeout_ms != UINT32_MAX) {
        due.QuadPart = -(LONGLONG)timeout_ms * 10000;   /* relative, in 100 ns units */
        timeout = &due;
    }
    NTSTATUS status = KeWaitForSingleObject(&w.wake, Executive, KernelMode, FALSE, timeout);
    bool woken = true;
    if (status == STATUS_TIMEOUT) {
        /* A waker may have taken w off the queue just now; it signals under guard, so once
           we hold guard it is done with w. Either way w leaves the queue before we return. */
        ExAcquireFastMutex(&event->guard);
        if (w.queued) {
            unlink_waiter(event, &w);
            woken = false;
        }
        ExReleaseFastMutex(&event->guard);
    }
    ExAcquireFastMutex(&lock->mutex);
    return woken;
}

void wf_event_wake_one(wf_event *event)
{
    ExAcquireFastMutex(&event->guard);
    struct wf_waiter *w = event->head;
    if (w) {
        unlink_waiter(event, w);
        signal_waiter(w);
    }
    ExReleaseFastMutex(&event->guard);
}

void wf_event_wake_all(wf_event *event)
{
    ExAcquireFastMutex(&event->guard);
    struct wf_waiter *w = event->head;
    event->head = event->tail = NULL;
    while (w) {
        struct wf_waiter *next = w->next;
        w->next = w->prev = NULL;
        w->queued = false;
        signal_waiter(w);
        w = next;
    }
    ExReleaseFastMutex(&event->guard);
}

/* Interrupt time: 100 ns units since boot, never set back; KeQueryInterruptTime reads it
   from KUSER_SHARED_DATA (a header macro on x64: no import). */
uint64_t wf_time_monotonic_ms(void)
{
    return (uint64_t)KeQueryInterruptTime() / 10000;
}
