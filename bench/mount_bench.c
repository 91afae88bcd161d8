/* mount_bench.c — `winfuse mount` beside a direct kernel FUSE mount of the same memfs and
   two references of two-layer stacks: libfuse's passthrough_ll over the direct mount, and
   the relay (fuse_relay.c: a kernel mount whose messages go unchanged to memfs, the floor of
   any two-layer design). The same POSIX calls on all four, medians of several runs as
   ratios (docs/performance.md, "winfuse mount"). Run as root by `make bench`; --quick
   makes every workload small, to see that it works. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define WF_MB_MIB (1024u * 1024u)
#define WF_MB_SMALL 4096u
#define WF_MB_MOUNT_TIMEOUT_MS 20000u
#define WF_MB_DEFAULT_RUNS 5u

typedef struct wf_mb_side {
    const char *name;
    char dir[64];
    pid_t pid;
} wf_mb_side;

typedef struct wf_mb_sizes {
    unsigned files;             /* files of the metadata rows */
    unsigned listings;          /* readdir passes */
    unsigned data_mib;          /* the sequential file */
} wf_mb_sizes;

static double wf_mb_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void wf_mb_sleep_ms(unsigned ms)
{
    struct timespec ts = { ms / 1000u, (long)(ms % 1000u) * 1000000L };
    nanosleep(&ts, NULL);
}

static bool wf_mb_mounted(const char *dir, dev_t before)
{
    struct stat st;
    return stat(dir, &st) == 0 && st.st_dev != before;
}

/* Starts argv (in the foreground, our child) and waits until dir is another device. */
static bool wf_mb_mount(wf_mb_side *side, char *const argv[])
{
    struct stat before;
    unsigned waited = 0;
    int status;

    snprintf(side->dir, sizeof side->dir, "/tmp/winfuse-mbench-XXXXXX");
    if (mkdtemp(side->dir) == NULL || stat(side->dir, &before) != 0) {
        fprintf(stderr, "mount_bench: mkdtemp: %s\n", strerror(errno));
        return false;
    }
    side->pid = fork();
    if (side->pid == 0) {
        execv(argv[0], argv);
        fprintf(stderr, "mount_bench: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    while (!wf_mb_mounted(side->dir, before.st_dev)) {
        if (side->pid < 0 || waitpid(side->pid, &status, WNOHANG) == side->pid ||
            waited >= WF_MB_MOUNT_TIMEOUT_MS) {
            fprintf(stderr, "mount_bench: %s did not mount %s\n", side->name, side->dir);
            side->pid = 0;
            return false;
        }
        wf_mb_sleep_ms(10);
        waited += 10;
    }
    return true;
}

static void wf_mb_unmount(wf_mb_side *side)
{
    char command[128];
    int status;
    if (side->pid <= 0)
        return;
    snprintf(command, sizeof command, "fusermount3 -u %s", side->dir);
    if (system(command) != 0)
        kill(side->pid, SIGTERM);
    waitpid(side->pid, &status, 0);
    rmdir(side->dir);
    side->pid = 0;
}

/* ---- the workloads: each returns operations (or bytes) per second, < 0 on failure ----- */

static void wf_mb_name(char *path, size_t size, const wf_mb_side *side, unsigned i)
{
    snprintf(path, size, "%s/f%05u", side->dir, i);
}

/* What file i holds: its number in every 4-byte word, so that a read of another file's
   data, or of a stale or misplaced block, is caught. */
static void wf_mb_fill(char *data, size_t size, unsigned i)
{
    for (size_t at = 0; at + sizeof i <= size; at += sizeof i)
        memcpy(data + at, &i, sizeof i);
}

static double wf_mb_create_write(const wf_mb_side *side, const wf_mb_sizes *z)
{
    static char data[WF_MB_SMALL];
    char path[PATH_MAX];
    double start = wf_mb_now();
    for (unsigned i = 0; i < z->files; i++) {
        wf_mb_name(path, sizeof path, side, i);
        wf_mb_fill(data, sizeof data, i);
        int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
        if (fd < 0 || write(fd, data, sizeof data) != (ssize_t)sizeof data || close(fd) != 0)
            return -1;
    }
    return z->files / (wf_mb_now() - start);
}

static double wf_mb_stat(const wf_mb_side *side, const wf_mb_sizes *z)
{
    char path[PATH_MAX];
    struct stat st;
    double start = wf_mb_now();
    for (unsigned i = 0; i < z->files; i++) {
        wf_mb_name(path, sizeof path, side, i);
        if (stat(path, &st) != 0 || st.st_size != WF_MB_SMALL)
            return -1;
    }
    return z->files / (wf_mb_now() - start);
}

static double wf_mb_open_read(const wf_mb_side *side, const wf_mb_sizes *z)
{
    static char data[WF_MB_SMALL], expected[WF_MB_SMALL];
    char path[PATH_MAX];
    double start = wf_mb_now();
    for (unsigned i = 0; i < z->files; i++) {
        wf_mb_name(path, sizeof path, side, i);
        wf_mb_fill(expected, sizeof expected, i);
        int fd = open(path, O_RDONLY);
        if (fd < 0 || read(fd, data, sizeof data) != (ssize_t)sizeof data || close(fd) != 0)
            return -1;
        if (memcmp(data, expected, sizeof data) != 0) {
            errno = EILSEQ;     /* "wrong data" in the failure line */
            return -1;
        }
    }
    return z->files / (wf_mb_now() - start);
}

static double wf_mb_readdir(const wf_mb_side *side, const wf_mb_sizes *z)
{
    double start = wf_mb_now();
    unsigned long entries = 0;
    for (unsigned pass = 0; pass < z->listings; pass++) {
        DIR *d = opendir(side->dir);
        if (d == NULL)
            return -1;
        while (readdir(d) != NULL)
            entries++;
        closedir(d);
    }
    if (entries < (unsigned long)z->files * z->listings)
        return -1;
    return entries / (wf_mb_now() - start);
}

static double wf_mb_seq_write(const wf_mb_side *side, const wf_mb_sizes *z)
{
    char path[PATH_MAX];
    char *buffer = malloc(WF_MB_MIB);
    double start, seconds;
    int fd;
    snprintf(path, sizeof path, "%s/big", side->dir);
    if (buffer == NULL)
        return -1;
    start = wf_mb_now();
    fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    for (unsigned i = 0; fd >= 0 && i < z->data_mib; i++)
        if ((wf_mb_fill(buffer, WF_MB_MIB, i), write(fd, buffer, WF_MB_MIB)) !=
            (ssize_t)WF_MB_MIB) {
            close(fd);
            fd = -1;
        }
    if (fd < 0 || fsync(fd) != 0 || close(fd) != 0) {
        free(buffer);
        return -1;
    }
    seconds = wf_mb_now() - start;
    free(buffer);
    return z->data_mib / seconds;
}

/* The page cache is dropped first, so that the reads go to the file system. Every MiB is
   compared with what was written there (MiB i holds i), on both sides alike. */
static double wf_mb_seq_read(const wf_mb_side *side, const wf_mb_sizes *z)
{
    char path[PATH_MAX];
    char *buffer = malloc(WF_MB_MIB), *expected = malloc(WF_MB_MIB);
    double start, seconds;
    unsigned got = 0;
    bool right = true;
    int fd;
    snprintf(path, sizeof path, "%s/big", side->dir);
    fd = open(path, O_RDONLY);
    if (buffer == NULL || expected == NULL || fd < 0) {
        free(buffer);
        free(expected);
        return -1;
    }
    posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    start = wf_mb_now();
    while (right && read(fd, buffer, WF_MB_MIB) == (ssize_t)WF_MB_MIB) {
        wf_mb_fill(expected, WF_MB_MIB, got);
        right = memcmp(buffer, expected, WF_MB_MIB) == 0;
        got++;
    }
    seconds = wf_mb_now() - start;
    close(fd);
    free(buffer);
    free(expected);
    if (!right)
        errno = EILSEQ;
    return right && got == z->data_mib ? z->data_mib / seconds : -1;
}

typedef struct wf_mb_row {
    const char *name, *unit;
    double (*run)(const wf_mb_side *side, const wf_mb_sizes *z);
    double target;
    /* Wait first for the kernel's 1 s entry and attribute caches to run out. */
    bool expire_cache;
} wf_mb_row;

static const wf_mb_row wf_mb_rows[] = {
    { "create+write 4 KiB+close", "ops/s", wf_mb_create_write, 0.5, false },
    { "stat (kernel cache expired)", "ops/s", wf_mb_stat, 0.5, true },
    { "open+read 4 KiB+close", "ops/s", wf_mb_open_read, 0.5, true },
    { "readdir", "entries/s", wf_mb_readdir, 0.5, true },
    { "sequential write, 1 MiB writes", "MiB/s", wf_mb_seq_write, 0.8, false },
    { "sequential read, 1 MiB reads", "MiB/s", wf_mb_seq_read, 0.8, false },
};

/* The sides, in the order they are mounted and printed. */
enum { WF_MB_DIRECT, WF_MB_STACKED, WF_MB_RELAY, WF_MB_WINFUSE, WF_MB_SIDES };

static const char *const wf_mb_side_names[WF_MB_SIDES] = {
    "direct kernel mount", "passthrough_ll stacked", "relay", "winfuse mount",
};
static const char *const wf_mb_short_names[WF_MB_SIDES] = {
    "direct", "stacked", "relay", "winfuse",
};

typedef struct wf_mb_result {
    double rate[WF_MB_SIDES][WF_BENCH_MAX_RUNS];
    const char *failed_side;    /* set once a run of the row failed */
    int failed_errno;
} wf_mb_result;

#define WF_MB_ROWS (sizeof wf_mb_rows / sizeof wf_mb_rows[0])

static void wf_mb_unmount_all(wf_mb_side sides[WF_MB_SIDES])
{
    /* passthrough_ll holds files open inside the direct mount: it goes first. */
    static const unsigned order[WF_MB_SIDES] = {
        WF_MB_STACKED, WF_MB_DIRECT, WF_MB_RELAY, WF_MB_WINFUSE,
    };
    for (unsigned i = 0; i < WF_MB_SIDES; i++)
        wf_mb_unmount(&sides[order[i]]);
}

typedef struct wf_mb_programs {
    char memfs[PATH_MAX + 16], winfuse[PATH_MAX + 16], relay[PATH_MAX + 32];
    char passthrough_ll[PATH_MAX + 32];
} wf_mb_programs;

/* One run: every side mounted afresh (so every run starts from the same empty memfs), then
   each row on all, the sides taking turns at going first from run to run (what ran just
   before changes a wake-up's cost on a VM, so each side gets the same neighbours). */
static bool wf_mb_run(const wf_mb_programs *p, const wf_mb_sizes *z, unsigned run,
    wf_mb_result *results)
{
    wf_mb_side sides[WF_MB_SIDES];
    char source[96];
    bool up;

    for (unsigned s = 0; s < WF_MB_SIDES; s++)
        sides[s] = (wf_mb_side){ .name = wf_mb_side_names[s] };
    /* The same memfs on every side, with the 1 s TTLs winfuse mount gives the kernel (the
       relay's and winfuse's memfs: its default); each argv names its side's directory,
       which wf_mb_mount makes before running it. passthrough_ll, off the shelf, with the
       same TTLs, serves a directory of the direct mount (its own, apart from the direct
       side's files) and keeps the kernel's 128 KiB read_ahead_kb; the relay raises its
       mount's to 1 MiB as winfuse mount does. */
    up = wf_mb_mount(&sides[WF_MB_DIRECT], (char *[]){ (char *)p->memfs, "-f", "-o",
        "timeout=1", sides[WF_MB_DIRECT].dir, NULL });
    snprintf(source, sizeof source, "source=%s/stacked", sides[WF_MB_DIRECT].dir);
    up = up && mkdir(source + strlen("source="), 0755) == 0;
    up = up && wf_mb_mount(&sides[WF_MB_STACKED], (char *[]){ (char *)p->passthrough_ll,
        "-f", "-o", source, "-o", "timeout=1", sides[WF_MB_STACKED].dir, NULL });
    up = up && wf_mb_mount(&sides[WF_MB_RELAY], (char *[]){ (char *)p->relay,
        sides[WF_MB_RELAY].dir, "--", (char *)p->memfs, "-f", NULL });
    up = up && wf_mb_mount(&sides[WF_MB_WINFUSE], (char *[]){ (char *)p->winfuse, "mount",
        "-f", sides[WF_MB_WINFUSE].dir, "--", (char *)p->memfs, "-f", NULL });
    if (!up) {
        wf_mb_unmount_all(sides);
        return false;
    }
    for (size_t r = 0; r < WF_MB_ROWS; r++) {
        const wf_mb_row *row = &wf_mb_rows[r];
        if (results[r].failed_side != NULL)
            continue;
        if (row->expire_cache)
            wf_mb_sleep_ms(1100);
        for (unsigned i = 0; i < WF_MB_SIDES; i++) {
            unsigned s = (run + i) % WF_MB_SIDES;
            double value = row->run(&sides[s], z);
            if (value < 0) {
                results[r].failed_side = sides[s].name;
                results[r].failed_errno = errno;
                break;
            }
            results[r].rate[s][run] = value;
        }
    }
    wf_mb_unmount_all(sides);
    return true;
}

static void wf_mb_usage(FILE *out)
{
    fprintf(out,
        "usage: winfuse-mount-bench [--quick] [--runs N]\n"
        "Times the same POSIX calls on a direct kernel FUSE mount of memfs, on a winfuse\n"
        "mount of it, and on two references of two FUSE layers: libfuse's passthrough_ll\n"
        "over the direct mount, and a relay that passes every message unchanged (the\n"
        "floor). As root; prints each row's medians and their ratios.\n"
        "  --quick   small workloads, one run unless --runs is given: to see that it works\n"
        "  --runs N  runs per row, 1..%u, every side mounted afresh for each (default %u)\n",
        WF_BENCH_MAX_RUNS, WF_MB_DEFAULT_RUNS);
}

int main(int argc, char **argv)
{
    static wf_mb_result results[WF_MB_ROWS];
    static wf_mb_programs programs;
    char self[PATH_MAX];
    wf_mb_sizes z = { 2000, 20, 256 };
    unsigned runs = 0;          /* 0: not given */
    bool quick = false;
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    double start = wf_mb_now();
    int status = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            quick = true;
        } else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            char *end;
            unsigned long value = strtoul(argv[++i], &end, 10);
            if (*end != '\0' || value < 1 || value > WF_BENCH_MAX_RUNS) {
                wf_mb_usage(stderr);
                return 2;
            }
            runs = (unsigned)value;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            wf_mb_usage(stdout);
            return 0;
        } else {
            wf_mb_usage(stderr);
            return 2;
        }
    }
    if (quick)
        z = (wf_mb_sizes){ 50, 2, 4 };
    if (runs == 0)
        runs = quick ? 1 : WF_MB_DEFAULT_RUNS;
    if (n <= 0)
        return 2;
    self[n] = '\0';
    *strrchr(self, '/') = '\0';
    snprintf(programs.memfs, sizeof programs.memfs, "%s/memfs", self);
    snprintf(programs.winfuse, sizeof programs.winfuse, "%s/winfuse", self);
    snprintf(programs.relay, sizeof programs.relay, "%s/winfuse-fuse-relay", self);
    snprintf(programs.passthrough_ll, sizeof programs.passthrough_ll,
        "%s/examples/passthrough_ll", self);

    for (unsigned run = 0; run < runs; run++) {
        fprintf(stderr, "winfuse-mount-bench: run %u of %u\n", run + 1, runs);
        if (!wf_mb_run(&programs, &z, run, results))
            return 2;
    }

    printf("winfuse mount and two references of two FUSE layers beside a direct kernel FUSE\n"
        "mount of memfs (%u files, %u MiB); runs: %u, each rate their median.\n"
        "  stacked: libfuse's passthrough_ll over a directory of the direct mount, off the\n"
        "           shelf (the kernel's 128 KiB read_ahead_kb)\n"
        "  relay:   a kernel mount whose every message goes unchanged to memfs, read_ahead_kb\n"
        "           raised to 1 MiB as winfuse mount does: the floor of winfuse's design\n\n",
        z.files, z.data_mib, runs);
    printf("%-32s %12s %12s %12s %12s\n", "median rate", wf_mb_short_names[0],
        wf_mb_short_names[1], wf_mb_short_names[2], wf_mb_short_names[3]);
    for (size_t r = 0; r < WF_MB_ROWS; r++) {
        const wf_mb_row *row = &wf_mb_rows[r];
        if (results[r].failed_side != NULL) {
            printf("%-32s failed on the %s: %s\n", row->name, results[r].failed_side,
                strerror(results[r].failed_errno));
            status = 1;
            continue;
        }
        printf("%-32s", row->name);
        for (unsigned s = 0; s < WF_MB_SIDES; s++) {
            char text[32];
            wf_bench_format_rate(wf_bench_median(results[r].rate[s], runs), text, sizeof text);
            printf(" %12s", text);
        }
        printf(" %s\n", row->unit);
    }

    printf("\n%-32s %8s %8s %8s %9s %7s\n", "ratio of medians", "stacked", "relay",
        "winfuse", "winfuse", "target");
    printf("%-32s %8s %8s %8s %9s %7s\n", "", "/direct", "/direct", "/direct", "/relay",
        "");
    for (size_t r = 0; r < WF_MB_ROWS; r++) {
        const wf_mb_row *row = &wf_mb_rows[r];
        double median[WF_MB_SIDES];
        if (results[r].failed_side != NULL)
            continue;
        for (unsigned s = 0; s < WF_MB_SIDES; s++)
            median[s] = wf_bench_median(results[r].rate[s], runs);
        printf("%-32s %8.2f %8.2f %8.2f %9.2f %7.2f\n", row->name,
            median[WF_MB_STACKED] / median[WF_MB_DIRECT],
            median[WF_MB_RELAY] / median[WF_MB_DIRECT],
            median[WF_MB_WINFUSE] / median[WF_MB_DIRECT],
            median[WF_MB_WINFUSE] / median[WF_MB_RELAY], row->target);
    }
    printf("(winfuse / relay: winfuse mount's share of the floor; target: the issue's, "
        "for winfuse / direct)\n");

    printf("\nevery run (unit as above):\n");
    for (size_t r = 0; r < WF_MB_ROWS; r++) {
        /* Each ratio line: the first side's rate over the second's, run by run. */
        static const unsigned ratios[][2] = {
            { WF_MB_STACKED, WF_MB_DIRECT }, { WF_MB_RELAY, WF_MB_DIRECT },
            { WF_MB_WINFUSE, WF_MB_DIRECT }, { WF_MB_WINFUSE, WF_MB_RELAY },
        };
        char text[32];
        if (results[r].failed_side != NULL)
            continue;
        printf("  %s:\n", wf_mb_rows[r].name);
        for (unsigned s = 0; s < WF_MB_SIDES; s++) {
            printf("    %-15s", wf_mb_short_names[s]);
            for (unsigned run = 0; run < runs; run++) {
                wf_bench_format_rate(results[r].rate[s][run], text, sizeof text);
                printf(" %s", text);
            }
            printf("\n");
        }
        for (size_t q = 0; q < sizeof ratios / sizeof ratios[0]; q++) {
            snprintf(text, sizeof text, "%s/%s", wf_mb_short_names[ratios[q][0]],
                wf_mb_short_names[ratios[q][1]]);
            printf("    %-15s", text);
            for (unsigned run = 0; run < runs; run++)
                printf(" %.2f", results[r].rate[ratios[q][0]][run] /
                    results[r].rate[ratios[q][1]][run]);
            printf("\n");
        }
    }
    printf("\ntotal time: %.1f s\n", wf_mb_now() - start);
    return status;
}
