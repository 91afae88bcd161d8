/* test_engine_lifecycle.c — a handle's life (Cleanup's FLUSH, Close's RELEASE, queries on
   it), the file system going away, and many threads transacting at once. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "winfuse/linux_errno.h"

#define NODE 5
#define FH 77

/* Opens \f (LOOKUP with entry TTL entry_s and attr TTL attr_s, then OPEN with fh and
   open_flags). Returns the handle. */
static uint64_t open_file(mock_fs *m, uint32_t access, uint64_t entry_s, uint64_t attr_s,
    uint32_t open_flags)
{
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0, access));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, NODE, 0100644, 1000, entry_s, attr_s);
    req = mock_expect_node(m, FUSE_OPEN, NODE);
    mock_reply_open(m, req.header.unique, FH, open_flags);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    return rsp.Rsp.Create.Opened.UserContext2;
}

static uint64_t stat_open(mock_fs *m, uint64_t entry_s)
{
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, NODE, 0100644, 1000, entry_s, entry_s);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    return rsp.Rsp.Create.Opened.UserContext2;
}

static NTSTATUS status_of(mock_fs *m, uint64_t hint)
{
    return (NTSTATUS)mock_response(m, hint).IoStatus.Status;
}

/* Cleanup --------------------------------------------------------------------------- */

static void cleanup_of_a_file_sends_flush_with_its_fh(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, FILE_GENERIC_READ, 60, 60, 0);
    uint64_t hint = mock_submit(m, mock_req_cleanup(file));
    mock_request req = mock_expect_node(m, FUSE_FLUSH, NODE);
    struct fuse_flush_in in;
    assert_int_equal(req.body_size, sizeof in);
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.fh, FH);
    assert_false(mock_has_response(m, hint));
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void cleanup_succeeds_whatever_flush_answers(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, FILE_GENERIC_READ, 60, 60, 0);
    uint64_t hint = mock_submit(m, mock_req_cleanup(file));
    mock_request req = mock_expect(m, FUSE_FLUSH);
    mock_reply(m, req.header.unique, -WF_EIO, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void cleanup_of_a_directory_sends_no_flush(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t root = mock_open_root(m, 9);
    uint64_t hint = mock_submit(m, mock_req_cleanup(root));
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

static void cleanup_with_fopen_noflush_sends_no_flush(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, FILE_GENERIC_READ, 60, 60, FOPEN_NOFLUSH);
    uint64_t hint = mock_submit(m, mock_req_cleanup(file));
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

static void cleanup_of_a_metadata_only_handle_sends_nothing(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = stat_open(m, 60);
    uint64_t hint = mock_submit(m, mock_req_cleanup(file));
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

static void flush_answered_enosys_is_never_sent_again(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t first = open_file(m, FILE_GENERIC_READ, 60, 60, 0);
    uint64_t hint = mock_submit(m, mock_req_cleanup(first));
    mock_request req = mock_expect(m, FUSE_FLUSH);
    mock_reply(m, req.header.unique, -WF_ENOSYS, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);

    hint = mock_submit(m, mock_req_cleanup(first));
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    /* Another handle on another open: still nothing. */
    hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0, FILE_GENERIC_READ));
    req = mock_expect_node(m, FUSE_OPEN, NODE);
    mock_reply_open(m, req.header.unique, FH + 1, 0);
    uint64_t second = mock_response(m, hint).Rsp.Create.Opened.UserContext2;
    hint = mock_submit(m, mock_req_cleanup(second));
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    assert_true(mock_idle(m, 20));
    assert_int_equal(mock_info(m).sent_by_opcode[FUSE_FLUSH], 1);
    mock_free(m);
}

/* Close ------------------------------------------------------------------------------ */

static void close_sends_release_with_fh_and_open_flags(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, FILE_GENERIC_READ | FILE_GENERIC_WRITE, 60, 60, 0);
    uint64_t hint = mock_submit(m, mock_req_close(file));
    mock_request req = mock_expect_node(m, FUSE_RELEASE, NODE);
    struct fuse_release_in in;
    assert_int_equal(req.body_size, sizeof in);
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.fh, FH);
    assert_int_equal(in.flags, 2 /* O_RDWR */);
    assert_false(mock_has_response(m, hint));
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

static void close_frees_the_handle_whatever_release_answers(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, FILE_GENERIC_READ, 0, 60, 0);   /* entry not kept */
    assert_int_equal(mock_info(m).nodes_cached, 1);
    uint64_t hint = mock_submit(m, mock_req_close(file));
    mock_request req = mock_expect(m, FUSE_RELEASE);
    mock_reply(m, req.header.unique, -WF_EIO, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_expect_node(m, FUSE_FORGET, NODE);
    assert_int_equal(mock_info(m).nodes_cached, 0);
    mock_free(m);
}

static void close_of_a_directory_sends_releasedir(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t root = mock_open_root(m, 9);
    uint64_t hint = mock_submit(m, mock_req_close(root));
    mock_request req = mock_expect_node(m, FUSE_RELEASEDIR, FUSE_ROOT_ID);
    struct fuse_release_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.fh, 9);
    mock_reply(m, req.header.unique, 0, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    mock_free(m);
}

static void close_of_a_metadata_only_handle_sends_nothing(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = stat_open(m, 60);
    uint64_t hint = mock_submit(m, mock_req_close(file));
    assert_int_equal(status_of(m, hint), STATUS_SUCCESS);
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

/* Queries ---------------------------------------------------------------------------- */

static void query_information_within_attr_ttl_sends_nothing(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, FILE_GENERIC_READ, 60, 60, 0);
    uint64_t hint = mock_submit(m, mock_req_query_info(file));
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.QueryInformation.FileInfo.FileSize, 1000);
    assert_int_equal(rsp.Rsp.QueryInformation.FileInfo.IndexNumber, NODE);
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

static void query_information_on_a_directory_sends_getattr_without_its_fh(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\d", FILE_OPEN, FILE_DIRECTORY_FILE,
        FILE_LIST_DIRECTORY | SYNCHRONIZE));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, NODE, 040755, 0, 60, 0);   /* attributes stale */
    req = mock_expect_node(m, FUSE_OPENDIR, NODE);
    mock_reply_open(m, req.header.unique, FH, 0);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    uint64_t dir = rsp.Rsp.Create.Opened.UserContext2;

    /* Linux sends FUSE_GETATTR_FH only for files: a directory's fh may be the library's
       own (libfuse's high-level API), not one getattr may read. */
    hint = mock_submit(m, mock_req_query_info(dir));
    req = mock_expect_node(m, FUSE_GETATTR, NODE);
    struct fuse_getattr_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.getattr_flags, 0);
    assert_int_equal(in.fh, 0);
    struct fuse_attr attr = mock_attr(NODE, 040755, 0);
    mock_reply_attr(m, req.header.unique, &attr, 60);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void query_information_after_attr_ttl_sends_getattr_with_the_fh(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, FILE_GENERIC_READ, 60, 0, 0);
    uint64_t hint = mock_submit(m, mock_req_query_info(file));
    mock_request req = mock_expect_node(m, FUSE_GETATTR, NODE);
    struct fuse_getattr_in in;
    assert_int_equal(req.body_size, sizeof in);
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.getattr_flags, FUSE_GETATTR_FH);
    assert_int_equal(in.fh, FH);
    struct fuse_attr attr = mock_attr(NODE, 0100644, 4321);
    mock_reply_attr(m, req.header.unique, &attr, 60);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.Rsp.QueryInformation.FileInfo.FileSize, 4321);

    /* The GETATTR's TTL now holds. */
    hint = mock_submit(m, mock_req_query_info(file));
    rsp = mock_response(m, hint);
    assert_int_equal(rsp.Rsp.QueryInformation.FileInfo.FileSize, 4321);
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

static void query_information_of_a_metadata_only_handle_sends_getattr_without_fh(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = stat_open(m, 0);
    uint64_t hint = mock_submit(m, mock_req_query_info(file));
    mock_request req = mock_expect_node(m, FUSE_GETATTR, NODE);
    struct fuse_getattr_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.getattr_flags, 0);
    assert_int_equal(in.fh, 0);
    mock_reply(m, req.header.unique, -WF_ENOENT /* gone meanwhile */, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_OBJECT_NAME_NOT_FOUND);
    mock_free(m);
}

static FSP_FSCTL_VOLUME_INFO statfs_volume_info(mock_fs *m, const struct fuse_kstatfs *st)
{
    uint64_t hint = mock_submit(m, mock_req_new(FspFsctlTransactQueryVolumeInformationKind));
    mock_request req = mock_expect_node(m, FUSE_STATFS, FUSE_ROOT_ID);
    assert_int_equal(req.body_size, 0);
    struct fuse_statfs_out out;
    memset(&out, 0, sizeof out);
    out.st = *st;
    mock_reply(m, req.header.unique, 0, &out, sizeof out);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    return rsp.Rsp.QueryVolumeInformation.VolumeInfo;
}

static void query_volume_information_maps_statfs_blocks_in_frsize_units(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    struct fuse_kstatfs st;
    memset(&st, 0, sizeof st);
    st.blocks = 1000000;
    st.bfree = 600000;
    st.bavail = 500000;
    st.bsize = 65536;
    st.frsize = 1024;
    FSP_FSCTL_VOLUME_INFO info = statfs_volume_info(m, &st);
    assert_int_equal(info.TotalSize, 1000000ull * 1024);
    assert_int_equal(info.FreeSize, 500000ull * 1024);     /* bavail: what a user may use */

    st.frsize = 0;      /* an old file system: bsize is the unit */
    st.bsize = 4096;
    info = statfs_volume_info(m, &st);
    assert_int_equal(info.TotalSize, 1000000ull * 4096);
    assert_int_equal(info.FreeSize, 500000ull * 4096);
    mock_free(m);
}

static void query_volume_information_maps_statfs_errors(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_new(FspFsctlTransactQueryVolumeInformationKind));
    mock_request req = mock_expect(m, FUSE_STATFS);
    mock_reply(m, req.header.unique, -WF_EIO, NULL, 0);
    assert_int_equal(status_of(m, hint), STATUS_IO_DEVICE_ERROR);
    mock_free(m);
}

/* Disconnect ------------------------------------------------------------------------- */

static void disconnect_completes_every_request_in_flight_or_queued(void **state)
{
    (void)state;
    enum { IN_FLIGHT = 32, QUEUED = 4 };
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, FILE_GENERIC_READ, 0, 60, 0);     /* only the handle keeps node 5 */
    static uint8_t buffers[IN_FLIGHT + QUEUED][64];
    uint64_t hints[IN_FLIGHT + QUEUED];
    for (int i = 0; i < IN_FLIGHT; i++)
        hints[i] = mock_submit(m, mock_req_read(file, buffers[i], 64 * (uint64_t)i, 64));
    for (int i = 0; i < IN_FLIGHT; i++)
        mock_expect_node(m, FUSE_READ, NODE);
    for (int i = IN_FLIGHT; i < IN_FLIGHT + QUEUED; i++)
        hints[i] = mock_submit(m, mock_req_read(file, buffers[i], 64 * (uint64_t)i, 64));
    assert_int_equal(mock_info(m).requests_in_flight, IN_FLIGHT);
    for (int i = 0; i < IN_FLIGHT + QUEUED; i++)
        assert_false(mock_has_response(m, hints[i]));

    wf_engine_disconnect(mock_engine(m));
    for (int i = 0; i < IN_FLIGHT + QUEUED; i++) {
        FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hints[i]);
        assert_int_equal(rsp.IoStatus.Status, (uint32_t)STATUS_CONNECTION_DISCONNECTED);
        assert_int_equal(rsp.IoStatus.Information, 0);
        assert_false(mock_has_response(m, hints[i]));      /* exactly once */
    }
    wf_engine_info info = mock_info(m);
    assert_false(info.connected);
    assert_int_equal(info.requests_in_flight, 0);
    assert_int_equal(info.requests_pending, 0);

    /* Later requests fail the same way, and Close still lets go of its handle. */
    uint64_t hint = mock_submit(m, mock_req_read(file, buffers[0], 0, 64));
    assert_int_equal(status_of(m, hint), STATUS_CONNECTION_DISCONNECTED);
    assert_int_equal(mock_info(m).nodes_cached, 1);
    hint = mock_submit(m, mock_req_close(file));
    mock_response(m, hint);
    assert_int_equal(mock_info(m).nodes_cached, 0);
    assert_false(mock_take(m, &(mock_request){ 0 }, 0));
    mock_free(m);
}

static void disconnect_during_a_release_still_frees_the_handle(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = open_file(m, FILE_GENERIC_READ, 0, 60, 0);
    uint64_t hint = mock_submit(m, mock_req_close(file));
    mock_expect(m, FUSE_RELEASE);
    wf_engine_disconnect(mock_engine(m));
    mock_response(m, hint);
    assert_int_equal(mock_info(m).nodes_cached, 0);
    mock_free(m);
}

typedef struct waiter {
    mock_fs *m;
    NTSTATUS status;
    size_t len;
} waiter;

static void *wait_for_request(void *arg)
{
    waiter *w = arg;
    size_t cap = (1u << 20) + 4096;
    uint8_t *buf = malloc(cap);
    w->status = wf_engine_transact(mock_engine(w->m), NULL, 0, buf, cap, &w->len, UINT32_MAX);
    free(buf);
    return NULL;
}

/* A clock that stands still and counts its reads, which tell where a thread waiting in
   transact is (nothing else calls the engine meanwhile). */
static pthread_mutex_t clock_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t clock_read = PTHREAD_COND_INITIALIZER;
static unsigned clock_reads;

static uint64_t counting_clock(void *host)
{
    (void)host;
    pthread_mutex_lock(&clock_lock);
    clock_reads++;
    pthread_cond_broadcast(&clock_read);
    pthread_mutex_unlock(&clock_lock);
    return 1000000;
}

static void use_counting_clock(wf_engine_params *params)
{
    params->clock = counting_clock;
}

static void disconnect_wakes_transact_callers_waiting_forever(void **state)
{
    (void)state;
    mock_fs *m = mock_new_params(0, use_counting_clock);
    mock_init(m, NULL);
    waiter w = { .m = m, .status = STATUS_SUCCESS, .len = 1 };
    pthread_t thread;
    pthread_mutex_lock(&clock_lock);
    unsigned before = clock_reads;
    pthread_mutex_unlock(&clock_lock);
    assert_int_equal(pthread_create(&thread, NULL, wait_for_request, &w), 0);
    /* The waiter's first read starts its wait; its second is made under the engine's lock,
       which it keeps until it sleeps: the disconnect, which takes that lock, finds it
       asleep. */
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 10;
    pthread_mutex_lock(&clock_lock);
    while (clock_reads < before + 2)
        if (pthread_cond_timedwait(&clock_read, &clock_lock, &deadline) != 0)
            break;
    unsigned reads = clock_reads - before;
    pthread_mutex_unlock(&clock_lock);
    assert_true(reads >= 2);
    wf_engine_disconnect(mock_engine(m));
    pthread_join(thread, NULL);
    assert_int_equal(w.status, STATUS_CONNECTION_DISCONNECTED);
    assert_int_equal(w.len, 0);
    mock_free(m);
}

/* Concurrency ------------------------------------------------------------------------ */

enum {
    STRESS_READS = 2000,
    STRESS_SUBMITTERS = 4,
    STRESS_REPLIERS = 4,
    STRESS_LENGTH = 8192 + 1000,    /* two READs each at read_size 8 KiB */
};
#define STRESS_HINT_BASE (1ull << 40)

typedef struct stress {
    mock_fs *m;
    uint64_t file;
    uint8_t *buffers;           /* STRESS_READS * STRESS_LENGTH */
    int completions[STRESS_READS];
    int completed;
    int errors;                 /* wrong status, length or data; unknown or double completion */
    int bad_requests;           /* a request the file system did not expect */
    int transact_failures;
} stress;

static uint8_t stress_byte(uint64_t offset)
{
    return (uint8_t)(offset * 13 + (offset >> 10));
}

static void stress_complete(void *context, const FSP_FSCTL_TRANSACT_RSP *rsp)
{
    stress *s = context;
    uint64_t i = rsp->Hint - STRESS_HINT_BASE;
    if (rsp->Hint < STRESS_HINT_BASE || i >= STRESS_READS) {
        __atomic_fetch_add(&s->errors, 1, __ATOMIC_RELAXED);
        return;
    }
    if (__atomic_fetch_add(&s->completions[i], 1, __ATOMIC_RELAXED) != 0)
        __atomic_fetch_add(&s->errors, 1, __ATOMIC_RELAXED);
    bool good = rsp->IoStatus.Status == STATUS_SUCCESS &&
        rsp->IoStatus.Information == STRESS_LENGTH;
    const uint8_t *data = s->buffers + i * STRESS_LENGTH;
    for (uint32_t j = 0; good && j < STRESS_LENGTH; j++)
        good = data[j] == stress_byte(i * STRESS_LENGTH + j);
    if (!good)
        __atomic_fetch_add(&s->errors, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&s->completed, 1, __ATOMIC_RELEASE);
}

typedef struct stress_thread {
    stress *s;
    int index;
} stress_thread;

static void *stress_submit(void *arg)
{
    stress_thread *t = arg;
    stress *s = t->s;
    for (int i = t->index; i < STRESS_READS; i += STRESS_SUBMITTERS) {
        FSP_FSCTL_TRANSACT_REQ *req = mock_req_read(s->file,
            s->buffers + (size_t)i * STRESS_LENGTH, (uint64_t)i * STRESS_LENGTH, STRESS_LENGTH);
        req->Hint = STRESS_HINT_BASE + (uint64_t)i;
        wf_engine_submit(mock_engine(s->m), req);
        free(req);
    }
    return NULL;
}

/* Checks a READ the engine handed out and writes its answer into reply; returns the
   answer's length, 0 when the request was not one the file system expected. */
static uint32_t stress_answer(stress *s, const uint8_t *request, size_t len, uint8_t *reply,
    size_t cap)
{
    struct fuse_in_header header;
    struct fuse_read_in in;
    memcpy(&header, request, sizeof header);
    if (header.opcode != FUSE_READ || len != sizeof header + sizeof in ||
        header.nodeid != NODE) {
        __atomic_fetch_add(&s->bad_requests, 1, __ATOMIC_RELAXED);
        return 0;
    }
    memcpy(&in, request + sizeof header, sizeof in);
    if (in.fh != FH || in.size > cap - sizeof(struct fuse_out_header)) {
        __atomic_fetch_add(&s->bad_requests, 1, __ATOMIC_RELAXED);
        return 0;
    }
    struct fuse_out_header out = { .len = (uint32_t)(sizeof out + in.size),
        .error = 0, .unique = header.unique };
    memcpy(reply, &out, sizeof out);
    for (uint32_t j = 0; j < in.size; j++)
        reply[sizeof out + j] = stress_byte(in.offset + j);
    return out.len;
}

static bool stress_running(stress *s, const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    /* After a minute requests were lost: the main thread reports it. */
    return __atomic_load_n(&s->completed, __ATOMIC_ACQUIRE) < STRESS_READS &&
        now.tv_sec - start->tv_sec <= 60;
}

static void stress_transact(stress *s, const void *reply, size_t reply_len, void *request,
    size_t cap, size_t *len, uint32_t timeout_ms)
{
    if (request)
        *len = 0;
    NTSTATUS status = wf_engine_transact(mock_engine(s->m), reply, reply_len, request, cap,
        len, timeout_ms);
    if (status != STATUS_SUCCESS)
        __atomic_fetch_add(&s->transact_failures, 1, __ATOMIC_RELAXED);
}

/* Answers each request with the call that takes the next one. */
static void *stress_reply_in_order(void *arg)
{
    stress *s = arg;
    size_t cap = WF_ENGINE_MIN_MESSAGE, len;
    uint8_t *request = malloc(cap), *reply = malloc(cap);
    uint32_t reply_len = 0;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (stress_running(s, &start)) {
        stress_transact(s, reply_len ? reply : NULL, reply_len, request, cap, &len, 10);
        reply_len = len ? stress_answer(s, request, len, reply, cap) : 0;
    }
    free(request);
    free(reply);
    return NULL;
}

/* Takes two requests, answers the second first, and takes nothing with an answer: what
   the operations send next waits in the engine's queue for another thread. */
static void *stress_reply_swapped(void *arg)
{
    stress *s = arg;
    size_t cap = WF_ENGINE_MIN_MESSAGE, len;
    uint8_t *request = malloc(cap), *first = malloc(cap), *second = malloc(cap);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (stress_running(s, &start)) {
        stress_transact(s, NULL, 0, request, cap, &len, 10);
        uint32_t first_len = len ? stress_answer(s, request, len, first, cap) : 0;
        if (!first_len)
            continue;
        stress_transact(s, NULL, 0, request, cap, &len, 0);
        uint32_t second_len = len ? stress_answer(s, request, len, second, cap) : 0;
        if (second_len)
            stress_transact(s, second, second_len, NULL, 0, NULL, 0);
        stress_transact(s, first, first_len, NULL, 0, NULL, 0);
    }
    free(request);
    free(first);
    free(second);
    return NULL;
}

/* The repliers wait in transact with timeouts that must run out in real time. */
static void platform_clock(wf_engine_params *params)
{
    params->clock = NULL;
}

static void concurrent_submitters_and_repliers_complete_every_read_exactly_once(void **state)
{
    (void)state;
    mock_fs *m = mock_new_params(WF_ENGINE_MIN_MESSAGE, platform_clock);
    mock_init(m, NULL);
    assert_int_equal(mock_info(m).read_size, 8192);
    stress *s = calloc(1, sizeof *s);
    s->m = m;
    s->file = open_file(m, FILE_GENERIC_READ, 60, 60, 0);
    s->buffers = calloc(STRESS_READS, STRESS_LENGTH);
    mock_set_complete_hook(m, stress_complete, s);

    pthread_t repliers[STRESS_REPLIERS], submitters[STRESS_SUBMITTERS];
    stress_thread args[STRESS_SUBMITTERS];
    for (int i = 0; i < STRESS_REPLIERS; i++)
        assert_int_equal(pthread_create(&repliers[i], NULL,
            i % 2 ? stress_reply_swapped : stress_reply_in_order, s), 0);
    for (int i = 0; i < STRESS_SUBMITTERS; i++) {
        args[i] = (stress_thread){ s, i };
        assert_int_equal(pthread_create(&submitters[i], NULL, stress_submit, &args[i]), 0);
    }
    for (int i = 0; i < STRESS_SUBMITTERS; i++)
        pthread_join(submitters[i], NULL);
    for (int i = 0; i < STRESS_REPLIERS; i++)
        pthread_join(repliers[i], NULL);
    mock_set_complete_hook(m, NULL, NULL);

    assert_int_equal(s->completed, STRESS_READS);
    for (int i = 0; i < STRESS_READS; i++)
        assert_int_equal(s->completions[i], 1);
    assert_int_equal(s->errors, 0);
    assert_int_equal(s->bad_requests, 0);
    assert_int_equal(s->transact_failures, 0);
    wf_engine_info info = mock_info(m);
    assert_int_equal(info.requests_in_flight, 0);
    assert_int_equal(info.requests_pending, 0);
    assert_int_equal(info.bad_replies, 0);
    assert_int_equal(info.unknown_replies, 0);
    assert_int_equal(info.sent_by_opcode[FUSE_READ], 2 * STRESS_READS);
    assert_true(mock_idle(m, 20));
    free(s->buffers);
    free(s);
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cleanup_of_a_file_sends_flush_with_its_fh),
        cmocka_unit_test(cleanup_succeeds_whatever_flush_answers),
        cmocka_unit_test(cleanup_of_a_directory_sends_no_flush),
        cmocka_unit_test(cleanup_with_fopen_noflush_sends_no_flush),
        cmocka_unit_test(cleanup_of_a_metadata_only_handle_sends_nothing),
        cmocka_unit_test(flush_answered_enosys_is_never_sent_again),
        cmocka_unit_test(close_sends_release_with_fh_and_open_flags),
        cmocka_unit_test(close_frees_the_handle_whatever_release_answers),
        cmocka_unit_test(close_of_a_directory_sends_releasedir),
        cmocka_unit_test(close_of_a_metadata_only_handle_sends_nothing),
        cmocka_unit_test(query_information_within_attr_ttl_sends_nothing),
        cmocka_unit_test(query_information_after_attr_ttl_sends_getattr_with_the_fh),
        cmocka_unit_test(query_information_on_a_directory_sends_getattr_without_its_fh),
        cmocka_unit_test(query_information_of_a_metadata_only_handle_sends_getattr_without_fh),
        cmocka_unit_test(query_volume_information_maps_statfs_blocks_in_frsize_units),
        cmocka_unit_test(query_volume_information_maps_statfs_errors),
        cmocka_unit_test(disconnect_completes_every_request_in_flight_or_queued),
        cmocka_unit_test(disconnect_during_a_release_still_frees_the_handle),
        cmocka_unit_test(disconnect_wakes_transact_callers_waiting_forever),
        cmocka_unit_test(concurrent_submitters_and_repliers_complete_every_read_exactly_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
