/* test_engine_init.c — the session's ends: INIT negotiation (what is offered, what is
   recorded, what is refused) and shutdown through DESTROY. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "winfuse/linux_errno.h"

/* What the engine is expected to offer: its spec, written out independently of init.c. */
#define OFFERED_FLAGS ((uint32_t)(FUSE_ASYNC_READ | FUSE_BIG_WRITES | FUSE_DO_READDIRPLUS | \
    FUSE_PARALLEL_DIROPS | FUSE_MAX_PAGES | FUSE_NO_OPEN_SUPPORT | FUSE_NO_OPENDIR_SUPPORT | \
    FUSE_DONT_MASK | FUSE_INIT_EXT))

static struct fuse_init_out init_out(uint32_t major, uint32_t minor)
{
    struct fuse_init_out out;
    memset(&out, 0, sizeof out);
    out.major = major;
    out.minor = minor;
    out.max_readahead = 65536;
    out.max_write = 128 * 1024;
    out.time_gran = 1;
    return out;
}

/* One transact that takes out a request (if any), its status; a taken request fails. */
static NTSTATUS transact_once(mock_fs *m)
{
    size_t cap = (1u << 20) + 4096, len = 0;
    uint8_t *buf = malloc(cap);
    NTSTATUS status = wf_engine_transact(mock_engine(m), NULL, 0, buf, cap, &len, 0);
    free(buf);
    assert_int_equal(len, 0);
    return status;
}

/* A metadata-only Create of \f: one LOOKUP, no OPEN. */
static uint64_t submit_stat(mock_fs *m)
{
    return mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
}

static void init_offers_7_45_the_engine_flags_and_max_readahead(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    mock_request req = mock_expect(m, FUSE_INIT);
    assert_int_equal(req.header.nodeid, 0);
    assert_int_not_equal(req.header.unique, 0);
    assert_int_equal(req.body_size, sizeof(struct fuse_init_in));
    struct fuse_init_in in;
    memcpy(&in, req.body, sizeof in);
    assert_int_equal(in.major, 7);
    assert_int_equal(in.minor, 45);
    assert_int_equal(in.minor, FUSE_KERNEL_MINOR_VERSION);
    assert_int_equal(in.flags, OFFERED_FLAGS);
    assert_true(in.flags & FUSE_INIT_EXT);
    assert_int_equal(in.flags2, 0);
    assert_int_equal(in.max_readahead, 128 * 1024);     /* mock_new's params */
    wf_engine_info info = mock_info(m);
    assert_false(info.initialized);
    assert_true(info.connected);
    assert_int_equal(info.sent_by_opcode[FUSE_INIT], 1);
    mock_free(m);
}

static void init_reply_is_recorded_with_flags_masked_by_the_offer(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    mock_request req = mock_expect(m, FUSE_INIT);
    struct fuse_init_out out = init_out(7, 40);
    out.flags = 0xffffffffu;        /* everything, including what was never offered */
    out.flags2 = 0xffffffffu;
    out.max_write = 1u << 20;
    out.max_pages = 256;
    out.time_gran = 100;
    out.max_readahead = 32768;
    assert_int_equal(mock_reply(m, req.header.unique, 0, &out, sizeof out), STATUS_SUCCESS);

    wf_engine_info info = mock_info(m);
    assert_true(info.initialized);
    assert_true(info.connected);
    assert_int_equal(info.init_status, STATUS_SUCCESS);
    assert_int_equal(info.major, 7);
    assert_int_equal(info.minor, 40);
    assert_int_equal(info.flags, OFFERED_FLAGS);
    assert_int_equal(info.max_write, 1u << 20);
    assert_int_equal(info.max_pages, 256);
    assert_int_equal(info.time_gran, 100);
    assert_int_equal(info.max_readahead, 32768);
    /* 256 pages of READ, and 1 MiB of WRITE, both fit mock_new's 1 MiB + 4 KiB message. */
    assert_int_equal(info.read_size, 1u << 20);
    assert_int_equal(info.write_size, 1u << 20);
    mock_free(m);
}

static void init_flags_not_accepted_are_not_recorded(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    mock_request req = mock_expect(m, FUSE_INIT);
    struct fuse_init_out out = init_out(7, 31);
    out.flags = FUSE_ASYNC_READ | FUSE_WRITEBACK_CACHE | FUSE_POSIX_LOCKS;
    mock_reply(m, req.header.unique, 0, &out, sizeof out);
    assert_int_equal(mock_info(m).flags, FUSE_ASYNC_READ);
    mock_free(m);
}

static void init_flags2_is_taken_only_within_the_offer(void **state)
{
    (void)state;
    /* The engine offers no capability above bit 31, so flags2 never adds one: not with
       INIT_EXT at 7.36, not below 7.36, not without INIT_EXT. */
    static const struct { uint32_t minor, flags; } cases[] = {
        { 36, FUSE_INIT_EXT }, { 35, FUSE_INIT_EXT }, { 40, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mock_fs *m = mock_new(0);
        mock_request req = mock_expect(m, FUSE_INIT);
        struct fuse_init_out out = init_out(7, cases[i].minor);
        out.flags = cases[i].flags | FUSE_ASYNC_READ;
        out.flags2 = 0xffffffffu;
        mock_reply(m, req.header.unique, 0, &out, sizeof out);
        wf_engine_info info = mock_info(m);
        assert_true(info.initialized);
        assert_int_equal(info.flags >> 32, 0);
        assert_int_equal(info.flags, cases[i].flags | FUSE_ASYNC_READ);
        mock_free(m);
    }
}

static void init_max_pages_counts_only_with_the_max_pages_flag(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    mock_request req = mock_expect(m, FUSE_INIT);
    struct fuse_init_out out = init_out(7, 31);
    out.max_pages = 256;        /* but FUSE_MAX_PAGES not accepted */
    out.max_write = 1u << 20;
    mock_reply(m, req.header.unique, 0, &out, sizeof out);
    wf_engine_info info = mock_info(m);
    assert_int_equal(info.max_pages, 32);
    assert_int_equal(info.read_size, 32 * 4096);
    assert_int_equal(info.write_size, 1u << 20);
    mock_free(m);
}

static void init_small_max_message_bounds_read_and_write_sizes(void **state)
{
    (void)state;
    mock_fs *m = mock_new(WF_ENGINE_MIN_MESSAGE);
    mock_request req = mock_expect(m, FUSE_INIT);
    struct fuse_init_out out = init_out(7, 31);
    out.flags = FUSE_MAX_PAGES | FUSE_BIG_WRITES;
    out.max_pages = 256;
    out.max_write = 1u << 20;
    mock_reply(m, req.header.unique, 0, &out, sizeof out);
    wf_engine_info info = mock_info(m);
    assert_int_equal(info.max_pages, 256);
    assert_int_equal(info.max_write, 1u << 20);
    /* Whole pages that fit the message with its header (16 bytes out, 40 + 40 in). */
    assert_int_equal(info.read_size, 8192);
    assert_int_equal(info.write_size, 8192);
    assert_true(info.read_size + sizeof(struct fuse_out_header) <= WF_ENGINE_MIN_MESSAGE);
    assert_true(info.write_size + sizeof(struct fuse_in_header) + sizeof(struct fuse_write_in)
        <= WF_ENGINE_MIN_MESSAGE);
    mock_free(m);
}

static void init_small_max_write_bounds_write_size(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    mock_request req = mock_expect(m, FUSE_INIT);
    struct fuse_init_out out = init_out(7, 31);
    out.max_write = 64 * 1024;
    mock_reply(m, req.header.unique, 0, &out, sizeof out);
    assert_int_equal(mock_info(m).write_size, 64 * 1024);
    mock_free(m);
}

static void init_compat_24_byte_reply_of_minor_12_is_accepted(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    mock_request req = mock_expect(m, FUSE_INIT);
    struct fuse_init_out out = init_out(7, 12);
    out.flags = FUSE_ASYNC_READ | FUSE_BIG_WRITES;
    out.max_write = 64 * 1024;
    assert_int_equal(mock_reply(m, req.header.unique, 0, &out, FUSE_COMPAT_22_INIT_OUT_SIZE),
        STATUS_SUCCESS);
    wf_engine_info info = mock_info(m);
    assert_true(info.initialized);
    assert_int_equal(info.minor, 12);
    assert_int_equal(info.flags, FUSE_ASYNC_READ | FUSE_BIG_WRITES);
    assert_int_equal(info.max_write, 64 * 1024);
    assert_int_equal(info.time_gran, 0);        /* not in a 24-byte reply */
    assert_int_equal(info.max_pages, 32);
    assert_int_equal(info.read_size, 32 * 4096);
    assert_int_equal(info.write_size, 64 * 1024);

    /* And the session works. */
    uint64_t hint = submit_stat(m);
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, req.header.unique, 5, 0100644, 1, 60, 60);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

/* A refused INIT: the session is over, for what waited and for what comes. */
static void assert_refused(mock_fs *m, uint64_t queued_hint, NTSTATUS why)
{
    wf_engine_info info = mock_info(m);
    assert_false(info.initialized);
    assert_false(info.connected);
    assert_int_equal(info.init_status, why);
    assert_int_equal(mock_response(m, queued_hint).IoStatus.Status,
        (uint32_t)STATUS_CONNECTION_DISCONNECTED);
    uint64_t hint = submit_stat(m);
    assert_int_equal(mock_response(m, hint).IoStatus.Status,
        (uint32_t)STATUS_CONNECTION_DISCONNECTED);
    assert_int_equal(transact_once(m), STATUS_CONNECTION_DISCONNECTED);
    assert_int_equal(mock_info(m).requests_sent, 1);     /* INIT only */
}

static void init_major_8_is_refused(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    uint64_t queued = submit_stat(m);
    mock_request req = mock_expect(m, FUSE_INIT);
    struct fuse_init_out out = init_out(8, 0);
    /* A daemon of another major answers with its version only. */
    assert_int_equal(mock_reply(m, req.header.unique, 0, &out, FUSE_COMPAT_INIT_OUT_SIZE),
        STATUS_CONNECTION_DISCONNECTED);
    assert_int_equal(mock_info(m).major, 8);
    assert_refused(m, queued, STATUS_CONNECTION_REFUSED);
    mock_free(m);
}

static void init_minor_11_is_refused(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    uint64_t queued = submit_stat(m);
    mock_request req = mock_expect(m, FUSE_INIT);
    struct fuse_init_out out = init_out(7, 11);
    assert_int_equal(mock_reply(m, req.header.unique, 0, &out, FUSE_COMPAT_22_INIT_OUT_SIZE),
        STATUS_CONNECTION_DISCONNECTED);
    assert_int_equal(mock_info(m).minor, 11);
    assert_refused(m, queued, STATUS_CONNECTION_REFUSED);
    mock_free(m);
}

static void init_error_reply_is_refused(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    uint64_t queued = submit_stat(m);
    mock_request req = mock_expect(m, FUSE_INIT);
    assert_int_equal(mock_reply(m, req.header.unique, -WF_EPROTO, NULL, 0),
        STATUS_CONNECTION_DISCONNECTED);
    assert_refused(m, queued, STATUS_CONNECTION_REFUSED);
    mock_free(m);
}

static void init_reply_too_short_for_a_version_fails_the_session(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    uint64_t queued = submit_stat(m);
    mock_request req = mock_expect(m, FUSE_INIT);
    struct fuse_init_out out = init_out(7, 31);
    assert_int_equal(mock_reply(m, req.header.unique, 0, &out, 4),
        STATUS_CONNECTION_DISCONNECTED);
    assert_refused(m, queued, STATUS_IO_DEVICE_ERROR);
    mock_free(m);
}

static void requests_wait_for_the_init_reply(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    uint64_t before = submit_stat(m);
    mock_request init = mock_expect(m, FUSE_INIT);
    uint64_t during = mock_submit(m, mock_req_create("\\g", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    assert_true(mock_idle(m, 50));      /* nothing goes out before INIT's reply */
    assert_false(mock_has_response(m, before));
    assert_false(mock_has_response(m, during));
    assert_int_equal(mock_info(m).requests_pending, 2);
    assert_int_equal(mock_info(m).requests_sent, 1);

    struct fuse_init_out out = init_out(7, 31);
    mock_reply(m, init.header.unique, 0, &out, sizeof out);
    /* Then both, in the order submitted. */
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "f");
    mock_reply_entry(m, req.header.unique, 5, 0100644, 1, 60, 60);
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "g");
    mock_reply_entry(m, req.header.unique, 6, 0100644, 1, 60, 60);
    assert_int_equal(mock_response(m, before).IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(mock_response(m, during).IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(mock_info(m).requests_pending, 0);
    mock_free(m);
}

static void shutdown_drains_in_flight_requests_then_destroy_ends_the_session(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t file = mock_open_file(m, "f", 5, 100, 7);
    uint8_t data[16];
    uint64_t read_hint = mock_submit(m, mock_req_read(file, data, 0, sizeof data));
    mock_request read = mock_expect_node(m, FUSE_READ, 5);

    wf_engine_shutdown(mock_engine(m));
    assert_false(mock_info(m).connected);
    /* New requests are refused at once... */
    uint64_t late = submit_stat(m);
    assert_int_equal(mock_response(m, late).IoStatus.Status,
        (uint32_t)STATUS_CONNECTION_DISCONNECTED);
    /* ...and DESTROY waits for the READ in flight. */
    assert_true(mock_idle(m, 50));
    assert_false(mock_has_response(m, read_hint));

    uint8_t body[16];
    memset(body, 'x', sizeof body);
    assert_int_equal(mock_reply(m, read.header.unique, 0, body, sizeof body), STATUS_SUCCESS);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, read_hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, 16);
    assert_memory_equal(data, body, sizeof body);

    mock_request destroy = mock_expect(m, FUSE_DESTROY);
    assert_int_equal(destroy.body_size, 0);
    assert_int_equal(mock_reply(m, destroy.header.unique, 0, NULL, 0),
        STATUS_CONNECTION_DISCONNECTED);
    wf_engine_info info = mock_info(m);
    assert_false(info.connected);
    assert_int_equal(info.sent_by_opcode[FUSE_DESTROY], 1);
    assert_int_equal(transact_once(m), STATUS_CONNECTION_DISCONNECTED);
    uint64_t after = submit_stat(m);
    assert_int_equal(mock_response(m, after).IoStatus.Status,
        (uint32_t)STATUS_CONNECTION_DISCONNECTED);
    mock_free(m);
}

static void shutdown_with_nothing_in_flight_sends_destroy_next(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    wf_engine_shutdown(mock_engine(m));
    mock_request destroy = mock_expect(m, FUSE_DESTROY);
    assert_int_equal(mock_reply(m, destroy.header.unique, 0, NULL, 0),
        STATUS_CONNECTION_DISCONNECTED);
    assert_int_equal(mock_info(m).requests_sent, 2);
    mock_free(m);
}

static void shutdown_before_init_completes_the_requests_waiting_for_it(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    uint64_t queued = submit_stat(m);       /* before anything was handed out */
    wf_engine_shutdown(mock_engine(m));
    assert_int_equal(mock_response(m, queued).IoStatus.Status,
        (uint32_t)STATUS_CONNECTION_DISCONNECTED);
    assert_false(mock_info(m).connected);
    assert_int_equal(mock_info(m).requests_pending, 0);
    mock_free(m);
}

static void shutdown_while_init_is_out_completes_queued_requests_then_destroys(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    mock_request init = mock_expect(m, FUSE_INIT);
    uint64_t queued = submit_stat(m);
    wf_engine_shutdown(mock_engine(m));
    assert_int_equal(mock_response(m, queued).IoStatus.Status,
        (uint32_t)STATUS_CONNECTION_DISCONNECTED);
    assert_true(mock_idle(m, 50));
    struct fuse_init_out out = init_out(7, 31);
    mock_reply(m, init.header.unique, 0, &out, sizeof out);
    mock_request destroy = mock_expect(m, FUSE_DESTROY);
    assert_int_equal(mock_reply(m, destroy.header.unique, 0, NULL, 0),
        STATUS_CONNECTION_DISCONNECTED);
    mock_free(m);
}

/* The /dev/fuse door: the end of the channel, not DESTROY, ends the session. */
static void no_destroy(wf_engine_params *params)
{
    params->no_destroy = true;
}

static void shutdown_without_destroy_drains_in_flight_requests_then_ends_the_session(void **state)
{
    (void)state;
    mock_fs *m = mock_new_params(0, no_destroy);
    mock_init(m, NULL);
    uint64_t file = mock_open_file(m, "f", 5, 100, 7);
    uint8_t data[16];
    uint64_t read_hint = mock_submit(m, mock_req_read(file, data, 0, sizeof data));
    mock_request read = mock_expect_node(m, FUSE_READ, 5);

    wf_engine_shutdown(mock_engine(m));
    /* The session lasts while the READ is out... */
    assert_true(mock_idle(m, 50));
    assert_int_equal(transact_once(m), STATUS_SUCCESS);
    uint8_t body[16] = { 0 };
    mock_reply(m, read.header.unique, 0, body, sizeof body);
    assert_int_equal(mock_response(m, read_hint).IoStatus.Status, STATUS_SUCCESS);
    /* ...and then ends with no DESTROY for the daemon to run beside its last requests. */
    assert_int_equal(transact_once(m), STATUS_CONNECTION_DISCONNECTED);
    wf_engine_info info = mock_info(m);
    assert_false(info.connected);
    assert_int_equal(info.sent_by_opcode[FUSE_DESTROY], 0);
    mock_free(m);
}

static void shutdown_without_destroy_and_nothing_in_flight_ends_the_session_at_once(void **state)
{
    (void)state;
    mock_fs *m = mock_new_params(0, no_destroy);
    mock_init(m, NULL);
    wf_engine_shutdown(mock_engine(m));
    assert_int_equal(transact_once(m), STATUS_CONNECTION_DISCONNECTED);
    assert_int_equal(mock_info(m).requests_sent, 1);     /* INIT only */
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_offers_7_45_the_engine_flags_and_max_readahead),
        cmocka_unit_test(init_reply_is_recorded_with_flags_masked_by_the_offer),
        cmocka_unit_test(init_flags_not_accepted_are_not_recorded),
        cmocka_unit_test(init_flags2_is_taken_only_within_the_offer),
        cmocka_unit_test(init_max_pages_counts_only_with_the_max_pages_flag),
        cmocka_unit_test(init_small_max_message_bounds_read_and_write_sizes),
        cmocka_unit_test(init_small_max_write_bounds_write_size),
        cmocka_unit_test(init_compat_24_byte_reply_of_minor_12_is_accepted),
        cmocka_unit_test(init_major_8_is_refused),
        cmocka_unit_test(init_minor_11_is_refused),
        cmocka_unit_test(init_error_reply_is_refused),
        cmocka_unit_test(init_reply_too_short_for_a_version_fails_the_session),
        cmocka_unit_test(requests_wait_for_the_init_reply),
        cmocka_unit_test(shutdown_drains_in_flight_requests_then_destroy_ends_the_session),
        cmocka_unit_test(shutdown_with_nothing_in_flight_sends_destroy_next),
        cmocka_unit_test(shutdown_before_init_completes_the_requests_waiting_for_it),
        cmocka_unit_test(shutdown_while_init_is_out_completes_queued_requests_then_destroys),
        cmocka_unit_test(shutdown_without_destroy_drains_in_flight_requests_then_ends_the_session),
        cmocka_unit_test(shutdown_without_destroy_and_nothing_in_flight_ends_the_session_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
