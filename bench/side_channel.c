/* side_channel.c — the benchmark's "channel alone" side: memfs on a devfuse socket, sent FUSE requests straight through the pump's leader/follower wait, no engine, no FSD stand-in. */
#define _GNU_SOURCE
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devfuse.h"
#include "launcher.h"
#include "winfuse/fuse_abi.h"

#define WF_CHANNEL_GRACE_MS 2000u
#define WF_CHANNEL_DRAIN_MS 100u
#define WF_CHANNEL_NAME "file0000"

/* One request out: its caller waits on waiter (the engine's callers' way) until the reader
   of the channel, whoever it is, delivers the reply into buffer. */
typedef struct wf_channel_call {
    struct wf_channel_call *next;
    uint64_t unique;
    void *buffer;
    uint32_t cap;
    uint32_t got;
    int32_t error;
    wf_waiter waiter;
} wf_channel_call;

typedef struct wf_channel_side {
    wf_bench_side side;
    wf_launcher launcher;
    bool launched;
    wf_devfuse *devfuse;
    pthread_mutex_t lock;       /* calls */
    wf_channel_call *calls;
    _Atomic uint64_t next_unique;
    _Atomic uint64_t sent[WF_BENCH_OPCODES];
    uint32_t uid, gid, pid;     /* asked once, as the engine has them in its params */
    char log_path[64];
} wf_channel_side;

typedef struct wf_channel_file {
    wf_bench_file base;
    uint64_t nodeid;
    uint64_t fh;
} wf_channel_file;

static const wf_bench_side_ops wf_channel_ops;

static wf_channel_side *wf_channel_of(wf_bench_side *side)
{
    return (wf_channel_side *)(void *)side;
}

/* The pump's deliver hook: the reply goes to its call, as the engine copies a READ's data
   into its caller's buffer, and the caller is woken (or finds it done if it read it). */
static void wf_channel_deliver(void *context, const void *message, size_t len)
{
    wf_channel_side *c = context;
    struct fuse_out_header out;
    wf_channel_call **link, *call;

    if (len < sizeof out)
        return;
    memcpy(&out, message, sizeof out);
    pthread_mutex_lock(&c->lock);
    for (link = &c->calls; *link != NULL && (*link)->unique != out.unique;
        link = &(*link)->next)
        ;
    call = *link;
    if (call != NULL)
        *link = call->next;
    pthread_mutex_unlock(&c->lock);
    if (call == NULL)
        return;     /* a notification, or a reply nobody waits for */
    size_t body = len - sizeof out;
    call->error = out.error;
    call->got = (uint32_t)(body < call->cap ? body : call->cap);
    if (call->got)
        memcpy(call->buffer, (const uint8_t *)message + sizeof out, call->got);
    wf_devfuse_wake(c->devfuse, &call->waiter);
}

/* Sends opcode for nodeid with in (and name, NUL included, after it) and waits for the
   reply's body in out. Returns 0 or the reply's errno (positive). */
static int wf_channel_call_once(wf_channel_side *c, uint32_t opcode, uint64_t nodeid,
    const void *in, size_t in_len, const char *name, void *out, uint32_t out_cap,
    uint32_t *got)
{
    unsigned char message[256];
    struct fuse_in_header header;
    size_t name_len = name != NULL ? strlen(name) + 1 : 0;
    wf_channel_call call;
    int err;

    if (sizeof header + in_len + name_len > sizeof message)
        return ENAMETOOLONG;
    memset(&call, 0, sizeof call);
    call.unique = atomic_fetch_add(&c->next_unique, 1);
    call.buffer = out;
    call.cap = out_cap;
    memset(&header, 0, sizeof header);
    header.len = (uint32_t)(sizeof header + in_len + name_len);
    header.opcode = opcode;
    header.unique = call.unique;
    header.nodeid = nodeid;
    header.uid = c->uid;
    header.gid = c->gid;
    header.pid = c->pid;
    memcpy(message, &header, sizeof header);
    if (in_len)
        memcpy(message + sizeof header, in, in_len);
    if (name_len)
        memcpy(message + sizeof header + in_len, name, name_len);

    /* In the list before it can be answered. */
    pthread_mutex_lock(&c->lock);
    call.next = c->calls;
    c->calls = &call;
    pthread_mutex_unlock(&c->lock);
    if (opcode < WF_BENCH_OPCODES)
        atomic_fetch_add_explicit(&c->sent[opcode], 1, memory_order_relaxed);
    err = wf_devfuse_send_request(c->devfuse, message, header.len);
    if (err == 0 && opcode == FUSE_FORGET)
        err = -1;   /* no reply comes */
    if (err != 0) {
        wf_channel_call **link;
        pthread_mutex_lock(&c->lock);
        for (link = &c->calls; *link != NULL && *link != &call; link = &(*link)->next)
            ;
        if (*link != NULL)
            *link = call.next;
        pthread_mutex_unlock(&c->lock);
        return err < 0 ? 0 : err;
    }
    wf_devfuse_wait(c->devfuse, &call.waiter);
    if (got != NULL)
        *got = call.got;
    return -call.error;
}

static bool wf_channel_failed(wf_bench_error *error, const char *what, int err)
{
    wf_bench_fail(error, "channel: %s: %s", what, strerror(err));
    return false;
}

/* ---- the calls ------------------------------------------------------------------------- */

static bool wf_channel_unsupported(wf_bench_error *error)
{
    wf_bench_fail(error, "the channel side measures random reads only");
    return false;
}

static bool wf_channel_stat(wf_bench_side *side, const char *name, uint64_t *size,
    bool *is_regular, wf_bench_error *error)
{
    (void)side, (void)name, (void)size, (void)is_regular;
    return wf_channel_unsupported(error);
}

static bool wf_channel_list_root(wf_bench_side *side, wf_bench_entry_fn *entry, void *ctx,
    wf_bench_error *error)
{
    (void)side, (void)entry, (void)ctx;
    return wf_channel_unsupported(error);
}

/* LOOKUP + OPEN, as the engine's Create of a file not cached sends them. */
static bool wf_channel_open_file(wf_bench_side *side, const char *name, wf_bench_file **file,
    wf_bench_error *error)
{
    wf_channel_side *c = wf_channel_of(side);
    struct fuse_entry_out entry;
    struct fuse_open_in open_in = { .flags = O_RDONLY };
    struct fuse_open_out open_out;
    uint32_t got = 0;
    wf_channel_file *f;
    int err;

    err = wf_channel_call_once(c, FUSE_LOOKUP, FUSE_ROOT_ID, NULL, 0, name, &entry,
        sizeof entry, &got);
    if (err == 0 && got < FUSE_COMPAT_ENTRY_OUT_SIZE)
        err = EPROTO;
    if (err != 0)
        return wf_channel_failed(error, "LOOKUP", err);
    err = wf_channel_call_once(c, FUSE_OPEN, entry.nodeid, &open_in, sizeof open_in, NULL,
        &open_out, sizeof open_out, &got);
    if (err == 0 && got < sizeof open_out)
        err = EPROTO;
    if (err != 0)
        return wf_channel_failed(error, "OPEN", err);
    f = calloc(1, sizeof *f);
    if (f == NULL) {
        wf_bench_fail(error, "out of memory");
        return false;
    }
    f->base.side = side;
    f->nodeid = entry.nodeid;
    f->fh = open_out.fh;
    *file = &f->base;
    return true;
}

static bool wf_channel_read(wf_bench_file *file, void *buffer, uint64_t offset,
    uint32_t length, uint32_t *got, wf_bench_error *error)
{
    wf_channel_file *f = (wf_channel_file *)(void *)file;
    struct fuse_read_in in = { .fh = f->fh, .offset = offset, .size = length,
        .flags = O_RDONLY };
    int err = wf_channel_call_once(wf_channel_of(file->side), FUSE_READ, f->nodeid, &in,
        sizeof in, NULL, buffer, length, got);

    if (err != 0) {
        wf_bench_fail(error, "channel: READ of %u bytes at %llu: %s", (unsigned)length,
            (unsigned long long)offset, strerror(err));
        return false;
    }
    return true;
}

static void wf_channel_close_file(wf_bench_file *file)
{
    wf_channel_file *f = (wf_channel_file *)(void *)file;
    wf_channel_side *c = wf_channel_of(file->side);
    struct fuse_release_in release = { .fh = f->fh, .flags = O_RDONLY };
    struct fuse_forget_in forget = { .nlookup = 1 };

    (void)wf_channel_call_once(c, FUSE_RELEASE, f->nodeid, &release, sizeof release, NULL,
        NULL, 0, NULL);
    (void)wf_channel_call_once(c, FUSE_FORGET, f->nodeid, &forget, sizeof forget, NULL,
        NULL, 0, NULL);
    free(f);
}

static bool wf_channel_count_requests(wf_bench_side *side, uint64_t counts[WF_BENCH_OPCODES])
{
    wf_channel_side *c = wf_channel_of(side);
    for (unsigned i = 0; i < WF_BENCH_OPCODES; i++)
        counts[i] = atomic_load(&c->sent[i]);
    return true;
}

/* ---- mount and unmount ----------------------------------------------------------------- */

static void wf_channel_unmount(wf_bench_side *side)
{
    wf_channel_side *c = wf_channel_of(side);
    if (c->devfuse != NULL)
        wf_devfuse_stop(c->devfuse, WF_CHANNEL_DRAIN_MS);
    if (c->launched)
        wf_launcher_stop(&c->launcher, WF_CHANNEL_GRACE_MS);
    if (c->log_path[0] != '\0')
        unlink(c->log_path);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

wf_bench_side *wf_bench_channel_mount(const char *memfs, const wf_bench_fs *fs,
    wf_bench_error *error)
{
    wf_channel_side *c = calloc(1, sizeof *c);
    char program[512], foreground[] = "-f", option[] = "-o", options[128], why[256] = "";
    char *argv[] = { program, foreground, option, options, NULL };
    struct fuse_init_in init = { .major = FUSE_KERNEL_VERSION,
        .minor = FUSE_KERNEL_MINOR_VERSION, .max_readahead = 128u * 1024u,
        /* What the engine's INIT offers that bears on reads. */
        .flags = FUSE_ASYNC_READ | FUSE_BIG_WRITES | FUSE_MAX_PAGES };
    struct fuse_init_out init_out;
    int log_fd = -1, saved_stderr = -1, started, err;

    if (c == NULL) {
        wf_bench_fail(error, "out of memory");
        return NULL;
    }
    c->side.ops = &wf_channel_ops;
    c->next_unique = 2;
    c->uid = (uint32_t)getuid();
    c->gid = (uint32_t)getgid();
    c->pid = (uint32_t)getpid();
    pthread_mutex_init(&c->lock, NULL);
    if ((size_t)snprintf(program, sizeof program, "%s", memfs) >= sizeof program ||
        !wf_bench_fs_options(fs, options, sizeof options)) {
        wf_bench_fail(error, "memfs path or options too long");
        goto fail;
    }
    /* memfs's stderr to a log, as for the WinFuse side (its last words are noise). */
    log_fd = wf_bench_log_create(c->log_path, sizeof c->log_path);
    if (log_fd < 0) {
        c->log_path[0] = '\0';
        wf_bench_fail(error, "cannot make memfs's log: %s", strerror(errno));
        goto fail;
    }
    saved_stderr = wf_bench_stderr_redirect(log_fd);
    if (saved_stderr < 0) {
        wf_bench_fail(error, "cannot redirect memfs's stderr: %s", strerror(errno));
        goto fail;
    }
    started = wf_launcher_start(&c->launcher, argv, why, sizeof why);
    wf_bench_stderr_restore(saved_stderr);
    saved_stderr = -1;
    close(log_fd);
    log_fd = -1;
    if (started != 0) {
        wf_bench_fail(error, "channel: %s", why);
        goto fail;
    }
    c->launched = true;

    wf_devfuse_options pump = { .fd = c->launcher.fd, .max_message = c->launcher.max_message,
        .no_spin = wf_bench_winfuse_spin.off, .spin_us = wf_bench_winfuse_spin.us,
        .deliver = wf_channel_deliver, .deliver_context = c };
    err = wf_devfuse_start(NULL, &pump, &c->devfuse);
    if (err != 0) {
        wf_bench_fail(error, "channel: devfuse: %s", strerror(err));
        goto fail;
    }
    memset(&init_out, 0, sizeof init_out);
    err = wf_channel_call_once(c, FUSE_INIT, 0, &init, sizeof init, NULL, &init_out,
        sizeof init_out, NULL);
    if (err != 0 || init_out.major != FUSE_KERNEL_VERSION) {
        wf_bench_fail(error, "channel: INIT: %s", err ? strerror(err) : "another major");
        wf_bench_log_append(error, c->log_path);
        goto fail;
    }
    return &c->side;

fail:
    wf_bench_stderr_restore(saved_stderr);
    if (log_fd >= 0)
        close(log_fd);
    wf_channel_unmount(&c->side);
    return NULL;
}

static const wf_bench_side_ops wf_channel_ops = {
    .stat_file = wf_channel_stat,
    .stat_only = wf_channel_stat,
    .open_file = wf_channel_open_file,
    .read = wf_channel_read,
    .close_file = wf_channel_close_file,
    .list_root = wf_channel_list_root,
    .count_requests = wf_channel_count_requests,
    .unmount = wf_channel_unmount,
};
