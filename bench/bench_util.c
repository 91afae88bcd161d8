/* bench_util.c — what the benchmarks share: error text, memfs's options, memfs's log file, medians and rates. */
#define _GNU_SOURCE
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How much of a failed memfs's log goes into the error. */
#define WF_BENCH_LOG_TAIL 200

void wf_bench_fail(wf_bench_error *error, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(error->text, sizeof error->text, format, args);
    va_end(args);
}

bool wf_bench_fs_options(const wf_bench_fs *fs, char *buffer, size_t size)
{
    int n = snprintf(buffer, size, "files=%u,file_size=%" PRIu64 ",timeout=%s", fs->files,
        fs->file_size, fs->timeout);
    return n > 0 && (size_t)n < size;
}

int wf_bench_log_create(char *path, size_t size)
{
    int fd;
    if ((size_t)snprintf(path, size, "/tmp/winfuse-bench-memfs-XXXXXX.log") >= size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    fd = mkostemps(path, 4, O_CLOEXEC);
    return fd;
}

int wf_bench_stderr_redirect(int fd)
{
    int saved;
    fflush(stderr);
    saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    if (saved < 0)
        return -1;
    if (dup2(fd, STDERR_FILENO) < 0) {
        int err = errno;
        close(saved);
        errno = err;
        return -1;
    }
    return saved;
}

void wf_bench_stderr_restore(int saved)
{
    if (saved < 0)
        return;
    dup2(saved, STDERR_FILENO);
    close(saved);
}

void wf_bench_log_append(wf_bench_error *error, const char *path)
{
    char tail[WF_BENCH_LOG_TAIL + 1];
    size_t used = strlen(error->text);
    ssize_t got;
    off_t end;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return;
    end = lseek(fd, 0, SEEK_END);
    if (end > WF_BENCH_LOG_TAIL)
        lseek(fd, end - WF_BENCH_LOG_TAIL, SEEK_SET);
    else
        lseek(fd, 0, SEEK_SET);
    got = read(fd, tail, WF_BENCH_LOG_TAIL);
    close(fd);
    if (got <= 0)
        return;
    tail[got] = '\0';
    while (got > 0 && (tail[got - 1] == '\n' || tail[got - 1] == '\r'))
        tail[--got] = '\0';
    /* One line in the report: memfs's newlines become " | ". */
    for (char *c = tail; *c; c++)
        if (*c == '\n')
            *c = '|';
    snprintf(error->text + used, sizeof error->text - used, " (memfs said: %s)", tail);
}

static int wf_compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double wf_bench_median(const double *values, unsigned n)
{
    double sorted[WF_BENCH_MAX_RUNS];
    memcpy(sorted, values, n * sizeof *values);
    qsort(sorted, n, sizeof *sorted, wf_compare_doubles);
    return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

void wf_bench_format_rate(double value, char *buffer, size_t size)
{
    char digits[32];
    size_t n, out = 0;

    if (value < 100) {
        snprintf(buffer, size, "%.1f", value);
        return;
    }
    snprintf(digits, sizeof digits, "%.0f", value);
    n = strlen(digits);
    for (size_t i = 0; i < n && out + 2 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buffer[out++] = ',';
        buffer[out++] = digits[i];
    }
    buffer[out] = '\0';
}
