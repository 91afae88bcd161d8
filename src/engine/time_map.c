/* time_map.c — Unix time (seconds and nanoseconds since 1970) to NT time (100 ns units since 1601) and back. */
#include <stdint.h>

#include "winfuse/mappings.h"

#define WF_NT_TICKS_PER_SECOND   10000000u
#define WF_NS_PER_NT_TICK        100u
#define WF_NS_PER_SECOND         1000000000u
/* Seconds from 1601-01-01 to 1970-01-01: 369 years, 89 of them leap. */
#define WF_NT_UNIX_EPOCH_SECONDS INT64_C(11644473600)
/* NT times are LARGE_INTEGERs: above INT64_MAX they would read as negative (relative) times. */
#define WF_NT_TIME_MAX           ((uint64_t)INT64_MAX)

uint64_t wf_unix_to_nt_time(int64_t seconds, uint32_t nanoseconds)
{
    /* Any second count whose tick count stays within WF_NT_TIME_MAX, even with the
       sub-second part added (checked again below). */
    const int64_t max_seconds = (int64_t)(WF_NT_TIME_MAX / WF_NT_TICKS_PER_SECOND) - WF_NT_UNIX_EPOCH_SECONDS;
    uint64_t ticks;

    /* The file system is not trusted: a nanosecond count past the second stays in it. */
    if (nanoseconds >= WF_NS_PER_SECOND)
        nanoseconds = WF_NS_PER_SECOND - 1;
    if (seconds < -WF_NT_UNIX_EPOCH_SECONDS)
        return 0;
    if (seconds > max_seconds)
        return WF_NT_TIME_MAX;
    ticks = (uint64_t)(seconds + WF_NT_UNIX_EPOCH_SECONDS) * WF_NT_TICKS_PER_SECOND;
    /* Truncate, never round up: a time must not move into the next 100 ns. */
    ticks += nanoseconds / WF_NS_PER_NT_TICK;
    if (ticks > WF_NT_TIME_MAX)
        ticks = WF_NT_TIME_MAX;
    return ticks;
}

void wf_nt_to_unix_time(uint64_t nt_time, int64_t *seconds, uint32_t *nanoseconds)
{
    /* Every uint64_t NT time, even one above WF_NT_TIME_MAX, is about 1.8e12 seconds at most,
       well inside int64_t: nothing clamps. Seconds round down (towards 1601), so that the
       nanoseconds are always in [0, 1e9) as in a struct timespec, also before 1970. */
    uint64_t whole = nt_time / WF_NT_TICKS_PER_SECOND;
    uint32_t rest = (uint32_t)(nt_time % WF_NT_TICKS_PER_SECOND);

    *seconds = (int64_t)whole - WF_NT_UNIX_EPOCH_SECONDS;
    *nanoseconds = rest * WF_NS_PER_NT_TICK;
}
