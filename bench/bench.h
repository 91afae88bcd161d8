/* bench.h — one side of the benchmark: a memfs instance reached through the Linux kernel's FUSE or through WinFuse, behind the same few calls. */
#ifndef WINFUSE_BENCH_H
#define WINFUSE_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Runs per measurement at most (winfuse-bench and winfuse-mount-bench --runs). */
#define WF_BENCH_MAX_RUNS 51u

/* Request counts are kept for FUSE opcodes below this. */
#define WF_BENCH_OPCODES 64u

typedef struct wf_bench_error {
    char text[512];
} wf_bench_error;

void wf_bench_fail(wf_bench_error *error, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* The memfs instance a side serves: `memfs -o files=N,file_size=S,timeout=T`. */
typedef struct wf_bench_fs {
    unsigned files;
    uint64_t file_size;
    const char *timeout;        /* entry and attribute TTL in seconds, as memfs parses it */
} wf_bench_fs;

typedef struct wf_bench_side wf_bench_side;

/* An open file; each side embeds it first in its own handle. */
typedef struct wf_bench_file {
    wf_bench_side *side;
} wf_bench_file;

/* One listed entry with what the listing learnt of it; returns false to stop. */
typedef bool wf_bench_entry_fn(void *ctx, const char *name, uint64_t size, bool is_regular);

typedef struct wf_bench_side_ops {
    /* Opens the root's file name for reading, asks its attributes, closes it. */
    bool (*stat_file)(wf_bench_side *side, const char *name, uint64_t *size,
        bool *is_regular, wf_bench_error *error);
    /* Asks the root's file name's attributes without opening it for data: stat(2); on
       Windows, an open for FILE_READ_ATTRIBUTES only (as GetFileAttributesEx does). */
    bool (*stat_only)(wf_bench_side *side, const char *name, uint64_t *size,
        bool *is_regular, wf_bench_error *error);
    /* Opens the root's file name for uncached reads (see docs/performance.md). */
    bool (*open_file)(wf_bench_side *side, const char *name, wf_bench_file **file,
        wf_bench_error *error);
    /* buffer is page-aligned. Safe from several threads on one file. */
    bool (*read)(wf_bench_file *file, void *buffer, uint64_t offset, uint32_t length,
        uint32_t *got, wf_bench_error *error);
    void (*close_file)(wf_bench_file *file);
    /* Opens the root directory, lists every entry with its size, closes it. */
    bool (*list_root)(wf_bench_side *side, wf_bench_entry_fn *entry, void *ctx,
        wf_bench_error *error);
    /* FUSE requests the file system has received so far, by opcode; false when the side
       cannot count them. */
    bool (*count_requests)(wf_bench_side *side, uint64_t counts[WF_BENCH_OPCODES]);
    /* Unmounts, stops the file system and frees the side. */
    void (*unmount)(wf_bench_side *side);
} wf_bench_side_ops;

/* Each side embeds this first in its own state. */
struct wf_bench_side {
    const wf_bench_side_ops *ops;
};

/* memfs mounted through the kernel on a fresh directory under /tmp. With count_requests,
   memfs runs with -d into a log that count_requests reads (slow: for untimed passes). */
wf_bench_side *wf_bench_kernel_mount(const char *memfs, const wf_bench_fs *fs,
    bool count_requests, wf_bench_error *error);

/* memfs served through WinFuse: its devfuse socket as /dev/fd/N, the engine, the FSD
   stand-in's NT calls. Requests are counted by the engine. */
wf_bench_side *wf_bench_winfuse_mount(const char *memfs, const wf_bench_fs *fs,
    wf_bench_error *error);

/* memfs on a devfuse socket reached through the pump alone (wf_devfuse with a deliver
   hook: no engine, no FSD stand-in): FUSE requests sent from the calling thread, replies
   awaited in wf_devfuse_wait. Opens and reads only (the random-read rows). */
wf_bench_side *wf_bench_channel_mount(const char *memfs, const wf_bench_fs *fs,
    wf_bench_error *error);

/* Writes memfs's -o option string for fs into buffer; false when it does not fit. */
bool wf_bench_fs_options(const wf_bench_fs *fs, char *buffer, size_t size);

/* Creates an empty log file under /tmp for a memfs process's stderr; returns its
   descriptor (close-on-exec) and puts its path in path, or -1 with errno set. */
int wf_bench_log_create(char *path, size_t size);
/* Puts the last lines of the log at path (memfs's own words on why it failed) into error
   after what error already says. */
void wf_bench_log_append(wf_bench_error *error, const char *path);
/* Points stderr at fd while a memfs is started (its child inherits it); returns the saved
   stderr for wf_bench_stderr_restore, or -1 with errno set (stderr then unchanged). */
int wf_bench_stderr_redirect(int fd);
/* Puts the saved stderr back and closes the saved descriptor; nothing when saved < 0. */
void wf_bench_stderr_restore(int saved);

/* The median of n (1..WF_BENCH_MAX_RUNS) values. */
double wf_bench_median(const double *values, unsigned n);
/* A rate as the report prints it: one decimal below 100, else whole with thousands commas. */
void wf_bench_format_rate(double value, char *buffer, size_t size);

/* winfuse-bench --instructions (instructions.c): runs the driver below under callgrind and
   prints the engine's instructions per WinFsp request; self is this program's path. */
int wf_instructions_main(const char *self);
/* The driver callgrind runs: the workload (stat, open, read) for iterations passes. */
int wf_instructions_run(const char *workload, unsigned iterations);

/* How a WinFuse side's callers wait (-o spin=): no_spin, or spin_us (0: the default). */
typedef struct wf_bench_spin {
    bool off;
    unsigned us;
} wf_bench_spin;
extern wf_bench_spin wf_bench_winfuse_spin;

/* This process's descendants (the file systems and what started them), breadth first. */
unsigned wf_bench_descendants(int *pids, unsigned max);
/* CPU seconds (user and system) this process and its descendants have used so far. */
double wf_bench_cpu_seconds(void);
/* Context switches (voluntary and involuntary) of this process, ended threads included,
   and of its descendants' live threads so far. */
double wf_bench_switches(void);

/* winfuse-bench --wakeups: context switches of the host and of the file system per FUSE
   request, for a stat and a 4 KiB read from one thread (wakeups.c). */
int wf_wakeups_main(const char *memfs);

#endif
