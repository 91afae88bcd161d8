/* test_engine_cancel.c — cancellation: a request not started completes with STATUS_CANCELLED; one
   with a FUSE request out gets FUSE_INTERRUPT and ends as the file system answers (EINTR:
   STATUS_CANCELLED), with ENOSYS remembered and EAGAIN resent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mock_fs.h"
#include "winfuse/linux_errno.h"

static mock_request start_read(mock_fs *m, uint64_t handle, void *buf, uint64_t *hint)
{
    *hint = mock_submit(m, mock_req_read(handle, buf, 0, 4));
    return mock_expect_node(m, FUSE_READ, 5);
}

static void cancel_of_an_unknown_hint_returns_false(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    assert_false(wf_engine_cancel(mock_engine(m), 123456789));
    /* Nor one that has completed. */
    uint64_t hint = mock_submit(m, mock_req_new(FspFsctlTransactQueryEaKind));
    mock_response(m, hint);
    assert_false(wf_engine_cancel(mock_engine(m), hint));
    assert_true(mock_idle(m, 20));
    mock_free(m);
}

static void request_queued_before_init_completes_cancelled_and_never_starts(void **state)
{
    (void)state;
    mock_fs *m = mock_new(0);
    uint64_t hint = mock_submit(m, mock_req_create("\\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    uint64_t other = mock_submit(m, mock_req_create("\\g", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    assert_int_equal(mock_info(m).requests_pending, 2);
    assert_true(wf_engine_cancel(mock_engine(m), hint));
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANCELLED);
    assert_int_equal(mock_info(m).requests_pending, 1);

    mock_init(m, NULL);
    /* Only the other one goes out. */
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_string_equal((const char *)req.body, "g");
    mock_reply_entry(m, req.header.unique, 5, 0100644, 1, 60, 60);
    assert_int_equal(mock_response(m, other).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    assert_false(mock_has_response(m, hint));
    mock_free(m);
}

static void request_in_flight_is_interrupted_and_eintr_completes_it_cancelled(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    char buf[4];
    uint64_t hint;
    mock_request read = start_read(m, handle, buf, &hint);

    assert_true(wf_engine_cancel(mock_engine(m), hint));
    mock_expect_interrupt(m, read.header.unique, 1000);
    assert_false(mock_has_response(m, hint));
    assert_int_equal(mock_reply(m, read.header.unique, -WF_EINTR, NULL, 0), STATUS_SUCCESS);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANCELLED);
    assert_int_equal(mock_info(m).sent_by_opcode[FUSE_INTERRUPT], 1);
    assert_int_equal(mock_info(m).unknown_replies, 0);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void answer_after_the_interrupt_went_out_completes_normally(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    char buf[4];
    uint64_t hint;
    mock_request read = start_read(m, handle, buf, &hint);
    assert_true(wf_engine_cancel(mock_engine(m), hint));
    mock_expect_interrupt(m, read.header.unique, 1000);

    /* The file system had finished already: it won the race. */
    assert_int_equal(mock_reply(m, read.header.unique, 0, "data", 4), STATUS_SUCCESS);
    FSP_FSCTL_TRANSACT_RSP rsp = mock_response(m, hint);
    assert_int_equal(rsp.IoStatus.Status, STATUS_SUCCESS);
    assert_int_equal(rsp.IoStatus.Information, 4);
    assert_memory_equal(buf, "data", 4);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void answer_before_the_interrupt_went_out_sends_no_interrupt(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    char buf[4];
    uint64_t hint;
    mock_request read = start_read(m, handle, buf, &hint);
    assert_true(wf_engine_cancel(mock_engine(m), hint));
    assert_int_equal(mock_reply(m, read.header.unique, 0, "data", 4), STATUS_SUCCESS);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    assert_true(mock_idle(m, 50));
    assert_int_equal(mock_info(m).sent_by_opcode[FUSE_INTERRUPT], 0);
    mock_free(m);
}

static void request_not_yet_handed_out_is_interrupted_once_it_goes_out(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    char buf[4];
    uint64_t hint = mock_submit(m, mock_req_read(handle, buf, 0, 4));
    /* The READ waits in the ready queue. */
    assert_true(wf_engine_cancel(mock_engine(m), hint));
    mock_request read = mock_expect_node(m, FUSE_READ, 5);
    mock_expect_interrupt(m, read.header.unique, 1000);
    mock_reply(m, read.header.unique, -WF_EINTR, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANCELLED);
    mock_free(m);
}

static void enosys_answer_to_interrupt_is_remembered_and_the_request_keeps_waiting(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    char buf[4];
    uint64_t hint;
    mock_request read = start_read(m, handle, buf, &hint);
    assert_true(wf_engine_cancel(mock_engine(m), hint));
    mock_expect_interrupt(m, read.header.unique, 1000);
    assert_int_equal(mock_reply(m, read.header.unique | 1, -WF_ENOSYS, NULL, 0), STATUS_SUCCESS);
    assert_false(mock_has_response(m, hint));
    assert_true(mock_idle(m, 50));
    mock_reply(m, read.header.unique, 0, "data", 4);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);

    /* The next cancellation sends nothing: the request just runs to its end. */
    read = start_read(m, handle, buf, &hint);
    assert_true(wf_engine_cancel(mock_engine(m), hint));
    assert_true(mock_idle(m, 50));
    mock_reply(m, read.header.unique, 0, "more", 4);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    wf_engine_info info = mock_info(m);
    assert_int_equal(info.sent_by_opcode[FUSE_INTERRUPT], 1);
    assert_int_equal(info.unknown_replies, 0);
    assert_int_equal(info.bad_replies, 0);
    mock_free(m);
}

static void eagain_answer_to_interrupt_resends_it(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    char buf[4];
    uint64_t hint;
    mock_request read = start_read(m, handle, buf, &hint);
    assert_true(wf_engine_cancel(mock_engine(m), hint));
    mock_expect_interrupt(m, read.header.unique, 1000);
    assert_int_equal(mock_reply(m, read.header.unique | 1, -WF_EAGAIN, NULL, 0), STATUS_SUCCESS);
    mock_expect_interrupt(m, read.header.unique, 1000);
    mock_reply(m, read.header.unique, -WF_EINTR, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANCELLED);
    assert_int_equal(mock_info(m).sent_by_opcode[FUSE_INTERRUPT], 2);
    mock_free(m);
}

static void eagain_after_the_request_was_answered_is_not_an_unknown_reply(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    char buf[4];
    uint64_t hint;
    mock_request read = start_read(m, handle, buf, &hint);
    assert_true(wf_engine_cancel(mock_engine(m), hint));
    mock_expect_interrupt(m, read.header.unique, 1000);
    mock_reply(m, read.header.unique, -WF_EINTR, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANCELLED);
    assert_int_equal(mock_reply(m, read.header.unique | 1, -WF_EAGAIN, NULL, 0), STATUS_SUCCESS);
    assert_true(mock_idle(m, 100));     /* nothing left to interrupt */
    wf_engine_info info = mock_info(m);
    assert_int_equal(info.unknown_replies, 0);
    assert_int_equal(info.bad_replies, 0);
    assert_int_equal(info.sent_by_opcode[FUSE_INTERRUPT], 1);
    mock_free(m);
}

static void interrupt_answer_with_a_body_is_a_bad_reply(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    char buf[4];
    uint64_t hint;
    mock_request read = start_read(m, handle, buf, &hint);
    assert_true(wf_engine_cancel(mock_engine(m), hint));
    mock_expect_interrupt(m, read.header.unique, 1000);
    assert_int_equal(mock_reply(m, read.header.unique | 1, -WF_EAGAIN, "x", 1),
        STATUS_INVALID_PARAMETER);
    assert_int_equal(mock_reply(m, read.header.unique | 1, 5, NULL, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(mock_info(m).bad_replies, 2);
    /* Neither was taken as EAGAIN or ENOSYS; the request still ends with its own reply. */
    assert_true(mock_idle(m, 50));
    mock_reply(m, read.header.unique, -WF_EINTR, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANCELLED);
    mock_free(m);
}

static void cancelled_request_has_each_later_fuse_request_interrupted(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t hint = mock_submit(m, mock_req_create("\\d\\f", FILE_OPEN, 0, FILE_READ_ATTRIBUTES));
    mock_request req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_true(wf_engine_cancel(mock_engine(m), hint));
    mock_expect_interrupt(m, req.header.unique, 1000);
    /* The file system answers the first LOOKUP anyway; the walk goes on, still cancelled. */
    mock_reply_entry(m, req.header.unique, 2, 040755, 0, 60, 60);
    req = mock_expect_node(m, FUSE_LOOKUP, 2);
    mock_expect_interrupt(m, req.header.unique, 1000);
    mock_reply(m, req.header.unique, -WF_EINTR, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANCELLED);
    mock_free(m);
}

static void second_cancel_sends_no_second_interrupt(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    char buf[4];
    uint64_t hint;
    mock_request read = start_read(m, handle, buf, &hint);
    assert_true(wf_engine_cancel(mock_engine(m), hint));
    assert_true(wf_engine_cancel(mock_engine(m), hint));
    mock_expect_interrupt(m, read.header.unique, 1000);
    assert_true(wf_engine_cancel(mock_engine(m), hint));
    assert_true(mock_idle(m, 50));
    mock_reply(m, read.header.unique, -WF_EINTR, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANCELLED);
    mock_free(m);
}

static void cleanup_is_never_interrupted(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    uint64_t hint = mock_submit(m, mock_req_cleanup(handle));
    mock_request flush = mock_expect_node(m, FUSE_FLUSH, 5);
    assert_true(wf_engine_cancel(mock_engine(m), hint));
    assert_true(mock_idle(m, 50));
    mock_reply(m, flush.header.unique, 0, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, STATUS_SUCCESS);
    mock_free(m);
}

static void interrupted_lookup_in_a_listing_cancels_it_instead_of_skipping_the_entry(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t root = mock_open_root(m, 9);
    uint8_t out[4096];
    uint64_t hint = mock_submit(m, mock_req_query_dir(root, out, sizeof out, NULL));
    mock_request req = mock_expect_node(m, FUSE_READDIR, FUSE_ROOT_ID);
    uint8_t body[256];
    uint32_t len = mock_dirent_add(body, 0, 10, 1, "a");
    len = mock_dirent_add(body, len, 11, 2, "b");
    mock_reply(m, req.header.unique, 0, body, len);
    req = mock_expect_node(m, FUSE_LOOKUP, FUSE_ROOT_ID);
    assert_true(wf_engine_cancel(mock_engine(m), hint));
    mock_expect_interrupt(m, req.header.unique, 1000);
    mock_reply(m, req.header.unique, -WF_EINTR, NULL, 0);
    assert_int_equal(mock_response(m, hint).IoStatus.Status, (uint32_t)STATUS_CANCELLED);
    assert_true(mock_idle(m, 50));
    mock_free(m);
}

static void disconnect_with_an_interrupt_queued_completes_the_request(void **state)
{
    (void)state;
    mock_fs *m = mock_start();
    uint64_t handle = mock_open_file(m, "f", 5, 10, 1);
    char buf[4];
    uint64_t hint;
    start_read(m, handle, buf, &hint);
    assert_true(wf_engine_cancel(mock_engine(m), hint));
    wf_engine_disconnect(mock_engine(m));
    assert_int_equal(mock_response(m, hint).IoStatus.Status,
        (uint32_t)STATUS_CONNECTION_DISCONNECTED);
    assert_false(wf_engine_cancel(mock_engine(m), hint));
    mock_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cancel_of_an_unknown_hint_returns_false),
        cmocka_unit_test(request_queued_before_init_completes_cancelled_and_never_starts),
        cmocka_unit_test(request_in_flight_is_interrupted_and_eintr_completes_it_cancelled),
        cmocka_unit_test(answer_after_the_interrupt_went_out_completes_normally),
        cmocka_unit_test(answer_before_the_interrupt_went_out_sends_no_interrupt),
        cmocka_unit_test(request_not_yet_handed_out_is_interrupted_once_it_goes_out),
        cmocka_unit_test(enosys_answer_to_interrupt_is_remembered_and_the_request_keeps_waiting),
        cmocka_unit_test(eagain_answer_to_interrupt_resends_it),
        cmocka_unit_test(eagain_after_the_request_was_answered_is_not_an_unknown_reply),
        cmocka_unit_test(interrupt_answer_with_a_body_is_a_bad_reply),
        cmocka_unit_test(cancelled_request_has_each_later_fuse_request_interrupted),
        cmocka_unit_test(second_cancel_sends_no_second_interrupt),
        cmocka_unit_test(cleanup_is_never_interrupted),
        cmocka_unit_test(interrupted_lookup_in_a_listing_cancels_it_instead_of_skipping_the_entry),
        cmocka_unit_test(disconnect_with_an_interrupt_queued_completes_the_request),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
