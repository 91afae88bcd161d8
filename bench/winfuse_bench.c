/* winfuse_bench.c — WinFuse beside the Linux kernel's FUSE on the same file system (memfs): each workload on both in one run, medians and ratios. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "winfuse/fuse_abi.h"

#ifndef WF_BENCH_MEMFS
#define WF_BENCH_MEMFS "memfs"
#endif

#define WF_BENCH_KIB 1024u
#define WF_BENCH_MIB (1024u * 1024u)

#define WF_BENCH_META_FILES 1000u
#define WF_BENCH_META_FILE_SIZE (4u * WF_BENCH_KIB)
#define WF_BENCH_DATA_FILE_SIZE (64u * WF_BENCH_MIB)
#define WF_BENCH_SEQ_CHUNK WF_BENCH_MIB
#define WF_BENCH_RANDOM_BLOCK (4u * WF_BENCH_KIB)
#define WF_BENCH_RANDOM_READS_1 4000u       /* one thread */
#define WF_BENCH_RANDOM_READS_8 1000u       /* each of eight threads */
#define WF_BENCH_MAX_THREADS 8u
#define WF_BENCH_DEFAULT_RUNS 7u
/* Byte j of memfs's pre-populated file k is (k + j) mod 251. */
#define WF_BENCH_CONTENT_MOD 251u
/* Before a request count is read: time for asynchronous requests (RELEASE) to arrive. */
#define WF_BENCH_SETTLE_MS 100u
#define WF_BENCH_PAGE 4096u
#define WF_BENCH_IDLE_SAMPLE_MS 1000u

/* The channel side (--channel) runs only in the random-read rows. */
enum { WF_SIDE_KERNEL, WF_SIDE_WINFUSE, WF_SIDE_CHANNEL, WF_SIDES };
static const char *const wf_side_names[WF_SIDES] = { "kernel FUSE", "WinFuse",
    "channel alone" };
static bool wf_channel_on;
/* --channel-only: the channel side alone, no kernel mount (no root needed), so that
   `perf stat` or `strace -c -f` count the transport's system calls and nothing else. */
static bool wf_channel_only;

typedef struct wf_bench_sample {
    double seconds;
    double units;               /* what the rate counts (operations, bytes, entries) */
    double operations;          /* what a request count is divided by */
} wf_bench_sample;

typedef struct wf_bench_workload wf_bench_workload;
typedef bool wf_bench_pass_fn(wf_bench_side *side, const wf_bench_workload *w,
    wf_bench_sample *sample, wf_bench_error *error);

struct wf_bench_workload {
    const char *name;
    const char *label;          /* short, for the chart (--data) */
    const char *unit;
    double unit_size;           /* sample units per reported unit */
    const char *per;            /* what one operation is, for the request counts */
    wf_bench_fs fs;
    unsigned warmup_passes;     /* untimed passes after mounting: 0 times a cold cache */
    unsigned passes;            /* timed passes per run, so that a run lasts long enough */
    unsigned threads;
    unsigned reads_per_thread;
    wf_bench_pass_fn *pass;
};

typedef struct wf_bench_result {
    double rate[WF_SIDES][WF_BENCH_MAX_RUNS];
    double median[WF_SIDES];
    /* CPU seconds per operation, this process and the file systems (only one side works
       at a time), and their median. */
    double cpu[WF_SIDES][WF_BENCH_MAX_RUNS];
    double cpu_median[WF_SIDES];
    /* Context switches per operation, this process and the file systems, and their median. */
    double switches[WF_SIDES][WF_BENCH_MAX_RUNS];
    double switches_median[WF_SIDES];
    bool measured[WF_SIDES];    /* the side ran this row */
    bool counted[WF_SIDES];
    double requests[WF_SIDES][WF_BENCH_OPCODES];    /* per operation */
} wf_bench_result;

/* Expected content: pattern + offset % 251 holds up to 1 MiB of file0000 from offset. */
static unsigned char *wf_pattern;
static char wf_names[WF_BENCH_META_FILES][16];

/* ---- small helpers --------------------------------------------------------------------- */

static double wf_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void wf_sleep_ms(unsigned ms)
{
    struct timespec ts = { (time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L };
    nanosleep(&ts, NULL);
}

static bool wf_content_ok(const void *buffer, uint64_t offset, uint32_t length)
{
    return memcmp(buffer, wf_pattern + offset % WF_BENCH_CONTENT_MOD, length) == 0;
}

static void *wf_page_alloc(size_t size)
{
    void *p = aligned_alloc(WF_BENCH_PAGE, (size + WF_BENCH_PAGE - 1) / WF_BENCH_PAGE *
        WF_BENCH_PAGE);
    /* Touched now, so that no page fault lands inside a timed read. */
    if (p != NULL)
        memset(p, 0, size);
    return p;
}

/* ---- workload passes ------------------------------------------------------------------- */

typedef bool wf_bench_stat_fn(wf_bench_side *side, const char *name, uint64_t *size,
    bool *is_regular, wf_bench_error *error);

/* Asks every file's attributes through call, checking each size. */
static bool wf_pass_stat(wf_bench_side *side, wf_bench_stat_fn *call,
    const wf_bench_workload *w, wf_bench_sample *sample, wf_bench_error *error)
{
    double start = wf_now();

    for (unsigned i = 0; i < w->fs.files; i++) {
        uint64_t size = 0;
        bool regular = false;

        if (!call(side, wf_names[i], &size, &regular, error))
            return false;
        if (size != w->fs.file_size || !regular) {
            wf_bench_fail(error, "wrong answer: %s has size %llu%s, expected %llu, regular",
                wf_names[i], (unsigned long long)size, regular ? "" : " and is not regular",
                (unsigned long long)w->fs.file_size);
            return false;
        }
    }
    sample->seconds = wf_now() - start;
    sample->units = w->fs.files;
    sample->operations = w->fs.files;
    return true;
}

/* open + stat + close of every file. */
static bool wf_pass_metadata(wf_bench_side *side, const wf_bench_workload *w,
    wf_bench_sample *sample, wf_bench_error *error)
{
    return wf_pass_stat(side, side->ops->stat_file, w, sample, error);
}

/* stat of every file, without opening it for data. */
static bool wf_pass_stat_only(wf_bench_side *side, const wf_bench_workload *w,
    wf_bench_sample *sample, wf_bench_error *error)
{
    return wf_pass_stat(side, side->ops->stat_only, w, sample, error);
}

/* The whole file in order; only the reads are timed, every byte is checked between. */
static bool wf_pass_sequential(wf_bench_side *side, const wf_bench_workload *w,
    wf_bench_sample *sample, wf_bench_error *error)
{
    unsigned char *buffer = wf_page_alloc(WF_BENCH_SEQ_CHUNK);
    wf_bench_file *file = NULL;
    double busy = 0;
    unsigned reads = 0;
    bool ok = false;

    if (buffer == NULL) {
        wf_bench_fail(error, "out of memory");
        goto exit;
    }
    if (!side->ops->open_file(side, wf_names[0], &file, error))
        goto exit;
    for (uint64_t offset = 0; offset < w->fs.file_size; offset += WF_BENCH_SEQ_CHUNK) {
        uint64_t left = w->fs.file_size - offset;
        uint32_t want = left < WF_BENCH_SEQ_CHUNK ? (uint32_t)left : WF_BENCH_SEQ_CHUNK;
        uint32_t got = 0;
        double start = wf_now();

        if (!side->ops->read(file, buffer, offset, WF_BENCH_SEQ_CHUNK, &got, error))
            goto exit;
        busy += wf_now() - start;
        reads++;
        if (got != want || !wf_content_ok(buffer, offset, got)) {
            wf_bench_fail(error, "wrong answer: read at %llu returned %u bytes%s, expected %u",
                (unsigned long long)offset, (unsigned)got,
                got == want ? " with the wrong content" : "", (unsigned)want);
            goto exit;
        }
    }
    sample->seconds = busy;
    sample->units = (double)w->fs.file_size;
    sample->operations = reads;
    ok = true;
exit:
    if (file != NULL)
        side->ops->close_file(file);
    free(buffer);
    return ok;
}

typedef struct wf_reader {
    wf_bench_file *file;
    const wf_bench_workload *w;
    pthread_barrier_t *start;
    unsigned char *buffer;
    uint64_t seed;
    bool ok;
    wf_bench_error error;
} wf_reader;

/* xorshift64*: the same offsets on both sides, run after run. */
static uint64_t wf_random_next(uint64_t *state)
{
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    return *state * 2685821657736338717ull;
}

static void *wf_reader_main(void *arg)
{
    wf_reader *r = arg;
    uint64_t blocks = r->w->fs.file_size / WF_BENCH_RANDOM_BLOCK;

    pthread_barrier_wait(r->start);
    for (unsigned i = 0; i < r->w->reads_per_thread; i++) {
        uint64_t offset = wf_random_next(&r->seed) % blocks * WF_BENCH_RANDOM_BLOCK;
        uint32_t got = 0;

        if (!r->file->side->ops->read(r->file, r->buffer, offset, WF_BENCH_RANDOM_BLOCK,
                &got, &r->error))
            return NULL;
        if (got != WF_BENCH_RANDOM_BLOCK || !wf_content_ok(r->buffer, offset, got)) {
            wf_bench_fail(&r->error, "wrong answer: 4 KiB read at %llu returned %u bytes%s",
                (unsigned long long)offset, (unsigned)got,
                got == WF_BENCH_RANDOM_BLOCK ? " with the wrong content" : "");
            return NULL;
        }
    }
    r->ok = true;
    return NULL;
}

/* threads readers on one open file, each its own sequence of block-aligned offsets,
   every byte checked; timed from the common start to the last reader's end. */
static bool wf_pass_random(wf_bench_side *side, const wf_bench_workload *w,
    wf_bench_sample *sample, wf_bench_error *error)
{
    wf_reader readers[WF_BENCH_MAX_THREADS];
    pthread_t threads[WF_BENCH_MAX_THREADS];
    pthread_barrier_t start;
    wf_bench_file *file = NULL;
    unsigned started = 0, i;
    bool ok = false, barrier = false;
    double begin;

    memset(readers, 0, sizeof readers);
    if (!side->ops->open_file(side, wf_names[0], &file, error))
        return false;
    if (pthread_barrier_init(&start, NULL, w->threads + 1u) != 0) {
        wf_bench_fail(error, "pthread_barrier_init failed");
        goto exit;
    }
    barrier = true;
    for (i = 0; i < w->threads; i++) {
        readers[i].file = file;
        readers[i].w = w;
        readers[i].start = &start;
        readers[i].seed = 0x9e3779b97f4a7c15ull * (i + 1u);
        readers[i].buffer = wf_page_alloc(WF_BENCH_RANDOM_BLOCK);
        if (readers[i].buffer == NULL) {
            wf_bench_fail(error, "out of memory");
            goto exit;
        }
    }
    for (i = 0; i < w->threads; i++) {
        int err = pthread_create(&threads[i], NULL, wf_reader_main, &readers[i]);
        if (err != 0) {
            /* The barrier cannot be left half-filled: this is fatal to the run. */
            fprintf(stderr, "winfuse-bench: pthread_create: %s\n", strerror(err));
            exit(1);
        }
        started++;
    }
    pthread_barrier_wait(&start);
    begin = wf_now();
    for (i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    sample->seconds = wf_now() - begin;
    sample->units = (double)w->threads * w->reads_per_thread;
    sample->operations = sample->units;
    ok = true;
    for (i = 0; i < w->threads && ok; i++) {
        if (!readers[i].ok) {
            *error = readers[i].error;
            ok = false;
        }
    }
exit:
    for (i = 0; i < w->threads; i++)
        free(readers[i].buffer);
    if (barrier)
        pthread_barrier_destroy(&start);
    side->ops->close_file(file);
    return ok;
}

typedef struct wf_listing_check {
    const wf_bench_workload *w;
    bool seen[WF_BENCH_META_FILES];
    unsigned count;
    bool wrong;
    wf_bench_error *error;
} wf_listing_check;

/* Each listed name must be one of memfs's files, once, with its size. */
static bool wf_listing_entry(void *ctx, const char *name, uint64_t size, bool is_regular)
{
    wf_listing_check *check = ctx;
    unsigned index = 0;
    char *end = NULL;

    if (strncmp(name, "file", 4) == 0 && name[4] >= '0' && name[4] <= '9')
        index = (unsigned)strtoul(name + 4, &end, 10);
    if (end == NULL || *end != '\0' || index >= check->w->fs.files ||
        strcmp(name, wf_names[index]) != 0) {
        wf_bench_fail(check->error, "wrong answer: unexpected entry '%s'", name);
        check->wrong = true;
        return false;
    }
    if (check->seen[index] || size != check->w->fs.file_size || !is_regular) {
        wf_bench_fail(check->error, "wrong answer: %s listed %s, size %llu%s", name,
            check->seen[index] ? "twice" : "once", (unsigned long long)size,
            is_regular ? "" : ", not regular");
        check->wrong = true;
        return false;
    }
    check->seen[index] = true;
    check->count++;
    return true;
}

static bool wf_pass_listing(wf_bench_side *side, const wf_bench_workload *w,
    wf_bench_sample *sample, wf_bench_error *error)
{
    wf_listing_check *check = calloc(1, sizeof *check);
    bool ok = false;
    double start;

    if (check == NULL) {
        wf_bench_fail(error, "out of memory");
        return false;
    }
    check->w = w;
    check->error = error;
    start = wf_now();
    if (!side->ops->list_root(side, wf_listing_entry, check, error) || check->wrong)
        goto exit;
    sample->seconds = wf_now() - start;
    if (check->count != w->fs.files) {
        wf_bench_fail(error, "wrong answer: %u entries listed, expected %u", check->count,
            w->fs.files);
        goto exit;
    }
    sample->units = w->fs.files;
    sample->operations = 1;
    ok = true;
exit:
    free(check);
    return ok;
}

/* ---- the workloads --------------------------------------------------------------------- */

#define WF_META_FS(ttl) { WF_BENCH_META_FILES, WF_BENCH_META_FILE_SIZE, ttl }
#define WF_DATA_FS { 1, WF_BENCH_DATA_FILE_SIZE, "60" }

static const wf_bench_workload wf_workloads[] = {
    { .name = "open+stat+close, 1,000 files, TTL 0 (nothing cached)",
        .label = "open+stat+close TTL 0",
        .unit = "ops/s", .unit_size = 1, .per = "open+stat+close", .fs = WF_META_FS("0"),
        .passes = 1, .warmup_passes = 0, .threads = 1, .pass = wf_pass_metadata },
    { .name = "open+stat+close, 1,000 files, cold (TTL 60 s, first pass)",
        .label = "open+stat+close cold",
        .unit = "ops/s", .unit_size = 1, .per = "open+stat+close", .fs = WF_META_FS("60"),
        .passes = 1, .warmup_passes = 0, .threads = 1, .pass = wf_pass_metadata },
    { .name = "open+stat+close, 1,000 files, warm (TTL 60 s, after one pass)",
        .label = "open+stat+close warm",
        .unit = "ops/s", .unit_size = 1, .per = "open+stat+close", .fs = WF_META_FS("60"),
        .passes = 2, .warmup_passes = 1, .threads = 1, .pass = wf_pass_metadata },
    { .name = "stat only, 1,000 files, TTL 0 (nothing cached)",
        .label = "stat TTL 0",
        .unit = "ops/s", .unit_size = 1, .per = "stat", .fs = WF_META_FS("0"),
        .passes = 3, .warmup_passes = 0, .threads = 1, .pass = wf_pass_stat_only },
    { .name = "stat only, 1,000 files, warm (TTL 60 s, after one pass)",
        .label = "stat warm",
        .unit = "ops/s", .unit_size = 1, .per = "stat", .fs = WF_META_FS("60"),
        .passes = 50, .warmup_passes = 1, .threads = 1, .pass = wf_pass_stat_only },
    { .name = "sequential read, 64 MiB file, 1 MiB reads",
        .label = "sequential 1 MiB reads",
        .unit = "MiB/s", .unit_size = WF_BENCH_MIB, .per = "1 MiB read", .fs = WF_DATA_FS,
        .passes = 8, .warmup_passes = 0, .threads = 1, .pass = wf_pass_sequential },
    { .name = "random 4 KiB reads, 1 thread",
        .label = "random 4 KiB, 1 thread",
        .unit = "ops/s", .unit_size = 1, .per = "4 KiB read", .fs = WF_DATA_FS,
        .passes = 1, .warmup_passes = 0, .threads = 1, .reads_per_thread = WF_BENCH_RANDOM_READS_1, .pass = wf_pass_random },
    { .name = "random 4 KiB reads, 8 threads",
        .label = "random 4 KiB, 8 threads",
        .unit = "ops/s", .unit_size = 1, .per = "4 KiB read", .fs = WF_DATA_FS,
        .passes = 1, .warmup_passes = 0, .threads = 8, .reads_per_thread = WF_BENCH_RANDOM_READS_8, .pass = wf_pass_random },
    { .name = "list 1,000 files with sizes, TTL 60 s (after one listing)",
        .label = "list TTL 60 s",
        .unit = "entries/s", .unit_size = 1, .per = "listing", .fs = WF_META_FS("60"),
        .passes = 20, .warmup_passes = 1, .threads = 1, .pass = wf_pass_listing },
    { .name = "list 1,000 files with sizes, TTL 0",
        .label = "list TTL 0",
        .unit = "entries/s", .unit_size = 1, .per = "listing", .fs = WF_META_FS("0"),
        .passes = 5, .warmup_passes = 0, .threads = 1, .pass = wf_pass_listing },
};
#define WF_WORKLOADS (sizeof wf_workloads / sizeof wf_workloads[0])

/* ---- measuring ------------------------------------------------------------------------- */

static void wf_unmount_all(wf_bench_side *sides[WF_SIDES])
{
    for (unsigned s = 0; s < WF_SIDES; s++) {
        if (sides[s] != NULL)
            sides[s]->ops->unmount(sides[s]);
        sides[s] = NULL;
    }
}

/* With --channel, the random-read rows also run on the channel alone: the same reads
   sent as FUSE READs through devfuse's leader/follower wait, without the engine and the
   FSD stand-in, so that the transport's share of WinFuse's cost shows apart. */
static bool wf_has_channel(const wf_bench_workload *w)
{
    return wf_channel_on && w->pass == wf_pass_random;
}

/* Mounts a memfs for w on each side, then runs the warm-up passes. */
static bool wf_mount_all(const char *memfs, const wf_bench_workload *w, bool count_kernel,
    wf_bench_side *sides[WF_SIDES], wf_bench_error *error)
{
    if (!wf_channel_only) {
        sides[WF_SIDE_KERNEL] = wf_bench_kernel_mount(memfs, &w->fs, count_kernel, error);
        if (sides[WF_SIDE_KERNEL] == NULL)
            return false;
        sides[WF_SIDE_WINFUSE] = wf_bench_winfuse_mount(memfs, &w->fs, error);
        if (sides[WF_SIDE_WINFUSE] == NULL)
            goto fail;
    }
    if (wf_has_channel(w)) {
        sides[WF_SIDE_CHANNEL] = wf_bench_channel_mount(memfs, &w->fs, error);
        if (sides[WF_SIDE_CHANNEL] == NULL)
            goto fail;
    }
    for (unsigned s = 0; s < WF_SIDES; s++) {
        for (unsigned i = 0; i < w->warmup_passes && sides[s] != NULL; i++) {
            wf_bench_sample ignored;
            if (!w->pass(sides[s], w, &ignored, error))
                goto fail;
        }
    }
    return true;
fail:
    wf_unmount_all(sides);
    return false;
}

/* One extra, untimed pass per side that counts the FUSE requests it caused: the kernel's
   from memfs -d's log, WinFuse's from the engine. */
static bool wf_count_requests(const char *memfs, const wf_bench_workload *w,
    wf_bench_result *result, wf_bench_error *error)
{
    wf_bench_side *sides[WF_SIDES] = { NULL, NULL, NULL };
    uint64_t before[WF_BENCH_OPCODES], after[WF_BENCH_OPCODES];
    bool ok = false;

    if (!wf_mount_all(memfs, w, true, sides, error))
        return false;
    for (unsigned s = 0; s < WF_SIDES; s++) {
        wf_bench_sample sample;

        if (sides[s] == NULL)
            continue;
        wf_sleep_ms(WF_BENCH_SETTLE_MS);
        result->counted[s] = sides[s]->ops->count_requests(sides[s], before);
        if (!w->pass(sides[s], w, &sample, error))
            goto exit;
        wf_sleep_ms(WF_BENCH_SETTLE_MS);
        sides[s]->ops->count_requests(sides[s], after);
        for (unsigned op = 0; op < WF_BENCH_OPCODES; op++)
            result->requests[s][op] = (double)(after[op] - before[op]) / sample.operations;
    }
    ok = true;
exit:
    wf_unmount_all(sides);
    return ok;
}

/* Every run mounts both sides afresh: thread placement, which on two vCPUs decides much
   of a round trip's cost, then differs from run to run instead of holding for all runs. */
static bool wf_measure(const char *memfs, const wf_bench_workload *w, unsigned runs,
    wf_bench_result *result, wf_bench_error *error)
{
    wf_bench_side *sides[WF_SIDES] = { NULL, NULL, NULL };

    for (unsigned s = 0; s < WF_SIDES; s++)
        result->measured[s] = s == WF_SIDE_CHANNEL ? wf_has_channel(w) : !wf_channel_only;
    for (unsigned run = 0; run < runs; run++) {
        double seconds[WF_SIDES] = { 0 }, units[WF_SIDES] = { 0 };
        double cpu[WF_SIDES] = { 0 }, operations[WF_SIDES] = { 0 };
        double switches[WF_SIDES] = { 0 };

        if (!wf_mount_all(memfs, w, false, sides, error))
            return false;
        /* The sides take turns pass by pass, and at going first from run to run: on a VM
           what ran just before changes a wake-up's cost (an idle vCPU halts and polls),
           so each side gets the same neighbours. */
        for (unsigned p = 0; p < w->passes; p++) {
            for (unsigned i = 0; i < WF_SIDES; i++) {
                unsigned s = (run + i) % WF_SIDES;
                wf_bench_sample sample;
                if (sides[s] == NULL)
                    continue;
                double cpu0 = wf_bench_cpu_seconds(), switches0 = wf_bench_switches();

                if (!w->pass(sides[s], w, &sample, error)) {
                    wf_unmount_all(sides);
                    return false;
                }
                cpu[s] += wf_bench_cpu_seconds() - cpu0;
                switches[s] += wf_bench_switches() - switches0;
                operations[s] += sample.operations;
                seconds[s] += sample.seconds;
                units[s] += sample.units;
            }
        }
        for (unsigned s = 0; s < WF_SIDES; s++) {
            if (!result->measured[s])
                continue;
            result->rate[s][run] = units[s] / w->unit_size / seconds[s];
            result->cpu[s][run] = cpu[s] / operations[s];
            result->switches[s][run] = switches[s] / operations[s];
        }
        wf_unmount_all(sides);
    }
    for (unsigned s = 0; s < WF_SIDES; s++) {
        if (!result->measured[s])
            continue;
        result->median[s] = wf_bench_median(result->rate[s], runs);
        result->cpu_median[s] = wf_bench_median(result->cpu[s], runs);
        result->switches_median[s] = wf_bench_median(result->switches[s], runs);
    }
    return wf_count_requests(memfs, w, result, error);
}

/* ---- the report ------------------------------------------------------------------------ */

static void wf_format_requests(const double *per_op, char *buffer, size_t size)
{
    size_t used = 0;
    double total = 0;

    buffer[0] = '\0';
    for (unsigned op = 0; op < WF_BENCH_OPCODES; op++) {
        const char *name = wf_fuse_opcode_name(op);
        char unknown[16], value[32];
        double v = per_op[op];

        if (v <= 0)
            continue;
        total += v;
        if (name == NULL) {
            snprintf(unknown, sizeof unknown, "op %u", op);
            name = unknown;
        }
        if (v < 0.005)
            snprintf(value, sizeof value, "<0.01");     /* the pass's one open and close */
        else if (v - (double)(uint64_t)(v + 0.5) < 0.005 &&
            (double)(uint64_t)(v + 0.5) - v < 0.005)
            snprintf(value, sizeof value, "%.0f", v);
        else
            snprintf(value, sizeof value, "%.2f", v);
        used += (size_t)snprintf(buffer + used, size - used, "%s%s %s",
            used ? ", " : "", name, value);
        if (used >= size)
            return;
    }
    if (used == 0)
        snprintf(buffer, size, "none");
    else
        snprintf(buffer + used, size - used, " (%.2f in all)", total);
}

/* The aggregate "cpu" line of /proc/stat: jiffies in all, and idle (with iowait). */
static bool wf_cpu_times(unsigned long long *total, unsigned long long *idle)
{
    unsigned long long v[8] = { 0 };
    FILE *f = fopen("/proc/stat", "re");
    int n = f != NULL ? fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
        &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) : 0;

    if (f != NULL)
        fclose(f);
    if (n < 5)
        return false;
    *total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
    *idle = v[3] + v[4];
    return true;
}

/* How busy the CPUs are while this program sleeps: whether something else shares them
   (the load average would count this program's own threads). */
static void wf_cpu_busy(char *buffer, size_t size)
{
    unsigned long long t0, i0, t1, i1;

    if (!wf_cpu_times(&t0, &i0)) {
        snprintf(buffer, size, "unknown");
        return;
    }
    wf_sleep_ms(WF_BENCH_IDLE_SAMPLE_MS);
    if (!wf_cpu_times(&t1, &i1) || t1 <= t0) {
        snprintf(buffer, size, "unknown");
        return;
    }
    snprintf(buffer, size, "%.0f%%", 100.0 * (double)((t1 - t0) - (i1 - i0)) /
        (double)(t1 - t0));
}

static void wf_print_machine(unsigned runs, const char *memfs)
{
    char busy[32];

    struct utsname u;
    char model[256] = "unknown CPU", line[512];
    FILE *cpuinfo = fopen("/proc/cpuinfo", "re");

    if (cpuinfo != NULL) {
        while (fgets(line, sizeof line, cpuinfo) != NULL) {
            char *colon = strchr(line, ':');
            if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
                snprintf(model, sizeof model, "%s", colon + 2);
                model[strcspn(model, "\n")] = '\0';
                break;
            }
        }
        fclose(cpuinfo);
    }
    if (uname(&u) != 0)
        memset(&u, 0, sizeof u);
    printf("WinFuse beside the Linux kernel's FUSE, same file system (%s)\n", memfs);
    printf("machine: %ld CPUs (%s), %s %s %s\n", sysconf(_SC_NPROCESSORS_ONLN), model,
        u.sysname, u.release, u.machine);
    wf_cpu_busy(busy, sizeof busy);
    printf("CPUs busy with other work before the run: %s\n", busy);
    if (wf_bench_winfuse_spin.off)
        printf("WinFuse's callers sleep at once (--spin off)\n");
    else if (wf_bench_winfuse_spin.us)
        printf("WinFuse's callers spin up to %u µs before they sleep\n", wf_bench_winfuse_spin.us);
    printf("each rate is the median of the runs (%u); ratio = WinFuse / kernel (above 1: "
        "WinFuse faster)\n\n", runs);
}

/* --channel: the random rows' three sides, so that what the engine and the stand-in add
   to the transport (the devfuse pump, the socket, memfs) can be read off. */
static void wf_print_channel(const bool *done, const wf_bench_result *results)
{
    const wf_bench_result *r;
    char rate[WF_SIDES][32];
    bool header = false;

    for (unsigned i = 0; i < WF_WORKLOADS; i++) {
        r = &results[i];
        if (!done[i] || !r->measured[WF_SIDE_CHANNEL])
            continue;
        if (wf_channel_only) {
            if (!header)
                printf("The channel alone: FUSE READs through the devfuse pump's "
                    "leader/follower wait (medians):\n\n| workload | ops/s | CPU µs per read | "
                    "switches per read |\n|---|---:|---:|---:|\n");
            header = true;
            wf_bench_format_rate(r->median[WF_SIDE_CHANNEL], rate[0], sizeof rate[0]);
            printf("| %s | %s | %.1f | %.2f |\n", wf_workloads[i].name, rate[0],
                r->cpu_median[WF_SIDE_CHANNEL] * 1e6, r->switches_median[WF_SIDE_CHANNEL]);
            continue;
        }
        if (!header) {
            printf("\nThe channel alone (--channel): the same reads as FUSE READs through the "
                "devfuse pump's leader/follower wait, no engine, no FSD stand-in; CPU µs and "
                "context switches per operation, this process and memfs (medians):\n\n");
            printf("| workload | kernel FUSE | WinFuse | channel alone | WinFuse / kernel | "
                "channel / kernel | CPU µs kernel / WinFuse / channel | "
                "switches kernel / WinFuse / channel |\n"
                "|---|---:|---:|---:|---:|---:|---:|---:|\n");
            header = true;
        }
        for (unsigned s = 0; s < WF_SIDES; s++)
            wf_bench_format_rate(r->median[s], rate[s], sizeof rate[s]);
        printf("| %s | %s | %s | %s | %.2f | %.2f | %.1f / %.1f / %.1f | %.2f / %.2f / %.2f |\n",
            wf_workloads[i].name, rate[WF_SIDE_KERNEL], rate[WF_SIDE_WINFUSE],
            rate[WF_SIDE_CHANNEL], r->median[WF_SIDE_WINFUSE] / r->median[WF_SIDE_KERNEL],
            r->median[WF_SIDE_CHANNEL] / r->median[WF_SIDE_KERNEL],
            r->cpu_median[WF_SIDE_KERNEL] * 1e6, r->cpu_median[WF_SIDE_WINFUSE] * 1e6,
            r->cpu_median[WF_SIDE_CHANNEL] * 1e6, r->switches_median[WF_SIDE_KERNEL],
            r->switches_median[WF_SIDE_WINFUSE], r->switches_median[WF_SIDE_CHANNEL]);
    }
}

static void wf_print_report(const bool *done, const wf_bench_result *results, unsigned runs)
{
    char k[32], w[32], kr[512], wr[512];

    if (wf_channel_only) {
        wf_print_channel(done, results);
        return;
    }
    printf("| workload | unit | kernel FUSE | WinFuse | WinFuse / kernel |\n");
    printf("|---|---|---:|---:|---:|\n");
    for (unsigned i = 0; i < WF_WORKLOADS; i++) {
        if (!done[i])
            continue;
        wf_bench_format_rate(results[i].median[WF_SIDE_KERNEL], k, sizeof k);
        wf_bench_format_rate(results[i].median[WF_SIDE_WINFUSE], w, sizeof w);
        printf("| %s | %s | %s | %s | %.2f |\n", wf_workloads[i].name, wf_workloads[i].unit,
            k, w, results[i].median[WF_SIDE_WINFUSE] / results[i].median[WF_SIDE_KERNEL]);
    }

    printf("\nFUSE requests the file system received per operation (one extra untimed pass):\n\n");
    printf("| workload | per | kernel FUSE | WinFuse |\n|---|---|---|---|\n");
    for (unsigned i = 0; i < WF_WORKLOADS; i++) {
        if (!done[i])
            continue;
        wf_format_requests(results[i].requests[WF_SIDE_KERNEL], kr, sizeof kr);
        wf_format_requests(results[i].requests[WF_SIDE_WINFUSE], wr, sizeof wr);
        printf("| %s | %s | %s | %s |\n", wf_workloads[i].name, wf_workloads[i].per,
            results[i].counted[WF_SIDE_KERNEL] ? kr : "not counted",
            results[i].counted[WF_SIDE_WINFUSE] ? wr : "not counted");
    }

    /* What a spinning caller costs shows here, not in the rates. */
    printf("\nCPU time per operation, user and system, of this process and the file system "
        "(the whole pass; medians):\n\n");
    printf("| workload | per | kernel FUSE µs | WinFuse µs | WinFuse / kernel |\n"
        "|---|---|---:|---:|---:|\n");
    for (unsigned i = 0; i < WF_WORKLOADS; i++) {
        if (!done[i])
            continue;
        printf("| %s | %s | %.1f | %.1f | %.2f |\n", wf_workloads[i].name,
            wf_workloads[i].per, results[i].cpu_median[WF_SIDE_KERNEL] * 1e6,
            results[i].cpu_median[WF_SIDE_WINFUSE] * 1e6,
            results[i].cpu_median[WF_SIDE_WINFUSE] / results[i].cpu_median[WF_SIDE_KERNEL]);
    }

    wf_print_channel(done, results);

    printf("\nevery run (%s; unit as above):\n", "kernel FUSE / WinFuse");
    for (unsigned i = 0; i < WF_WORKLOADS; i++) {
        if (!done[i])
            continue;
        printf("  %s:\n", wf_workloads[i].name);
        for (unsigned s = 0; s < WF_SIDES; s++) {
            if (!results[i].measured[s])
                continue;
            printf("    %-12s", wf_side_names[s]);
            for (unsigned r = 0; r < runs; r++) {
                wf_bench_format_rate(results[i].rate[s][r], k, sizeof k);
                printf(" %s", k);
            }
            printf("\n");
        }
    }
}

/* The medians as tab-separated lines (label, unit, kernel, WinFuse, ratio) after a header
   line: what scripts/bench-chart.sh draws. */
static bool wf_write_data(const char *path, const bool *done, const wf_bench_result *results)
{
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "winfuse-bench: %s: %s\n", path, strerror(errno));
        return false;
    }
    fprintf(f, "workload\tunit\tkernel\twinfuse\tratio\n");
    for (unsigned i = 0; i < WF_WORKLOADS; i++) {
        if (!done[i])
            continue;
        fprintf(f, "%s\t%s\t%.1f\t%.1f\t%.4f\n", wf_workloads[i].label, wf_workloads[i].unit,
            results[i].median[WF_SIDE_KERNEL], results[i].median[WF_SIDE_WINFUSE],
            results[i].median[WF_SIDE_WINFUSE] / results[i].median[WF_SIDE_KERNEL]);
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "winfuse-bench: %s: %s\n", path, strerror(errno));
        return false;
    }
    return true;
}

/* ---- main ------------------------------------------------------------------------------ */

static void wf_usage(FILE *out)
{
    fprintf(out,
        "usage: winfuse-bench [--runs N] [--memfs PATH] [--only TEXT] [--data FILE]\n                     [--channel | --channel-only]\n"
        "       winfuse-bench --instructions | --wakeups [--spin off|on|US]\n"
        "Runs each workload on memfs through the Linux kernel's FUSE (mounted under /tmp;\n"
        "as root) and through WinFuse, and prints medians and ratios.\n"
        "  --runs N      runs per measurement, 1..%u (default %u)\n"
        "  --memfs PATH  the memfs program (default %s)\n"
        "  --only TEXT   only the workloads whose name contains TEXT\n"
        "  --data FILE   also write the medians and ratios, tab-separated, to FILE\n"
        "  --channel     random-read rows also through the devfuse channel alone (no engine,\n"
        "                no FSD stand-in), with CPU and context switches per read\n"
        "  --channel-only  only that side (no kernel mount, no root): for perf stat or strace\n"
        "  --instructions  instead: the engine's instructions per WinFsp request under\n"
        "                callgrind (no mount, no root needed)\n"
        "  --wakeups     instead: context switches per FUSE request through WinFuse\n"
        "  --spin off|on|US  how WinFuse's callers wait (-o spin=; default on)\n",
        WF_BENCH_MAX_RUNS, WF_BENCH_DEFAULT_RUNS, WF_BENCH_MEMFS);
}

/* --spin's value, as -o spin= takes it: off, on, or a cap in microseconds. */
static bool wf_bench_parse_spin(const char *text)
{
    char *end;
    unsigned long us;
    if (strcmp(text, "off") == 0 || strcmp(text, "0") == 0) {
        wf_bench_winfuse_spin.off = true;
        return true;
    }
    if (strcmp(text, "on") == 0)
        return true;
    us = strtoul(text, &end, 10);
    if (*end != '\0' || text[0] < '1' || text[0] > '9' || us > 1000)
        return false;
    wf_bench_winfuse_spin.us = (unsigned)us;
    return true;
}

int main(int argc, char **argv)
{
    static wf_bench_result results[WF_WORKLOADS];
    bool done[WF_WORKLOADS] = { false };
    const char *memfs = WF_BENCH_MEMFS, *only = NULL, *data = NULL;
    unsigned runs = WF_BENCH_DEFAULT_RUNS, ran = 0;
    wf_bench_error error;
    char busy[32];
    double start = wf_now();
    int status = 1;

    if (argc == 4 && strcmp(argv[1], "--instructions-run") == 0)
        return wf_instructions_run(argv[2], (unsigned)strtoul(argv[3], NULL, 10));
    if (argc >= 2 && strcmp(argv[1], "--wakeups") == 0) {
        if (argc == 4 && strcmp(argv[2], "--spin") == 0 && wf_bench_parse_spin(argv[3]))
            return wf_wakeups_main(memfs);
        if (argc == 2)
            return wf_wakeups_main(memfs);
        wf_usage(stderr);
        return 2;
    }
    if (argc == 2 && strcmp(argv[1], "--instructions") == 0) {
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0) {
            fprintf(stderr, "winfuse-bench: /proc/self/exe: %s\n", strerror(errno));
            return 1;
        }
        self[n] = '\0';
        return wf_instructions_main(self);
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            char *end;
            unsigned long n = strtoul(argv[++i], &end, 10);
            if (*end != '\0' || n < 1 || n > WF_BENCH_MAX_RUNS) {
                wf_usage(stderr);
                return 2;
            }
            runs = (unsigned)n;
        } else if (strcmp(argv[i], "--memfs") == 0 && i + 1 < argc) {
            memfs = argv[++i];
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
            data = argv[++i];
        } else if (strcmp(argv[i], "--channel") == 0) {
            wf_channel_on = true;
        } else if (strcmp(argv[i], "--channel-only") == 0) {
            wf_channel_on = wf_channel_only = true;
        } else if (strcmp(argv[i], "--spin") == 0 && i + 1 < argc) {
            if (!wf_bench_parse_spin(argv[++i])) {
                wf_usage(stderr);
                return 2;
            }
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            wf_usage(stdout);
            return 0;
        } else {
            wf_usage(stderr);
            return 2;
        }
    }
    if (access(memfs, X_OK) != 0) {
        fprintf(stderr, "winfuse-bench: cannot run %s: %s\n", memfs, strerror(errno));
        return 1;
    }

    wf_pattern = malloc(WF_BENCH_SEQ_CHUNK + WF_BENCH_CONTENT_MOD);
    if (wf_pattern == NULL) {
        fprintf(stderr, "winfuse-bench: out of memory\n");
        return 1;
    }
    for (unsigned i = 0; i < WF_BENCH_SEQ_CHUNK + WF_BENCH_CONTENT_MOD; i++)
        wf_pattern[i] = (unsigned char)(i % WF_BENCH_CONTENT_MOD);
    for (unsigned i = 0; i < WF_BENCH_META_FILES; i++)
        snprintf(wf_names[i], sizeof wf_names[i], "file%04u", i);

    wf_print_machine(runs, memfs);
    fflush(stdout);
    for (unsigned i = 0; i < WF_WORKLOADS; i++) {
        const wf_bench_workload *w = &wf_workloads[i];
        char k[32], f[32];

        if ((only != NULL && strstr(w->name, only) == NULL) ||
            (wf_channel_only && !wf_has_channel(w)))
            continue;
        fprintf(stderr, "winfuse-bench: %s ...", w->name);
        if (!wf_measure(memfs, w, runs, &results[i], &error)) {
            fprintf(stderr, "\nwinfuse-bench: %s: %s\n", w->name, error.text);
            goto exit;
        }
        done[i] = true;
        ran++;
        wf_bench_format_rate(results[i].median[WF_SIDE_KERNEL], k, sizeof k);
        wf_bench_format_rate(results[i].median[WF_SIDE_WINFUSE], f, sizeof f);
        if (wf_channel_only) {
            wf_bench_format_rate(results[i].median[WF_SIDE_CHANNEL], f, sizeof f);
            fprintf(stderr, " channel alone %s %s\n", f, w->unit);
        } else {
            fprintf(stderr, " kernel %s, WinFuse %s %s\n", k, f, w->unit);
        }
    }
    if (ran == 0) {
        fprintf(stderr, "winfuse-bench: no workload matches '%s'\n", only);
        goto exit;
    }
    wf_print_report(done, results, runs);
    if (data != NULL && !wf_write_data(data, done, results))
        goto exit;
    wf_cpu_busy(busy, sizeof busy);
    printf("\ntotal time: %.1f s; CPUs busy with other work after the run: %s\n",
        wf_now() - start, busy);
    status = 0;
exit:
    free(wf_pattern);
    return status;
}
