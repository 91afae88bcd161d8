/* fuzz_devfuse.c — libFuzzer target: the /dev/fuse door's framing, fed datagrams of every
   shape (empty, short, lying lengths, oversize, stray uniques) by a played file system on
   a SEQPACKET socket pair, while WinFsp requests go through it. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "devfuse.h"
#include "winfuse/fuse_abi.h"
#include "fuzz_script.h"

/* No datagram a file system writes may end the channel: the kernel answers an empty or
   malformed write with EINVAL and goes on (issue 8, defect 6). Only the end of the channel
   ends it. */
#define CHANNEL_SURVIVES_BAD_DATAGRAMS 1

#define MAX_STEPS   48
#define MAX_SUBMIT  32
#define MAX_OUT     64

typedef struct fuzz_state {
    wf_engine *engine;
    wf_devfuse *devfuse;
    int fds[2];                 /* [0] the door's, [1] the played file system's */
    uint32_t max_message;
    uint8_t *message;           /* the datagram being sent */
    uint8_t *incoming;          /* the request being read */
    pthread_mutex_t lock;
    uint64_t submitted[MAX_SUBMIT];
    bool completed[MAX_SUBMIT];
    int submit_count;
    struct { uint64_t unique; uint32_t opcode; } out[MAX_OUT];
    int out_count;
    uint64_t next_hint;
} fuzz_state;

static void fail(const char *what, uint64_t a)
{
    fprintf(stderr, "fuzz_devfuse: invariant violated: %s (%llu)\n", what, (unsigned long long)a);
    abort();
}

static void on_complete(void *host, const FSP_FSCTL_TRANSACT_RSP *rsp)
{
    fuzz_state *st = host;
    pthread_mutex_lock(&st->lock);
    int i;
    for (i = 0; i < st->submit_count; i++)
        if (st->submitted[i] == rsp->Hint)
            break;
    if (i == st->submit_count || st->completed[i])
        fail("a response to no request, or twice", rsp->Hint);
    st->completed[i] = true;
    pthread_mutex_unlock(&st->lock);
}

/* Reads every request the door has sent so far (waiting up to wait_ms for the first). */
static void drain(fuzz_state *st, int wait_ms)
{
    struct pollfd p = { .fd = st->fds[1], .events = POLLIN };
    for (;;) {
        /* libFuzzer's -timeout alarm interrupts poll once a second: poll again. */
        int ready = poll(&p, 1, wait_ms);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready != 1 || !(p.revents & POLLIN))
            return;
        ssize_t n = recv(st->fds[1], st->incoming, st->max_message, MSG_DONTWAIT | MSG_TRUNC);
        if (n <= 0)
            return;
        if ((size_t)n < sizeof(struct fuse_in_header) || (size_t)n > st->max_message)
            fail("a request of a length the engine cannot make", (uint64_t)n);
        struct fuse_in_header in;
        memcpy(&in, st->incoming, sizeof in);
        if (in.len != (uint32_t)n)
            fail("a request whose header len is not its datagram's", in.len);
        if (in.opcode != FUSE_FORGET && in.opcode != FUSE_BATCH_FORGET && st->out_count < MAX_OUT) {
            st->out[st->out_count].unique = in.unique;
            st->out[st->out_count].opcode = in.opcode;
            st->out_count++;
        }
        wait_ms = 0;
    }
}

static void submit(fuzz_state *st, script *s)
{
    static const char *const names[] = { "\\", "\\a", "\\a\\b", "\\c.txt" };
    if (st->submit_count == MAX_SUBMIT)
        return;
    FSP_FSCTL_TRANSACT_REQ *req = calloc(1, FSP_FSCTL_TRANSACT_REQ_SIZEMAX);
    uint8_t what = get8(s);
    req->Version = sizeof *req;
    req->Size = sizeof *req;
    req->Hint = st->next_hint++;
    if (what & 1) {
        req->Kind = FspFsctlTransactQueryVolumeInformationKind;
    } else {
        req->Kind = FspFsctlTransactCreateKind;
        req->Req.Create.CreateOptions = (what & 2) ? FILE_DIRECTORY_FILE : 0;
        req->Req.Create.CreateOptions |= (uint32_t)((what >> 2) & 1 ? FILE_CREATE : FILE_OPEN) << 24;
        req->Req.Create.DesiredAccess = FILE_READ_DATA;
        const char *name = names[(what >> 3) % 4];
        uint16_t *dst = (uint16_t *)(void *)req->Buffer;
        size_t n = strlen(name);
        for (size_t i = 0; i <= n; i++)
            dst[i] = (uint8_t)name[i];
        req->FileName.Offset = 0;
        req->FileName.Size = (uint16_t)((n + 1) * 2);
        req->Size = (uint16_t)(sizeof *req + ((req->FileName.Size + 7u) & ~7u));
    }
    pthread_mutex_lock(&st->lock);
    st->submitted[st->submit_count] = req->Hint;
    st->completed[st->submit_count] = false;
    st->submit_count++;
    pthread_mutex_unlock(&st->lock);
    wf_devfuse_submit(st->devfuse, req);
    free(req);
}

/* One datagram from the file system, of a shape the script picks. */
static void send_datagram(fuzz_state *st, script *s)
{
    uint8_t shape = get8(s);
    size_t len = 0;
    struct fuse_out_header h = { 0, 0, 0 };
    uint8_t *m = st->message;
    size_t cap = st->max_message + 4096;   /* room for oversize datagrams */

    if (shape < 0x10) {                         /* empty */
        len = 0;
    } else if (shape < 0x30) {                  /* shorter than a header */
        len = 1 + get8(s) % (sizeof h - 1);
        get_bytes(s, m, len);
    } else if (shape < 0xc0) {                  /* a reply to a request out, or to none */
        if (st->out_count && shape < 0xb0) {
            int i = get8(s) % st->out_count;
            h.unique = st->out[i].unique;
            st->out[i] = st->out[--st->out_count];
        } else {
            h.unique = get32(s);
        }
        uint8_t kind = get8(s);
        size_t body = kind & 0x80 ? get16(s) % 1024 : kind % 96;
        h.error = kind & 0x40 ? -(int32_t)(get8(s) % 140) : 0;
        len = sizeof h + body;
        h.len = (uint32_t)len;
        if ((kind & 0x30) == 0x30)              /* a header that lies about its length */
            h.len = get32(s);
        memcpy(m, &h, sizeof h);
        get_bytes(s, m + sizeof h, body);
    } else if (shape < 0xe0) {                  /* a notification */
        h.error = (int32_t)(get8(s) % 12);
        size_t body = get16(s) % 512;
        len = sizeof h + body;
        h.len = (uint32_t)len;
        memcpy(m, &h, sizeof h);
        get_bytes(s, m + sizeof h, body);
    } else {                                    /* longer than the door takes */
        if (st->out_count) {
            int i = get8(s) % st->out_count;
            h.unique = st->out[i].unique;
            st->out[i] = st->out[--st->out_count];
        }
        len = st->max_message + 1 + get16(s) % 4000;
        if (len > cap)
            len = cap;
        h.len = (uint32_t)len;
        memset(m, 0, len);
        memcpy(m, &h, sizeof h);
    }

    /* Wait for the door to take it, so that runs repeat. It notes progress once it has
       handed a message in; an empty one, or an oversize one that answers nothing, is
       only counted as received. */
    bool hands_in = len >= sizeof h && (len <= st->max_message || h.unique != 0);
    wf_devfuse_stats before, now;
    wf_devfuse_get_stats(st->devfuse, &before);
    uint64_t seen = wf_devfuse_wait_progress(st->devfuse, 0, 0);
    /* Never block: once the door has stopped reading (the channel closed), or while its
       requests fill our side, a blocking send would wait for ever. */
    if (wf_devfuse_closed(st->devfuse))
        return;
    ssize_t sent = -1;
    for (int tries = 0; tries < 3 && sent < 0; tries++) {
        sent = send(st->fds[1], m, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0)
            drain(st, 1);
    }
    if (sent < 0)
        return;
    if (hands_in) {
        wf_devfuse_wait_progress(st->devfuse, seen, 1000);
    } else {
        for (int i = 0; i < 200 && !wf_devfuse_closed(st->devfuse); i++) {
            wf_devfuse_get_stats(st->devfuse, &now);
            if (now.replies_received != before.replies_received)
                break;
            usleep(100);
        }
    }
    if (CHANNEL_SURVIVES_BAD_DATAGRAMS && wf_devfuse_closed(st->devfuse))
        fail("a datagram from the file system closed the channel", len);
}

static void answer_init(fuzz_state *st, script *s)
{
    drain(st, 10000);    /* bounded only for a loaded machine: INIT goes out at once */
    int i;
    for (i = 0; i < st->out_count; i++)
        if (st->out[i].opcode == FUSE_INIT)
            break;
    if (i == st->out_count)
        fail("no INIT from the door", 0);
    if (get8(s) >= 0xf0)
        return;                 /* INIT left for the script's datagrams */
    uint8_t buf[sizeof(struct fuse_out_header) + sizeof(struct fuse_init_out)];
    struct fuse_out_header h = { sizeof buf, 0, st->out[i].unique };
    struct fuse_init_out init;
    memset(&init, 0, sizeof init);
    init.major = 7;
    init.minor = 31;
    init.max_write = 64 * 1024;
    init.max_pages = 16;
    init.flags = get32(s);
    memcpy(buf, &h, sizeof h);
    memcpy(buf + sizeof h, &init, sizeof init);
    st->out[i] = st->out[--st->out_count];
    uint64_t seen = wf_devfuse_wait_progress(st->devfuse, 0, 0);
    if (send(st->fds[1], buf, sizeof buf, MSG_NOSIGNAL) == (ssize_t)sizeof buf)
        wf_devfuse_wait_progress(st->devfuse, seen, 1000);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    script s = { data, size };
    fuzz_state *st = calloc(1, sizeof *st);
    uint8_t config = get8(&s);
    st->max_message = config & 1 ? WF_ENGINE_MIN_MESSAGE : 64 * 1024 + 4096;
    st->message = malloc(st->max_message + 4096);
    st->incoming = malloc(st->max_message);
    st->next_hint = 1;
    pthread_mutex_init(&st->lock, NULL);
    if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, st->fds) != 0)
        fail("socketpair", 0);
    wf_engine_params params = {
        .max_message = st->max_message,
        .max_readahead = 128 * 1024,
        .uid = 1000, .gid = 1000, .pid = 42,
        .complete = on_complete,
        .host = st,
    };
    if (wf_engine_create(&params, &st->engine) != STATUS_SUCCESS)
        fail("engine creation failed", 0);
    wf_devfuse_options options = {
        .fd = st->fds[0],
        .max_message = st->max_message,
        .request_threads = 1,
    };
    if (wf_devfuse_start(st->engine, &options, &st->devfuse) != 0)
        fail("the door did not start", 0);
    answer_init(st, &s);

    for (int step = 0; s.n && step < MAX_STEPS; step++) {
        uint8_t op = get8(&s);
        if (op < 0x40)
            submit(st, &s);
        else if (op < 0x60)
            drain(st, 0);
        else
            send_datagram(st, &s);
        if (op & 1)
            drain(st, 0);
    }

    wf_devfuse_stats stats;
    wf_devfuse_get_stats(st->devfuse, &stats);
    if (stats.bad_replies + stats.unknown_replies + stats.truncated_replies >
            stats.replies_received)
        fail("more replies refused than received", stats.replies_received);

    /* Unmount as the host does; whatever is still out fails, and every request ends. */
    wf_engine_shutdown(st->engine);
    wf_devfuse_stop(st->devfuse, 0);
    for (int i = 0; i < st->submit_count; i++)
        if (!st->completed[i])
            fail("a WinFsp request left without a response after stop", st->submitted[i]);
    wf_engine_delete(st->engine);
    close(st->fds[0]);
    close(st->fds[1]);
    pthread_mutex_destroy(&st->lock);
    free(st->incoming);
    free(st->message);
    free(st);
    return 0;
}
