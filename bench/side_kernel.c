/* side_kernel.c — the benchmark's kernel side: memfs mounted through the Linux kernel's FUSE, driven by POSIX calls. */
#define _GNU_SOURCE
#include "bench.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WF_KERNEL_MOUNT_TIMEOUT_MS 10000u
#define WF_KERNEL_EXIT_TIMEOUT_MS 5000u
#define WF_KERNEL_POLL_MS 2u
#define WF_KERNEL_UMOUNT_TRIES 50u

typedef struct wf_kernel_side {
    wf_bench_side side;
    pid_t pid;
    int root_fd;
    bool mounted;
    bool debug;                 /* memfs runs with -d: its log counts the requests */
    char mountpoint[64];
    char log_path[64];
} wf_kernel_side;

typedef struct wf_kernel_file {
    wf_bench_file base;
    int fd;
} wf_kernel_file;

static const wf_bench_side_ops wf_kernel_ops;

static wf_kernel_side *wf_kernel_of(wf_bench_side *side)
{
    return (wf_kernel_side *)(void *)side;
}

static void wf_kernel_sleep_ms(unsigned ms)
{
    struct timespec ts = { (time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L };
    nanosleep(&ts, NULL);
}

/* ---- the calls ------------------------------------------------------------------------- */

static bool wf_kernel_stat_file(wf_bench_side *side, const char *name, uint64_t *size,
    bool *is_regular, wf_bench_error *error)
{
    wf_kernel_side *k = wf_kernel_of(side);
    struct stat st;
    int fd = openat(k->root_fd, name, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        wf_bench_fail(error, "open %s: %s", name, strerror(errno));
        return false;
    }
    if (fstat(fd, &st) != 0) {
        wf_bench_fail(error, "fstat %s: %s", name, strerror(errno));
        close(fd);
        return false;
    }
    if (close(fd) != 0) {
        wf_bench_fail(error, "close %s: %s", name, strerror(errno));
        return false;
    }
    *size = (uint64_t)st.st_size;
    *is_regular = S_ISREG(st.st_mode);
    return true;
}

static bool wf_kernel_stat_only(wf_bench_side *side, const char *name, uint64_t *size,
    bool *is_regular, wf_bench_error *error)
{
    wf_kernel_side *k = wf_kernel_of(side);
    struct stat st;

    if (fstatat(k->root_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        wf_bench_fail(error, "fstatat %s: %s", name, strerror(errno));
        return false;
    }
    *size = (uint64_t)st.st_size;
    *is_regular = S_ISREG(st.st_mode);
    return true;
}

/* O_DIRECT: every read goes to the file system, as every WinFuse read does (the stand-in
   has no cache), so both sides move the same bytes through their FUSE channel. */
static bool wf_kernel_open_file(wf_bench_side *side, const char *name, wf_bench_file **file,
    wf_bench_error *error)
{
    wf_kernel_side *k = wf_kernel_of(side);
    wf_kernel_file *f = calloc(1, sizeof *f);

    if (f == NULL) {
        wf_bench_fail(error, "out of memory");
        return false;
    }
    f->base.side = side;
    f->fd = openat(k->root_fd, name, O_RDONLY | O_DIRECT | O_CLOEXEC);
    if (f->fd < 0) {
        wf_bench_fail(error, "open %s with O_DIRECT: %s", name, strerror(errno));
        free(f);
        return false;
    }
    *file = &f->base;
    return true;
}

static bool wf_kernel_read(wf_bench_file *file, void *buffer, uint64_t offset,
    uint32_t length, uint32_t *got, wf_bench_error *error)
{
    wf_kernel_file *f = (wf_kernel_file *)(void *)file;
    ssize_t n = pread(f->fd, buffer, length, (off_t)offset);

    if (n < 0) {
        wf_bench_fail(error, "pread of %u bytes at %llu: %s", (unsigned)length,
            (unsigned long long)offset, strerror(errno));
        return false;
    }
    *got = (uint32_t)n;
    return true;
}

static void wf_kernel_close_file(wf_bench_file *file)
{
    wf_kernel_file *f = (wf_kernel_file *)(void *)file;
    close(f->fd);
    free(f);
}

/* readdir, then fstatat of each name: what `ls -l` does for the sizes. */
static bool wf_kernel_list_root(wf_bench_side *side, wf_bench_entry_fn *entry, void *ctx,
    wf_bench_error *error)
{
    wf_kernel_side *k = wf_kernel_of(side);
    struct dirent *de;
    struct stat st;
    DIR *dir;
    int fd = openat(k->root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    bool ok = false;

    if (fd < 0) {
        wf_bench_fail(error, "opendir of the root: %s", strerror(errno));
        return false;
    }
    dir = fdopendir(fd);
    if (dir == NULL) {
        wf_bench_fail(error, "fdopendir: %s", strerror(errno));
        close(fd);
        return false;
    }
    for (;;) {
        errno = 0;
        de = readdir(dir);
        if (de == NULL) {
            if (errno != 0) {
                wf_bench_fail(error, "readdir: %s", strerror(errno));
                goto exit;
            }
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
            wf_bench_fail(error, "fstatat %s: %s", de->d_name, strerror(errno));
            goto exit;
        }
        if (!entry(ctx, de->d_name, (uint64_t)st.st_size, S_ISREG(st.st_mode)))
            break;
    }
    ok = true;
exit:
    closedir(dir);
    return ok;
}

/* Counts the requests memfs -d logged: lines "unique: U, opcode: NAME (N), ...". */
static bool wf_kernel_count_requests(wf_bench_side *side, uint64_t counts[WF_BENCH_OPCODES])
{
    wf_kernel_side *k = wf_kernel_of(side);
    char *line = NULL;
    size_t cap = 0;
    FILE *log;

    memset(counts, 0, WF_BENCH_OPCODES * sizeof counts[0]);
    if (!k->debug)
        return false;
    log = fopen(k->log_path, "re");
    if (log == NULL)
        return false;
    while (getline(&line, &cap, log) >= 0) {
        const char *op, *paren;
        unsigned long code;

        if (strncmp(line, "unique: ", 8) != 0 || (op = strstr(line, ", opcode: ")) == NULL)
            continue;
        paren = strchr(op, '(');
        if (paren == NULL)
            continue;
        code = strtoul(paren + 1, NULL, 10);
        if (code < WF_BENCH_OPCODES)
            counts[code]++;
    }
    free(line);
    fclose(log);
    return true;
}

/* ---- mount and unmount ----------------------------------------------------------------- */

/* Reaps memfs within timeout_ms; false if it is still running. */
static bool wf_kernel_reap(wf_kernel_side *k, unsigned timeout_ms, int *status)
{
    for (unsigned waited = 0;; waited += WF_KERNEL_POLL_MS) {
        pid_t r = waitpid(k->pid, status, WNOHANG);
        if (r == k->pid || (r < 0 && errno == ECHILD))
            return true;
        if (waited >= timeout_ms)
            return false;
        wf_kernel_sleep_ms(WF_KERNEL_POLL_MS);
    }
}

/* The kernel's unmount: memfs then reads ENODEV and exits. Busy only for a moment after
   the last close (an asynchronous RELEASE), hence the retries. */
static void wf_kernel_umount(wf_kernel_side *k)
{
    for (unsigned i = 0; i < WF_KERNEL_UMOUNT_TRIES; i++) {
        if (umount2(k->mountpoint, 0) == 0)
            return;
        if (errno != EBUSY)
            break;
        wf_kernel_sleep_ms(WF_KERNEL_POLL_MS * 5u);
    }
    if (umount2(k->mountpoint, MNT_DETACH) != 0)
        fprintf(stderr, "winfuse-bench: cannot unmount %s: %s\n", k->mountpoint,
            strerror(errno));
}

static void wf_kernel_unmount(wf_bench_side *side)
{
    wf_kernel_side *k = wf_kernel_of(side);
    int status;

    if (k->root_fd >= 0)
        close(k->root_fd);
    if (k->mounted)
        wf_kernel_umount(k);
    if (k->pid > 0 && !wf_kernel_reap(k, WF_KERNEL_EXIT_TIMEOUT_MS, &status)) {
        kill(k->pid, SIGKILL);
        waitpid(k->pid, &status, 0);
    }
    rmdir(k->mountpoint);
    unlink(k->log_path);
    free(k);
}

static pid_t wf_kernel_spawn(const char *memfs, char *options, const char *mountpoint,
    bool debug, int log_fd)
{
    char *argv[8];
    int n = 0;
    pid_t pid;

    argv[n++] = (char *)memfs;
    argv[n++] = "-f";
    if (debug)
        argv[n++] = "-d";
    argv[n++] = "-o";
    argv[n++] = options;
    argv[n++] = (char *)mountpoint;
    argv[n] = NULL;

    pid = fork();
    if (pid == 0) {
        if (dup2(log_fd, STDERR_FILENO) < 0)
            _exit(127);
        execv(memfs, argv);
        fprintf(stderr, "cannot run %s: %s\n", memfs, strerror(errno));
        _exit(127);
    }
    return pid;
}

wf_bench_side *wf_bench_kernel_mount(const char *memfs, const wf_bench_fs *fs,
    bool count_requests, wf_bench_error *error)
{
    wf_kernel_side *k = calloc(1, sizeof *k);
    char options[128];
    struct stat before, now;
    int log_fd = -1, status;
    unsigned waited;

    if (k == NULL) {
        wf_bench_fail(error, "out of memory");
        return NULL;
    }
    k->side.ops = &wf_kernel_ops;
    k->root_fd = -1;
    k->debug = count_requests;
    snprintf(k->mountpoint, sizeof k->mountpoint, "/tmp/winfuse-bench-XXXXXX");
    if (!wf_bench_fs_options(fs, options, sizeof options)) {
        wf_bench_fail(error, "memfs options too long");
        goto fail;
    }
    if (mkdtemp(k->mountpoint) == NULL) {
        wf_bench_fail(error, "cannot make a mount point: %s", strerror(errno));
        k->mountpoint[0] = '\0';
        goto fail;
    }
    log_fd = wf_bench_log_create(k->log_path, sizeof k->log_path);
    if (log_fd < 0 || stat(k->mountpoint, &before) != 0) {
        wf_bench_fail(error, "cannot make memfs's log: %s", strerror(errno));
        goto fail;
    }
    k->pid = wf_kernel_spawn(memfs, options, k->mountpoint, count_requests, log_fd);
    close(log_fd);
    if (k->pid < 0) {
        wf_bench_fail(error, "fork: %s", strerror(errno));
        goto fail;
    }

    /* Mounted once the directory shows another device; memfs exiting means it failed. */
    for (waited = 0;; waited += WF_KERNEL_POLL_MS) {
        if (stat(k->mountpoint, &now) == 0 && now.st_dev != before.st_dev)
            break;
        if (waitpid(k->pid, &status, WNOHANG) == k->pid) {
            k->pid = 0;
            wf_bench_fail(error, "memfs did not mount %s", k->mountpoint);
            wf_bench_log_append(error, k->log_path);
            goto fail;
        }
        if (waited >= WF_KERNEL_MOUNT_TIMEOUT_MS) {
            wf_bench_fail(error, "memfs did not mount %s within %u ms", k->mountpoint,
                WF_KERNEL_MOUNT_TIMEOUT_MS);
            goto fail;
        }
        wf_kernel_sleep_ms(WF_KERNEL_POLL_MS);
    }
    k->mounted = true;
    k->root_fd = open(k->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (k->root_fd < 0) {
        wf_bench_fail(error, "open %s: %s", k->mountpoint, strerror(errno));
        goto fail;
    }
    return &k->side;

fail:
    if (k->mountpoint[0] == '\0') {
        free(k);
        return NULL;
    }
    wf_kernel_unmount(&k->side);
    return NULL;
}

static const wf_bench_side_ops wf_kernel_ops = {
    .stat_file = wf_kernel_stat_file,
    .stat_only = wf_kernel_stat_only,
    .open_file = wf_kernel_open_file,
    .read = wf_kernel_read,
    .close_file = wf_kernel_close_file,
    .list_root = wf_kernel_list_root,
    .count_requests = wf_kernel_count_requests,
    .unmount = wf_kernel_unmount,
};
