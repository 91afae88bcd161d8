/* cpu.c — CPU time and context switches the benchmark costs: this process and its descendants (the file systems), per operation. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define WF_BENCH_CPU_MAX_PIDS 64u

unsigned wf_bench_descendants(int *pids, unsigned max)
{
    unsigned count = 0, next = 0;
    int parent = getpid();
    for (;;) {
        char path[64];
        struct dirent *d;
        snprintf(path, sizeof path, "/proc/%d/task", parent);
        DIR *dir = opendir(path);
        while (dir != NULL && (d = readdir(dir)) != NULL) {
            char children[96];
            if (d->d_name[0] == '.')
                continue;
            snprintf(children, sizeof children, "/proc/%d/task/%.16s/children", parent,
                d->d_name);
            FILE *f = fopen(children, "r");
            int pid;
            while (f != NULL && fscanf(f, "%d", &pid) == 1 && count < max)
                pids[count++] = pid;
            if (f != NULL)
                fclose(f);
        }
        if (dir != NULL)
            closedir(dir);
        if (next == count)
            return count;
        parent = pids[next++];
    }
}

static double wf_bench_clock_seconds(clockid_t clock)
{
    struct timespec t;
    if (clock_gettime(clock, &t) != 0)
        return 0;
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A process's CPU clock counts all its threads, ended ones too, at nanosecond grain (the
   tick counts in /proc/PID/stat are 10 ms: too coarse for a pass). */
double wf_bench_cpu_seconds(void)
{
    int pids[WF_BENCH_CPU_MAX_PIDS];
    unsigned n = wf_bench_descendants(pids, WF_BENCH_CPU_MAX_PIDS);
    double total = wf_bench_clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
    for (unsigned i = 0; i < n; i++) {
        clockid_t clock;
        if (clock_getcpuclockid(pids[i], &clock) == 0)
            total += wf_bench_clock_seconds(clock);
    }
    return total;
}

/* Sums the context switches of every live thread of pid. */
static double wf_bench_switches_of(int pid)
{
    char path[64], line[128];
    struct dirent *d;
    double sum = 0;
    snprintf(path, sizeof path, "/proc/%d/task", pid);
    DIR *dir = opendir(path);
    while (dir != NULL && (d = readdir(dir)) != NULL) {
        char status[96];
        if (d->d_name[0] == '.')
            continue;
        snprintf(status, sizeof status, "/proc/%d/task/%.16s/status", pid, d->d_name);
        FILE *f = fopen(status, "r");
        while (f != NULL && fgets(line, sizeof line, f) != NULL) {
            unsigned long long n;
            if (sscanf(line, "voluntary_ctxt_switches: %llu", &n) == 1 ||
                sscanf(line, "nonvoluntary_ctxt_switches: %llu", &n) == 1)
                sum += (double)n;
        }
        if (f != NULL)
            fclose(f);
    }
    if (dir != NULL)
        closedir(dir);
    return sum;
}

/* This process through getrusage (its ended threads count: the readers of a pass are
   joined before it is read); the file systems through /proc (their threads live on). */
double wf_bench_switches(void)
{
    int pids[WF_BENCH_CPU_MAX_PIDS];
    unsigned n = wf_bench_descendants(pids, WF_BENCH_CPU_MAX_PIDS);
    struct rusage usage;
    double total = 0;
    if (getrusage(RUSAGE_SELF, &usage) == 0)
        total = (double)usage.ru_nvcsw + (double)usage.ru_nivcsw;
    for (unsigned i = 0; i < n; i++)
        total += wf_bench_switches_of(pids[i]);
    return total;
}
