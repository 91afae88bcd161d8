/* side_winfuse.c — the benchmark's WinFuse side: memfs on a devfuse socket, driven by the FSD stand-in's NT calls. */
#define _GNU_SOURCE
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "volume.h"
#include "winfuse/engine.h"
#include "winfuse/nt_constants.h"

#define WF_WINFUSE_PATH_MAX 300u
#define WF_WINFUSE_SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

typedef struct wf_winfuse_side {
    wf_bench_side side;
    wf_volume *volume;
    wf_fsd *fsd;
    char log_path[64];
} wf_winfuse_side;

typedef struct wf_winfuse_file {
    wf_bench_file base;
    wf_fsd_file *file;
} wf_winfuse_file;

static const wf_bench_side_ops wf_winfuse_ops;

static wf_winfuse_side *wf_winfuse_of(wf_bench_side *side)
{
    return (wf_winfuse_side *)(void *)side;
}

static bool wf_winfuse_path(const char *name, char *path, wf_bench_error *error)
{
    if ((size_t)snprintf(path, WF_WINFUSE_PATH_MAX, "\\%s", name) < WF_WINFUSE_PATH_MAX)
        return true;
    wf_bench_fail(error, "name too long: %s", name);
    return false;
}

static bool wf_winfuse_failed(wf_bench_error *error, const char *call, const char *what,
    NTSTATUS status)
{
    wf_bench_fail(error, "%s %s: %s", call, what, wf_ntstatus_name(status));
    return false;
}

/* ---- the calls ------------------------------------------------------------------------- */

/* Open, QueryInformation, Cleanup + Close. */
static bool wf_winfuse_query(wf_winfuse_side *w, const char *name, uint32_t access,
    uint32_t options, uint64_t *size, bool *is_regular, wf_bench_error *error)
{
    char path[WF_WINFUSE_PATH_MAX];
    FSP_FSCTL_FILE_INFO info;
    wf_fsd_file *file;
    NTSTATUS status;

    if (!wf_winfuse_path(name, path, error))
        return false;
    status = wf_fsd_create_file(w->fsd, &(wf_fsd_create_params){ .path = path,
        .desired_access = access, .share_access = WF_WINFUSE_SHARE_ALL,
        .create_disposition = FILE_OPEN, .create_options = options }, &file, NULL);
    if (status != STATUS_SUCCESS)
        return wf_winfuse_failed(error, "create_file", path, status);
    status = wf_fsd_query_info(file, &info);
    if (status != STATUS_SUCCESS) {
        wf_fsd_close(file);
        return wf_winfuse_failed(error, "query_info", path, status);
    }
    status = wf_fsd_close(file);
    if (status != STATUS_SUCCESS)
        return wf_winfuse_failed(error, "close", path, status);
    *size = info.FileSize;
    *is_regular = (info.FileAttributes & (FILE_ATTRIBUTE_DIRECTORY |
        FILE_ATTRIBUTE_REPARSE_POINT)) == 0;
    return true;
}

/* What open(O_RDONLY) + fstat + close asks, in NT terms: CreateFile for reading, then
   GetFileInformationByHandle, then CloseHandle (Cleanup, Close). */
static bool wf_winfuse_stat_file(wf_bench_side *side, const char *name, uint64_t *size,
    bool *is_regular, wf_bench_error *error)
{
    return wf_winfuse_query(wf_winfuse_of(side), name, GENERIC_READ,
        FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT, size, is_regular, error);
}

/* What stat(2) asks, as Windows asks it (GetFileAttributesEx): an open for attributes
   only, of the link itself, then QueryInformation and close. */
static bool wf_winfuse_stat_only(wf_bench_side *side, const char *name, uint64_t *size,
    bool *is_regular, wf_bench_error *error)
{
    return wf_winfuse_query(wf_winfuse_of(side), name, FILE_READ_ATTRIBUTES | SYNCHRONIZE,
        FILE_OPEN_REPARSE_POINT, size, is_regular, error);
}

/* FILE_NO_INTERMEDIATE_BUFFERING is Windows' O_DIRECT; the stand-in caches nothing
   anyway, so every read reaches the file system. */
static bool wf_winfuse_open_file(wf_bench_side *side, const char *name, wf_bench_file **file,
    wf_bench_error *error)
{
    wf_winfuse_side *w = wf_winfuse_of(side);
    char path[WF_WINFUSE_PATH_MAX];
    wf_winfuse_file *f;
    NTSTATUS status;

    if (!wf_winfuse_path(name, path, error))
        return false;
    f = calloc(1, sizeof *f);
    if (f == NULL) {
        wf_bench_fail(error, "out of memory");
        return false;
    }
    f->base.side = side;
    status = wf_fsd_create_file(w->fsd, &(wf_fsd_create_params){ .path = path,
        .desired_access = GENERIC_READ, .share_access = WF_WINFUSE_SHARE_ALL,
        .create_disposition = FILE_OPEN,
        .create_options = FILE_NON_DIRECTORY_FILE | FILE_NO_INTERMEDIATE_BUFFERING }, &f->file,
        NULL);
    if (status != STATUS_SUCCESS) {
        free(f);
        return wf_winfuse_failed(error, "create_file", path, status);
    }
    *file = &f->base;
    return true;
}

static bool wf_winfuse_read(wf_bench_file *file, void *buffer, uint64_t offset,
    uint32_t length, uint32_t *got, wf_bench_error *error)
{
    wf_winfuse_file *f = (wf_winfuse_file *)(void *)file;
    NTSTATUS status = wf_fsd_read(f->file, buffer, offset, length, got);

    if (status == STATUS_END_OF_FILE) {
        *got = 0;
        return true;
    }
    if (status != STATUS_SUCCESS) {
        wf_bench_fail(error, "read of %u bytes at %llu: %s", (unsigned)length,
            (unsigned long long)offset, wf_ntstatus_name(status));
        return false;
    }
    return true;
}

static void wf_winfuse_close_file(wf_bench_file *file)
{
    wf_winfuse_file *f = (wf_winfuse_file *)(void *)file;
    wf_fsd_close(f->file);
    free(f);
}

typedef struct wf_winfuse_listing {
    wf_bench_entry_fn *entry;
    void *ctx;
} wf_winfuse_listing;

static bool wf_winfuse_list_entry(void *ctx, const char *name, const FSP_FSCTL_FILE_INFO *info)
{
    wf_winfuse_listing *listing = ctx;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return true;
    return listing->entry(listing->ctx, name, info->FileSize,
        (info->FileAttributes & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_REPARSE_POINT)) == 0);
}

/* What `dir` does: open the directory, QueryDirectory to the end (each entry comes with
   its attributes and size), close. */
static bool wf_winfuse_list_root(wf_bench_side *side, wf_bench_entry_fn *entry, void *ctx,
    wf_bench_error *error)
{
    wf_winfuse_side *w = wf_winfuse_of(side);
    wf_winfuse_listing listing = { entry, ctx };
    wf_fsd_file *dir;
    NTSTATUS status;

    status = wf_fsd_create_file(w->fsd, &(wf_fsd_create_params){ .path = "\\",
        .desired_access = FILE_LIST_DIRECTORY | FILE_TRAVERSE | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
        .share_access = WF_WINFUSE_SHARE_ALL, .create_disposition = FILE_OPEN,
        .create_options = FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT }, &dir, NULL);
    if (status != STATUS_SUCCESS)
        return wf_winfuse_failed(error, "create_file", "\\", status);
    status = wf_fsd_query_directory(dir, NULL, wf_winfuse_list_entry, &listing);
    wf_fsd_close(dir);
    if (status != STATUS_SUCCESS)
        return wf_winfuse_failed(error, "query_directory", "\\", status);
    return true;
}

static bool wf_winfuse_count_requests(wf_bench_side *side, uint64_t counts[WF_BENCH_OPCODES])
{
    wf_winfuse_side *w = wf_winfuse_of(side);
    wf_engine_info info;
    size_t n = sizeof info.sent_by_opcode / sizeof info.sent_by_opcode[0];

    wf_engine_get_info(wf_volume_engine(w->volume), &info);
    memset(counts, 0, WF_BENCH_OPCODES * sizeof counts[0]);
    for (size_t i = 0; i < n && i < WF_BENCH_OPCODES; i++)
        counts[i] = info.sent_by_opcode[i];
    return true;
}

/* ---- mount and unmount ----------------------------------------------------------------- */

static void wf_winfuse_unmount(wf_bench_side *side)
{
    wf_winfuse_side *w = wf_winfuse_of(side);
    wf_volume_unmount(w->volume);
    unlink(w->log_path);
    free(w);
}

wf_bench_spin wf_bench_winfuse_spin;

/* memfs's stderr goes to a log, not into the report: at unmount libfuse says "short read
   on fuse device", its way of seeing the end of a socket. The launcher's child inherits
   our stderr, so it is pointed at the log while the child starts. */
wf_bench_side *wf_bench_winfuse_mount(const char *memfs, const wf_bench_fs *fs,
    wf_bench_error *error)
{
    wf_winfuse_side *w = calloc(1, sizeof *w);
    char program[512], foreground[] = "-f", option[] = "-o", options[128];
    char *argv[] = { program, foreground, option, options, NULL };
    wf_volume_options vo;
    char why[256] = "";
    int log_fd = -1, saved_stderr = -1;

    if (w == NULL) {
        wf_bench_fail(error, "out of memory");
        return NULL;
    }
    w->side.ops = &wf_winfuse_ops;
    if ((size_t)snprintf(program, sizeof program, "%s", memfs) >= sizeof program ||
        !wf_bench_fs_options(fs, options, sizeof options)) {
        wf_bench_fail(error, "memfs path or options too long");
        goto fail;
    }
    log_fd = wf_bench_log_create(w->log_path, sizeof w->log_path);
    if (log_fd < 0) {
        wf_bench_fail(error, "cannot make memfs's log: %s", strerror(errno));
        goto fail;
    }
    saved_stderr = wf_bench_stderr_redirect(log_fd);
    if (saved_stderr < 0) {
        wf_bench_fail(error, "cannot redirect memfs's stderr: %s", strerror(errno));
        goto fail;
    }

    memset(&vo, 0, sizeof vo);
    vo.fs_argv = argv;
    vo.no_spin = wf_bench_winfuse_spin.off;
    vo.spin_us = wf_bench_winfuse_spin.us;
    w->volume = wf_volume_mount(&vo, why, sizeof why);

    wf_bench_stderr_restore(saved_stderr);
    saved_stderr = -1;
    if (w->volume == NULL) {
        wf_bench_fail(error, "WinFuse mount of memfs: %s", why);
        wf_bench_log_append(error, w->log_path);
        goto fail;
    }
    w->fsd = wf_volume_fsd(w->volume);
    close(log_fd);
    return &w->side;

fail:
    wf_bench_stderr_restore(saved_stderr);
    if (log_fd >= 0) {
        close(log_fd);
        unlink(w->log_path);
    }
    free(w);
    return NULL;
}

static const wf_bench_side_ops wf_winfuse_ops = {
    .stat_file = wf_winfuse_stat_file,
    .stat_only = wf_winfuse_stat_only,
    .open_file = wf_winfuse_open_file,
    .read = wf_winfuse_read,
    .close_file = wf_winfuse_close_file,
    .list_root = wf_winfuse_list_root,
    .count_requests = wf_winfuse_count_requests,
    .unmount = wf_winfuse_unmount,
};
