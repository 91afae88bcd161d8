/* wakeups.c — `winfuse-bench --wakeups`: context switches per FUSE request through WinFuse, a count the machine's load does not change. */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define WF_WAKEUPS_ROUNDS 2000u
#define WF_WAKEUPS_FILES 100u
#define WF_WAKEUPS_BLOCK 4096u
#define WF_WAKEUPS_MAX_PIDS 64u
#define WF_WAKEUPS_THREADS 8u

typedef struct wf_switches {
    unsigned long long voluntary, involuntary;
} wf_switches;

/* Adds the switches of every thread of pid. */
static void wf_switches_of(int pid, wf_switches *sum)
{
    char path[64], line[128];
    struct dirent *d;
    snprintf(path, sizeof path, "/proc/%d/task", pid);
    DIR *dir = opendir(path);
    if (dir == NULL)
        return;
    while ((d = readdir(dir)) != NULL) {
        if (d->d_name[0] == '.')
            continue;
        char status[96];
        snprintf(status, sizeof status, "/proc/%d/task/%.16s/status", pid, d->d_name);
        FILE *f = fopen(status, "r");
        if (f == NULL)
            continue;
        while (fgets(line, sizeof line, f) != NULL) {
            unsigned long long n;
            if (sscanf(line, "voluntary_ctxt_switches: %llu", &n) == 1)
                sum->voluntary += n;
            else if (sscanf(line, "nonvoluntary_ctxt_switches: %llu", &n) == 1)
                sum->involuntary += n;
        }
        fclose(f);
    }
    closedir(dir);
}

static void wf_switches_now(wf_switches *host, wf_switches *fs)
{
    int pids[WF_WAKEUPS_MAX_PIDS];
    unsigned n = wf_bench_descendants(pids, WF_WAKEUPS_MAX_PIDS);
    memset(host, 0, sizeof *host);
    memset(fs, 0, sizeof *fs);
    wf_switches_of(getpid(), host);
    for (unsigned i = 0; i < n; i++)
        wf_switches_of(pids[i], fs);
}

static uint64_t wf_requests_now(wf_bench_side *side)
{
    uint64_t counts[WF_BENCH_OPCODES], total = 0;
    side->ops->count_requests(side, counts);
    for (unsigned i = 0; i < WF_BENCH_OPCODES; i++)
        total += counts[i];
    return total;
}

typedef bool wf_wakeups_round_fn(wf_bench_side *side, void *ctx, unsigned round,
    wf_bench_error *error);

static bool wf_wakeups_stat(wf_bench_side *side, void *ctx, unsigned round,
    wf_bench_error *error)
{
    char name[16];
    uint64_t size = 0;
    bool regular = false;
    (void)ctx;
    snprintf(name, sizeof name, "file%04u", round % WF_WAKEUPS_FILES);
    if (!side->ops->stat_only(side, name, &size, &regular, error))
        return false;
    if (size != WF_WAKEUPS_BLOCK || !regular) {
        wf_bench_fail(error, "%s: size %llu", name, (unsigned long long)size);
        return false;
    }
    return true;
}

typedef struct wf_wakeups_read {
    wf_bench_file *file;
    unsigned char *buffer;
} wf_wakeups_read;

static bool wf_wakeups_read_round(wf_bench_side *side, void *ctx, unsigned round,
    wf_bench_error *error)
{
    wf_wakeups_read *r = ctx;
    uint32_t got = 0;
    (void)side;
    (void)round;
    if (!r->file->side->ops->read(r->file, r->buffer, 0, WF_WAKEUPS_BLOCK, &got, error))
        return false;
    /* Byte j of file k is (k + j) mod 251: file0000 starts 0, 1, 2, ... */
    for (uint32_t j = 0; j < got; j++) {
        if (r->buffer[j] != (unsigned char)(j % 251u)) {
            wf_bench_fail(error, "read: byte %u is wrong", j);
            return false;
        }
    }
    if (got != WF_WAKEUPS_BLOCK) {
        wf_bench_fail(error, "read: %u bytes", got);
        return false;
    }
    return true;
}

typedef struct wf_wakeups_reader {
    pthread_t thread;
    wf_wakeups_read read;
    wf_bench_side *side;
    bool ok;
    wf_bench_error error;
} wf_wakeups_reader;

/* The switches of threads that ended within a round: /proc no longer lists them. */
static wf_switches wf_wakeups_ended;
static pthread_mutex_t wf_wakeups_ended_lock = PTHREAD_MUTEX_INITIALIZER;

static void *wf_wakeups_reader_main(void *arg)
{
    wf_wakeups_reader *reader = arg;
    struct rusage usage;
    reader->ok = true;
    for (unsigned i = 0; i < WF_WAKEUPS_ROUNDS / WF_WAKEUPS_THREADS && reader->ok; i++)
        reader->ok = wf_wakeups_read_round(reader->side, &reader->read, i, &reader->error);
    if (getrusage(RUSAGE_THREAD, &usage) == 0) {
        pthread_mutex_lock(&wf_wakeups_ended_lock);
        wf_wakeups_ended.voluntary += (unsigned long long)usage.ru_nvcsw;
        wf_wakeups_ended.involuntary += (unsigned long long)usage.ru_nivcsw;
        pthread_mutex_unlock(&wf_wakeups_ended_lock);
    }
    return NULL;
}

/* WF_WAKEUPS_ROUNDS reads of the same handle shared out among WF_WAKEUPS_THREADS threads
   at once (as the benchmark's random reads with 8 threads): where one thread's reply
   waits behind another's, or a lock makes a woken thread sleep again, it shows here. */
static bool wf_wakeups_read_threads(wf_bench_side *side, void *ctx, unsigned round,
    wf_bench_error *error)
{
    wf_wakeups_read *r = ctx;
    wf_wakeups_reader readers[WF_WAKEUPS_THREADS];
    unsigned started = 0;
    bool ok = true;
    (void)round;
    for (unsigned t = 0; t < WF_WAKEUPS_THREADS; t++) {
        readers[t].side = side;
        readers[t].read.file = r->file;
        readers[t].read.buffer = aligned_alloc(WF_WAKEUPS_BLOCK, WF_WAKEUPS_BLOCK);
        if (readers[t].read.buffer == NULL ||
            pthread_create(&readers[t].thread, NULL, wf_wakeups_reader_main, &readers[t]) != 0) {
            free(readers[t].read.buffer);
            wf_bench_fail(error, "cannot start reader %u", t);
            ok = false;
            break;
        }
        started++;
    }
    for (unsigned t = 0; t < started; t++) {
        pthread_join(readers[t].thread, NULL);
        if (ok && !readers[t].ok) {
            *error = readers[t].error;
            ok = false;
        }
        free(readers[t].read.buffer);
    }
    return ok;
}

/* rounds rounds of reads reads each (after one not counted). */
static bool wf_wakeups_measure(wf_bench_side *side, const char *what,
    wf_wakeups_round_fn *round, void *ctx, unsigned rounds, unsigned reads,
    wf_bench_error *error)
{
    wf_switches host0, fs0, host1, fs1;
    struct timespec t;
    if (!round(side, ctx, 0, error))
        return false;
    uint64_t requests0 = wf_requests_now(side);
    wf_switches_now(&host0, &fs0);
    double cpu0 = wf_bench_cpu_seconds();
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    double host_cpu0 = (double)t.tv_sec + (double)t.tv_nsec / 1e9;
    memset(&wf_wakeups_ended, 0, sizeof wf_wakeups_ended);
    for (unsigned i = 1; i <= rounds; i++) {
        if (!round(side, ctx, i, error))
            return false;
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    double host_cpu = (double)t.tv_sec + (double)t.tv_nsec / 1e9 - host_cpu0;
    double fs_cpu = wf_bench_cpu_seconds() - cpu0 - host_cpu;
    wf_switches_now(&host1, &fs1);
    host1.voluntary += wf_wakeups_ended.voluntary;
    host1.involuntary += wf_wakeups_ended.involuntary;
    double requests = (double)(wf_requests_now(side) - requests0);
    if (requests <= 0) {
        wf_bench_fail(error, "%s: no FUSE request counted", what);
        return false;
    }
    printf("| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f |\n", what,
        requests / ((double)rounds * reads),
        (double)(host1.voluntary - host0.voluntary + host1.involuntary - host0.involuntary) /
            requests,
        (double)(host1.voluntary - host0.voluntary) / requests,
        (double)(host1.involuntary - host0.involuntary) / requests,
        (double)(fs1.voluntary - fs0.voluntary) / requests,
        (double)(fs1.involuntary - fs0.involuntary) / requests,
        host_cpu * 1e6 / requests, fs_cpu * 1e6 / requests);
    return true;
}

int wf_wakeups_main(const char *memfs)
{
    wf_bench_fs fs = { .files = WF_WAKEUPS_FILES, .file_size = WF_WAKEUPS_BLOCK,
        .timeout = "0" };
    wf_bench_error error;
    wf_wakeups_read r = { NULL, NULL };
    int status = 1;

    wf_bench_side *side = wf_bench_winfuse_mount(memfs, &fs, &error);
    if (side == NULL) {
        fprintf(stderr, "winfuse-bench: %s\n", error.text);
        return 1;
    }
    printf("Context switches and CPU time per FUSE request through WinFuse, %u rounds of one "
        "thread (the last row: shared out among 8 threads; memfs, TTL 0; spin %s):\n\n",
        WF_WAKEUPS_ROUNDS, wf_bench_winfuse_spin.off ? "off" : "on");
    /* Under load a caller is preempted (involuntary) where it would have blocked
       (voluntary): the host's sum is the steady figure. */
    printf("| round | FUSE requests | host in all | host voluntary | host involuntary | "
        "file system voluntary | file system involuntary | host CPU µs | file system CPU µs |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    if (!wf_wakeups_measure(side, "stat only", wf_wakeups_stat, NULL, WF_WAKEUPS_ROUNDS, 1,
            &error))
        goto out;
    r.buffer = aligned_alloc(WF_WAKEUPS_BLOCK, WF_WAKEUPS_BLOCK);
    if (r.buffer == NULL || !side->ops->open_file(side, "file0000", &r.file, &error)) {
        if (r.buffer == NULL)
            wf_bench_fail(&error, "out of memory");
        goto out;
    }
    if (!wf_wakeups_measure(side, "4 KiB read", wf_wakeups_read_round, &r, WF_WAKEUPS_ROUNDS, 1,
            &error))
        goto out;
    /* Threads started and joined count a few switches: well under 0.01 a request. */
    if (!wf_wakeups_measure(side, "4 KiB read, 8 threads", wf_wakeups_read_threads, &r, 1,
            WF_WAKEUPS_ROUNDS, &error))
        goto out;
    status = 0;
out:
    if (status != 0)
        fprintf(stderr, "winfuse-bench: %s\n", error.text);
    if (r.file != NULL)
        side->ops->close_file(r.file);
    free(r.buffer);
    side->ops->unmount(side);
    return status;
}
