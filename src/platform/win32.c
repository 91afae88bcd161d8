/* win32.c — platform.h for Windows user mode (the engine's tests as Windows programs). */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <string.h>

#include "platform/platform.h"

/* A slim reader/writer lock taken only exclusively: non-recursive like the contract asks,
   needs no destruction, and SleepConditionVariableSRW pairs with it. */
struct wf_lock {
    SRWLOCK srw;
};

struct wf_event {
    CONDITION_VARIABLE cond;
};

void *wf_mem_alloc(size_t size)
{
    return HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, size ? size : 1);
}

void wf_mem_free(void *p)
{
    if (p)
        HeapFree(GetProcessHeap(), 0, p);
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
    wf_lock *lock = wf_mem_alloc(sizeof *lock);
    if (lock)
        InitializeSRWLock(&lock->srw);
    return lock;
}

void wf_lock_delete(wf_lock *lock)
{
    wf_mem_free(lock);
}

void wf_lock_acquire(wf_lock *lock)
{
    AcquireSRWLockExclusive(&lock->srw);
}

void wf_lock_release(wf_lock *lock)
{
    ReleaseSRWLockExclusive(&lock->srw);
}

wf_event *wf_event_create(void)
{
    wf_event *event = wf_mem_alloc(sizeof *event);
    if (event)
        InitializeConditionVariable(&event->cond);
    return event;
}

void wf_event_delete(wf_event *event)
{
    wf_mem_free(event);
}

bool wf_event_wait(wf_event *event, wf_lock *lock, uint32_t timeout_ms)
{
    DWORD ms = timeout_ms == UINT32_MAX ? INFINITE : (DWORD)timeout_ms;
    if (SleepConditionVariableSRW(&event->cond, &lock->srw, ms, 0))
        return true;
    /* The lock is held again on failure too; only a timeout is reported as one. */
    return GetLastError() != ERROR_TIMEOUT;
}

void wf_event_wake_one(wf_event *event)
{
    WakeConditionVariable(&event->cond);
}

void wf_event_wake_all(wf_event *event)
{
    WakeAllConditionVariable(&event->cond);
}

/* The performance counter is monotonic and fine-grained (GetTickCount64 moves in ~16 ms
   steps), so a TTL of a few milliseconds behaves as on POSIX. Split to avoid overflow. */
uint64_t wf_time_monotonic_ms(void)
{
    LARGE_INTEGER now, freq;
    QueryPerformanceCounter(&now);
    QueryPerformanceFrequency(&freq);
    uint64_t ticks = (uint64_t)now.QuadPart, hz = (uint64_t)freq.QuadPart;
    return ticks / hz * 1000u + ticks % hz * 1000u / hz;
}
