/* test_engine_timeout.c — giving up on a silent file system: a FUSE request out longer
   than request_timeout_ms gets FUSE_INTERRUPT and its WinFsp request completes with
   STATUS_IO_TIMEOUT; its unique stays reserved, and a late reply gives back what it granted
   (FORGET of entries, RELEASE of handles); a cancellation with a grace ends the same way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "winfuse/linux_errno.h"

#define TIMEOUT_MS 50u

static void short_timeout(wf_engine_params *params)
{
    params->request_timeout_ms = TIMEOUT_MS;
    params->forget_delay_ms = 1;
}

static mock_fs *start_with_timeout(void)
{
    mock_fs *m = mock_new_params(0, short_timeout);
    mock_init(m, NULL);
    return m;
}

static struct fuse_open_out open_out(uint64_t fh)
{
    struct fuse_open_out out;
    memset(&out, 0, sizeof out);
    out.fh = fh;
    return out;
}

static void a_read_out_past_the_timeout_is_interrupted_and_completes_with_io_timeout(void **state)
{
    (void)state;
    mock_fs *m = start_with_timeout();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    char buf[4] = "....";
    uint64_t hint = mock_submit(m, mock_req_read(handle, buf, 0, 4));
    mock_request read = mock_expect_node(m, FUSE_READ, 5);

    mock_expect_interrupt(m, read.header.unique, 3000);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_IO_TIMEOUT);
    wf_engine_info info = mock_info(m);
    assert_int_equal(info.timeouts, 1);
    assert_int_equal(info.requests_given_up, 1);
    assert_int_equal(info.requests_in_flight, 0);

    /* The volume stays usable. */
    hint = mock_submit(m, mock_req_read(handle, buf, 0, 4));
    read = mock_expect_node(m, FUSE_READ, 5);
    assert_int_equal(mock_reply(m, read.header.unique, 0, "data", 4), STATUS_SUCCESS);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_memory_equal(buf, "data", 4);
    mock_free(m);
}

static void a_late_reply_is_dropped_without_touching_the_callers_buffer(void **state)
{
    (void)state;
    mock_fs *m = start_with_timeout();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    char buf[4] = "....";
    uint64_t hint = mock_submit(m, mock_req_read(handle, buf, 0, 4));
    mock_request read = mock_expect_node(m, FUSE_READ, 5);
    mock_expect_interrupt(m, read.header.unique, 3000);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_IO_TIMEOUT);

    assert_int_equal(mock_reply(m, read.header.unique, 0, "late", 4), STATUS_SUCCESS);
    assert_memory_equal(buf, "....", 4);
    wf_engine_info info = mock_info(m);
    assert_int_equal(info.late_replies, 1);
    assert_int_equal(info.unknown_replies, 0);
    assert_int_equal(info.requests_given_up, 0);
    /* Its unique was reserved only until then: again it is unknown. */
    assert_int_equal(mock_reply(m, read.header.unique, 0, "late", 4), STATUS_NOT_FOUND);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void a_late_lookup_reply_is_forgotten(void **state)
{
    (void)state;
    mock_fs *m = start_with_timeout();
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    mock_request lookup = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_expect_interrupt(m, lookup.header.unique, 3000);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_IO_TIMEOUT);

    /* The file system counted a lookup of node 7 that nobody takes. */
    mock_reply_entry(m, lookup.header.unique, 7, 0100644, 1, 60, 60);
    mock_request forget = mock_expect_wait(m, FUSE_FORGET, 1000);
    assert_int_equal(forget.header.nodeid, 7);
    struct fuse_forget_in in;
    memcpy(&in, forget.body, sizeof in);
    assert_int_equal(in.nlookup, 1);
    /* A negative one (nodeid 0) grants nothing. */
    hint = mock_submit(m, mock_req_create("\\g", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    lookup = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_expect_interrupt(m, lookup.header.unique, 3000);
    mock_response(m, hint);
    mock_reply_entry(m, lookup.header.unique, 0, 0, 0, 60, 60);
    assert_true(mock_idle(m, 100));
    assert_int_equal(mock_info(m).forgets_sent, 1);
    mock_free(m);
}

static void a_late_open_reply_is_released(void **state)
{
    (void)state;
    mock_fs *m = start_with_timeout();
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, FILE_NON_DIRECTORY_FILE,
        FILE_GENERIC_READ));
    mock_request lookup = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply_entry(m, lookup.header.unique, 5, 0100644, 1, 60, 60);
    mock_request open = mock_expect_node(m, FUSE_OPEN, 5);
    struct fuse_open_in open_in;
    memcpy(&open_in, open.body, sizeof open_in);
    mock_expect_interrupt(m, open.header.unique, 3000);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_IO_TIMEOUT);

    struct fuse_open_out out = open_out(42);
    mock_reply(m, open.header.unique, 0, &out, sizeof out);
    mock_request release = mock_expect_node(m, FUSE_RELEASE, 5);
    struct fuse_release_in in;
    memcpy(&in, release.body, sizeof in);
    assert_int_equal(in.fh, 42);
    assert_int_equal(in.flags, open_in.flags);
    mock_reply(m, release.header.unique, 0, NULL, 0);
    /* An OPEN counts no lookup: nothing to forget. */
    assert_true(mock_idle(m, 100));
    mock_free(m);
}

static void a_late_create_reply_is_released_then_forgotten(void **state)
{
    (void)state;
    mock_fs *m = start_with_timeout();
    uint64_t hint = mock_submit(m, mock_req_create("\\n", FILE_CREATE, FILE_NON_DIRECTORY_FILE,
        FILE_GENERIC_READ | FILE_GENERIC_WRITE));
    mock_request lookup = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    mock_reply(m, lookup.header.unique, -WF_ENOENT, NULL, 0);
    mock_request create = mock_expect_node(m, FUSE_CREATE, FUSE_ROOT_ID);
    mock_expect_interrupt(m, create.header.unique, 3000);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_IO_TIMEOUT);

    struct { struct fuse_entry_out entry; struct fuse_open_out open; } out;
    out.entry = mock_entry(9, 0100644, 0, 60, 0, 60);
    out.open = open_out(77);
    mock_reply(m, create.header.unique, 0, &out, sizeof out);
    mock_request release = mock_expect_node(m, FUSE_RELEASE, 9);
    struct fuse_release_in in;
    memcpy(&in, release.body, sizeof in);
    assert_int_equal(in.fh, 77);
    assert_true(mock_idle(m, 30));      /* the node is forgotten only once released */
    mock_reply(m, release.header.unique, 0, NULL, 0);
    mock_request forget = mock_expect_wait(m, FUSE_FORGET, 1000);
    assert_int_equal(forget.header.nodeid, 9);
    mock_free(m);
}

static void a_late_readdirplus_reply_forgets_its_entries_but_dot_and_dotdot(void **state)
{
    (void)state;
    mock_fs *m = mock_new_params(0, short_timeout);
    mock_init_options options = { .flags = FUSE_DO_READDIRPLUS };
    mock_init(m, &options);
    uint64_t handle = mock_open_root(m, 3);
    static uint8_t listing[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(handle, listing, sizeof listing, NULL));
    mock_request readdir = mock_expect_node(m, FUSE_READDIRPLUS, FUSE_ROOT_ID);
    mock_expect_interrupt(m, readdir.header.unique, 3000);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_IO_TIMEOUT);

    uint8_t body[1024];
    uint32_t len = 0;
    struct fuse_entry_out dot = mock_entry(1, 040755, 0, 60, 0, 60);
    struct fuse_entry_out a = mock_entry(11, 0100644, 0, 60, 0, 60);
    struct fuse_entry_out b = mock_entry(12, 0100644, 0, 60, 0, 60);
    struct fuse_entry_out dotdot = mock_entry(13, 040755, 0, 60, 0, 60);
    len = mock_direntplus_add(body, len, &dot, 1, ".");
    len = mock_direntplus_add(body, len, &dotdot, 2, "..");
    len = mock_direntplus_add(body, len, &a, 3, "a");
    len = mock_direntplus_add(body, len, &b, 4, "b");
    mock_reply(m, readdir.header.unique, 0, body, len);
    uint64_t forgotten = 0;
    mock_request req;
    while (mock_take(m, &req, 200)) {
        if (req.header.opcode == FUSE_FORGET) {
            forgotten += req.header.nodeid;
        } else {
            assert_int_equal(req.header.opcode, FUSE_BATCH_FORGET);
            struct fuse_batch_forget_in batch;
            memcpy(&batch, req.body, sizeof batch);
            for (uint32_t i = 0; i < batch.count; i++) {
                struct fuse_forget_one one;
                memcpy(&one, req.body + sizeof batch + i * sizeof one, sizeof one);
                assert_int_equal(one.nlookup, 1);
                forgotten += one.nodeid;
            }
        }
    }
    assert_int_equal(forgotten, 11 + 12);
    mock_free(m);
}

static void without_a_timeout_a_silent_file_system_is_waited_for(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    char buf[4];
    uint64_t hint = mock_submit(m, mock_req_read(handle, buf, 0, 4));
    mock_request read = mock_expect_node(m, FUSE_READ, 5);
    assert_true(mock_idle(m, 300));
    assert_false(mock_has_response(m, hint));
    mock_reply(m, read.header.unique, 0, "data", 4);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(mock_info(m).timeouts, 0);
    mock_free(m);
}

static void a_cancel_with_a_grace_ends_even_when_the_interrupt_is_ignored(void **state)
{
    (void)state;
    mock_fs *m = mock_start();     /* no timeout */
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    char buf[4];
    uint64_t hint = mock_submit(m, mock_req_read(handle, buf, 0, 4));
    mock_request read = mock_expect_node(m, FUSE_READ, 5);

    assert_true(wf_engine_cancel_within(mock_engine(m), hint, TIMEOUT_MS));
    mock_expect_interrupt(m, read.header.unique, 3000);
    /* The file system ignores it; the grace ends the request, and no second INTERRUPT. */
    assert_true(mock_idle(m, 300));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANCELLED);
    assert_int_equal(mock_info(m).sent_by_opcode[FUSE_INTERRUPT], 1);
    /* Its EINTR, late, is no unknown reply. */
    assert_int_equal(mock_reply(m, read.header.unique, -WF_EINTR, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(mock_info(m).unknown_replies, 0);
    mock_free(m);
}

static void a_cancel_with_a_grace_ends_a_close_that_is_never_answered(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    uint64_t hint = mock_submit(m, mock_req_close(handle));
    mock_request release = mock_expect_node(m, FUSE_RELEASE, 5);
    assert_true(wf_engine_cancel_within(mock_engine(m), hint, TIMEOUT_MS));
    /* Close is never interrupted, but stops waiting. */
    mock_request req;
    if (mock_take(m, &req, 300))
        assert_int_not_equal(req.header.opcode, FUSE_INTERRUPT);
    assert_true(mock_has_response(m, hint));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_reply(m, release.header.unique, 0, NULL, 0);
    assert_int_equal(mock_info(m).unknown_replies, 0);
    mock_free(m);
}

static void the_channel_ending_frees_the_requests_given_up_on(void **state)
{
    (void)state;
    mock_fs *m = start_with_timeout();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    char buf[4];
    uint64_t hint = mock_submit(m, mock_req_read(handle, buf, 0, 4));
    mock_request read = mock_expect_node(m, FUSE_READ, 5);
    mock_expect_interrupt(m, read.header.unique, 3000);
    mock_response(m, hint);
    assert_int_equal(mock_info(m).requests_given_up, 1);
    wf_engine_disconnect(mock_engine(m));
    assert_int_equal(mock_info(m).requests_given_up, 0);
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_read_out_past_the_timeout_is_interrupted_and_completes_with_io_timeout),
        cmocka_unit_test(a_late_reply_is_dropped_without_touching_the_callers_buffer),
        cmocka_unit_test(a_late_lookup_reply_is_forgotten),
        cmocka_unit_test(a_late_open_reply_is_released),
        cmocka_unit_test(a_late_create_reply_is_released_then_forgotten),
        cmocka_unit_test(a_late_readdirplus_reply_forgets_its_entries_but_dot_and_dotdot),
        cmocka_unit_test(without_a_timeout_a_silent_file_system_is_waited_for),
        cmocka_unit_test(a_cancel_with_a_grace_ends_even_when_the_interrupt_is_ignored),
        cmocka_unit_test(a_cancel_with_a_grace_ends_a_close_that_is_never_answered),
        cmocka_unit_test(the_channel_ending_frees_the_requests_given_up_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
